import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../bytes/bytes.js";
import { ecdsaFromSeed } from "./ecdsa.js";
import { KeyDerivationError, KeyUriError, UnknownKeyTypeError } from "./keyErrors.js";
import { ed25519Keypair, KEYPAIR_TYPES, type KeypairType, keypairFromSeed } from "./keypair.js";
import { keypairFromUri } from "./keyring.js";
import { DEV_PHRASE } from "./secretUri.js";
import { sr25519FromSeed } from "./sr25519.js";
import { ss58Encode } from "./ss58.js";

// `subkey inspect` output for the dev accounts.
const ALICE_SR25519 = "0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d";
const ALICE_ED25519 = "0x88dc3417d5058ec4b4503e0c12ea1a0a89be200fe98922423d4334014fa6b0ee";
const ALICE_ED25519_SEED = "0xabf8e5bdbe30c65656c0a3cbd181ff8a56294a69dfedd27982aace4a76909115";
const ALICE_ECDSA = "0x020a1091341fe5664bfa1782d5e04779689068c916b04cb365ec3153755684d9a1";
const ALICE_ECDSA_SEED = "0xcb6df9de1efca7a3998a8ead4e02159d5fa99c3e0d4fd6432667390bb4726854";
const BOB_SR25519 = "0x8eaf04151687736326c9fea17e25fc5287613693c912909cb226aa4794f26a48";
const BOB_SR25519_SEED = "0x398f0c28f98885e046333d4a41c19cee4c37368a9832c6502f6cfd182e2aef89";
// The dev phrase itself (sp_core DEV_ADDRESS) and its soft `/Alice` child (sp_core derive_soft_known_pair).
const DEV_ROOT_SR25519 = "0x46ebddef8cd9bb167dc30878d7113b7e168e6f0646beffd77d69d39bad76b47a";
const SOFT_ALICE_SR25519 = "0xd6c71059dbbe9ad2b0ed3f289738b800836eb425544ce694825285b958ca755e";
const SP_CORE_SEED = "0x9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";

function keyUriErrorOf(run: () => unknown): KeyUriError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(KeyUriError);
    return error as KeyUriError;
  }
  throw new Error("no error thrown");
}

