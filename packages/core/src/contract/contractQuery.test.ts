import { describe, expect, it } from "vitest";
import { toHex } from "../bytes/bytes.js";
import { keypairsFromSeed, publicKeysFromSeed } from "../keyHierarchy/derivedKeys.js";
import { devAccounts } from "../keys/devAccounts.js";
import { contractCommandCodec, contractCommandTopic } from "./contractMessages.js";
import {
  decodeSignedQuery,
  signedQueryCodec,
  signQuery,
  signQueryCertificate,
  verifyQueryCertificate,
  verifyQuerySignature,
} from "./contractQuery.js";

const seed = new Uint8Array(32).fill(7);
const ephemeral = keypairsFromSeed(seed);

describe("query certificates and signed queries", () => {
  it("verify for Sr25519 and Ed25519 accounts, and fail for any change", () => {
    for (const type of ["sr25519", "ed25519"] as const) {
      const account = devAccounts(type).Alice;
      const certificate = signQueryCertificate(account, publicKeysFromSeed(seed), 1_000n);
      expect(verifyQueryCertificate(certificate)).toBe(true);
      const later = { ...certificate, body: { ...certificate.body, expiresAtMs: 2_000n } };
      expect(verifyQueryCertificate(later)).toBe(false);
      const other = { ...certificate, body: { ...certificate.body, account: devAccounts(type).Bob.accountId } };
      expect(verifyQueryCertificate(other)).toBe(false);
    }
  });

  it("binds a query's envelope and certificate to the ephemeral key's signature, through SCALE", () => {
    const certificate = signQueryCertificate(devAccounts("sr25519").Alice, publicKeysFromSeed(seed), 1_000n);
    const query = signQuery(ephemeral.identity, certificate, Uint8Array.of(1, 2, 3));
    const decoded = decodeSignedQuery(signedQueryCodec.enc(query));
    expect(verifyQuerySignature(decoded)).toBe(true);
    expect(verifyQuerySignature({ ...decoded, envelope: Uint8Array.of(1, 2, 4) })).toBe(false);
    const renewed = signQueryCertificate(devAccounts("sr25519").Alice, publicKeysFromSeed(seed), 5_000n);
    expect(verifyQuerySignature({ ...decoded, certificate: renewed })).toBe(false);
  });
});

describe("contract commands", () => {
  it("go to a topic per contract, and round-trip", () => {
    const contract = new Uint8Array(32).fill(0xab);
    expect(new TextDecoder().decode(contractCommandTopic(contract))).toBe(
      `phala/contract/${toHex(contract).slice(2)}/command`,
    );
    const command = { contract, index: 3n, gasLimit: 1_000_000n, envelope: Uint8Array.of(9) };
    expect(contractCommandCodec.dec(contractCommandCodec.enc(command))).toEqual(command);
  });
});
