import { xxhashAsU8a } from "@polkadot/util-crypto";
import { describe, expect, it } from "vitest";
import { concatBytes, toHex, utf8 } from "../bytes/bytes.js";
import { expectRejectsTruncatedAndOverlong } from "../testing/decoderProperties.test-util.js";
import { errorCodeOf } from "../testing/errorCode.test-util.js";
import { decodeWorkerRecord, type WorkerRecord, workerRecordCodec, workerRecordKey } from "./workerRecord.js";

const record: WorkerRecord = {
  pubkey: new Uint8Array(32).fill(1),
  ecdhPubkey: new Uint8Array(32).fill(2),
  runtimeVersion: 0x01020304,
  machineId: Uint8Array.of(9, 8, 7),
  features: [4, 0x100],
  operator: new Uint8Array(32).fill(5),
  attestationProvider: { type: "SgxDcap", value: undefined },
  measurement: new Uint8Array(32).fill(0x4d),
  confidenceLevel: 3,
  lastUpdated: 1_700_000_000_123n,
};

const u32le = (n: number) => Uint8Array.of(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24);

describe("WorkerRecord", () => {
  it("encodes the fields in the chain's order and layout", () => {
    const lastUpdated = new Uint8Array(8);
    new DataView(lastUpdated.buffer).setBigUint64(0, record.lastUpdated, true);
    const expected = concatBytes(
      record.pubkey,
      record.ecdhPubkey,
      u32le(record.runtimeVersion),
      Uint8Array.of(3 << 2, 9, 8, 7), // compact length, then the bytes
      Uint8Array.of(2 << 2),
      u32le(4),
      u32le(0x100),
      Uint8Array.of(1),
      record.operator!,
      Uint8Array.of(1), // SgxDcap
      record.measurement,
      Uint8Array.of(3),
      lastUpdated,
    );
    expect(toHex(workerRecordCodec.enc(record))).toBe(toHex(expected));
    expect(decodeWorkerRecord(expected)).toEqual(record);
  });

  it("round-trips each attestation provider and a record without an operator", () => {
    for (const [type, index] of [
      ["Simulated", 0],
      ["SgxDcap", 1],
      ["SgxIas", 2],
    ] as const) {
      const withProvider = { ...record, attestationProvider: { type, value: undefined } };
      const encoded = workerRecordCodec.enc(withProvider);
      expect(encoded[32 + 32 + 4 + 4 + 9 + 33]).toBe(index);
      expect(decodeWorkerRecord(encoded)).toEqual(withProvider);
    }
    const anonymous = { ...record, operator: undefined };
    const encoded = workerRecordCodec.enc(anonymous);
    expect(encoded).toHaveLength(workerRecordCodec.enc(record).length - 32);
    expect(decodeWorkerRecord(encoded)).toEqual(anonymous);
  });

  it("rejects truncated and over-long input, and an unknown attestation provider", () => {
    const encoded = workerRecordCodec.enc(record);
    expectRejectsTruncatedAndOverlong(encoded, Uint8Array.of(0), decodeWorkerRecord);
    const unknownProvider = encoded.slice();
    unknownProvider[32 + 32 + 4 + 4 + 9 + 33] = 3;
    expect(errorCodeOf(() => decodeWorkerRecord(unknownProvider))).toMatch(/^SCALE_/);
  });

  it("is stored under PhalaRegistry.Workers, Twox64Concat of the identity key", () => {
    const pubkey = Uint8Array.from({ length: 32 }, (_, i) => i);
    const expected = concatBytes(
      xxhashAsU8a(utf8("PhalaRegistry"), 128),
      xxhashAsU8a(utf8("Workers"), 128),
      xxhashAsU8a(pubkey, 64),
      pubkey,
    );
    expect(toHex(workerRecordKey(pubkey))).toBe(toHex(expected));
    expect(workerRecordKey(pubkey)).toHaveLength(16 + 16 + 8 + 32);
    expect(toHex(workerRecordKey(new Uint8Array(32)))).not.toBe(toHex(expected));
  });
});
