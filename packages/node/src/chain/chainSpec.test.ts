import { simQuotingPublicKey } from "@phala-ts/attestation";
import { toHex } from "@phala-ts/core";
import { describe, expect, it } from "vitest";
import { errorCodeOf } from "../../../core/src/testing/errorCode.test-util.js";
import { devSpec, localSpec, specFromJson, specToJson } from "./chainSpec.js";

describe("chain specs", () => {
  it("round-trip through their JSON form", () => {
    for (const spec of [devSpec(), localSpec()])
      expect(specFromJson(JSON.parse(JSON.stringify(specToJson(spec))))).toEqual(spec);
  });

  it("name the simulated quoting key on development chains", () => {
    const json = specToJson(devSpec()) as { attestation: { simulatedQuotingKeys: string[] } };
    expect(json.attestation.simulatedQuotingKeys).toEqual([toHex(simQuotingPublicKey())]);
  });

  it("refuse malformed quoting keys, and simulated attestation on a live chain", () => {
    const json = specToJson(devSpec()) as Record<string, Record<string, unknown>>;
    const withKeys = (keys: unknown) => ({
      ...json,
      attestation: { ...json["attestation"], simulatedQuotingKeys: keys },
    });
    expect(errorCodeOf(() => specFromJson(withKeys(["0x1234"])))).toBe("CHAIN_SPEC_INVALID");
    expect(errorCodeOf(() => specFromJson(withKeys("0x00")))).toBe("CHAIN_SPEC_INVALID");
    expect(errorCodeOf(() => specFromJson({ ...json, chainType: "Live" }))).toBe("CHAIN_SPEC_INVALID");
  });
});
