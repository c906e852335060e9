import { describe, expect, it } from "vitest";
import { blake2_256 } from "../hashing/hashes.js";
import { expectRejectsTruncatedAndOverlong } from "../testing/decoderProperties.test-util.js";
import { decodeRuntimeInfo, encodeRuntimeInfo, type RuntimeInfo, runtimeInfoReportData } from "./runtimeInfo.js";

const info: RuntimeInfo = {
  version: 1,
  machineId: new Uint8Array(16).fill(3),
  identityPublicKey: new Uint8Array(32).fill(1),
  ecdhPublicKey: new Uint8Array(32).fill(2),
  genesisHash: new Uint8Array(32).fill(9),
  features: [8, 0],
  operator: new Uint8Array(32).fill(5),
};

describe("RuntimeInfo", () => {
  it("round-trips, and rejects truncated and over-long input", () => {
    const encoded = encodeRuntimeInfo(info);
    expect(decodeRuntimeInfo(encoded)).toEqual(info);
    expect(decodeRuntimeInfo(encodeRuntimeInfo({ ...info, operator: undefined })).operator).toBeUndefined();
    expectRejectsTruncatedAndOverlong(encoded, Uint8Array.of(0), decodeRuntimeInfo);
  });

  it("binds report_data to the exact encoding: blake2-256 followed by 32 zero bytes", () => {
    const reportData = runtimeInfoReportData(info);
    expect(reportData).toHaveLength(64);
    expect(reportData.subarray(0, 32)).toEqual(blake2_256(encodeRuntimeInfo(info)));
    expect(reportData.subarray(32)).toEqual(new Uint8Array(32));
    expect(runtimeInfoReportData({ ...info, features: [9, 0] })).not.toEqual(reportData);
  });
});