describe("keypairFromUri", () => {
  it("derives the well-known dev accounts", () => {
    expect(toHex(keypairFromUri("//Alice", "sr25519").publicKey)).toBe(ALICE_SR25519);
    expect(toHex(keypairFromUri("//Alice", "ed25519").publicKey)).toBe(ALICE_ED25519);
    expect(toHex(keypairFromUri("//Alice", "ecdsa").publicKey)).toBe(ALICE_ECDSA);
    expect(toHex(keypairFromUri("//Bob", "sr25519").publicKey)).toBe(BOB_SR25519);
    expect(ss58Encode(keypairFromUri("//Alice", "sr25519").accountId, 42)).toBe(
      "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY",
    );
    expect(ss58Encode(keypairFromUri("//Alice", "ed25519").accountId)).toBe(
      "5FA9nQDVg267DEd8m1ZypXLBnvN7SFxYwV7ndqSYGiN9TTpu",
    );
    expect(ss58Encode(keypairFromUri("//Alice", "ecdsa").accountId)).toBe(
      "5C7C2Z5sWbytvHpuLTvzKunnnRwQxft1jiqrLD5rhucQ5S9X",
    );
  });

  it("defaults to sr25519 and to the dev phrase", () => {
    expect(toHex(keypairFromUri("//Alice").publicKey)).toBe(ALICE_SR25519);
    expect(toHex(keypairFromUri("").publicKey)).toBe(DEV_ROOT_SR25519);
    expect(toHex(keypairFromUri(DEV_PHRASE).publicKey)).toBe(DEV_ROOT_SR25519);
    expect(keypairFromUri(`${DEV_PHRASE}//Alice`, "ed25519").publicKey).toEqual(
      keypairFromUri("//Alice", "ed25519").publicKey,
    );
  });

  it("agrees with subkey's secret seeds of derived accounts", () => {
    expect(keypairFromUri("//Alice", "ed25519").publicKey).toEqual(
      ed25519Keypair(fromHex(ALICE_ED25519_SEED)).publicKey,
    );
    expect(keypairFromUri("//Alice", "ecdsa").publicKey).toEqual(ecdsaFromSeed(fromHex(ALICE_ECDSA_SEED)).publicKey);
    expect(keypairFromUri("//Bob", "sr25519").publicKey).toEqual(sr25519FromSeed(fromHex(BOB_SR25519_SEED)).publicKey);
    expect(toHex(keypairFromUri(BOB_SR25519_SEED, "sr25519").publicKey)).toBe(BOB_SR25519);
  });

  it("soft-derives sr25519", () => {
    expect(toHex(keypairFromUri("/Alice").publicKey)).toBe(SOFT_ALICE_SR25519);
    const root = sr25519FromSeed(fromHex("0xfac7959dbfe72f052e5a0c3c8d6530f202b02fd8f9f5ca3580ec8deb7797479e"));
    expect(keypairFromUri("//Alice/stash//1").publicKey).toEqual(
      root
        .deriveHard(fromHex(`0x14416c696365${"00".repeat(26)}`))
        .deriveSoft(fromHex(`0x147374617368${"00".repeat(26)}`))
        .deriveHard(fromHex(`0x01${"00".repeat(31)}`)).publicKey,
    );
  });

  it("takes a 0x seed, ignoring any password, and numeric junctions as u64", () => {
    for (const type of KEYPAIR_TYPES) {
      const fromUri = keypairFromUri(SP_CORE_SEED, type);
      expect(fromUri.publicKey).toEqual(keypairFromSeed(type, fromHex(SP_CORE_SEED)).publicKey);
      expect(keypairFromUri(`${SP_CORE_SEED}///ignored`, type).publicKey).toEqual(fromUri.publicKey);
    }
    // sp_core seed_and_derive_should_work: `DeriveJunction::Hard([0; 32])` is `//0`.
    expect(keypairFromUri(`${SP_CORE_SEED}//0`, "ed25519").publicKey).toEqual(
      ed25519Keypair(fromHex("0xede3354e133f9c8e337ddd6ee5415ed4b4ffe5fc7d21e933f4930a3730e5b21c")).publicKey,
    );
    expect(keypairFromUri(`${SP_CORE_SEED}//0`, "ecdsa").publicKey).toEqual(
      ecdsaFromSeed(fromHex("0xb8eefc4937200a8382d00050e050ced2d4ab72cc2ef1b061477afb51564fdd61")).publicKey,
    );
  });

  it("salts mnemonic seeds with the password (sp_core default_phrase_should_be_used)", () => {
    for (const type of KEYPAIR_TYPES) {
      const withPassword = keypairFromUri("//Alice///password", type);
      expect(withPassword.publicKey).toEqual(
        keypairFromUri(`${DEV_PHRASE}//Alice`, type, { password: "password" }).publicKey,
      );
      expect(withPassword.publicKey).not.toEqual(keypairFromUri("//Alice", type).publicKey);
      expect(keypairFromUri("//Alice///other", type, { password: "password" }).publicKey).toEqual(
        withPassword.publicKey,
      );
    }
  });

  it("refuses soft junctions for ed25519 and ecdsa", () => {
    for (const type of ["ed25519", "ecdsa"] as const) {
      expect(() => keypairFromUri("//Alice/soft", type)).toThrow(KeyDerivationError);
      expect(() => keypairFromUri("/0", type)).toThrow(
        expect.objectContaining({ code: "KEY_SOFT_DERIVATION_UNSUPPORTED" }),
      );
    }
  });

  it("rejects malformed URIs with KEY_URI_INVALID, without echoing secrets", () => {
    const bad = [
      "//Alice/",
      `${DEV_PHRASE.replace("walk", "wall")}//Alice`,
      "bottom drive obey",
      "0x1234",
      `0x${"zz".repeat(32)}`,
      `${SP_CORE_SEED}00`,
      `${SP_CORE_SEED} //Alice`,
      "0X9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
    ];
    for (const uri of bad) {
      const error = keyUriErrorOf(() => keypairFromUri(uri, "sr25519"));
      expect(error.code).toBe("KEY_URI_INVALID");
      expect(JSON.stringify(error) + error.message).not.toMatch(/bottom|drive|9d61b19d|zzzz/);
    }
    expect(keyUriErrorOf(() => keypairFromUri(`0x${"00".repeat(32)}`, "ecdsa")).code).toBe("KEY_URI_INVALID");
  });

  it("rejects unknown schemes", () => {
    expect(() => keypairFromUri("//Alice", "bls" as KeypairType)).toThrow(UnknownKeyTypeError);
  });
});
