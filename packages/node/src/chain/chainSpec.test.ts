import { simQuotingPublicKey } from "@phala-ts/attestation";
import { toHex } from "@phala-ts/core";
import { describe, expect, it } from "vitest";
import { createTestPki } from "../../../attestation/src/dcap/testPki.test-util.js";
import { errorCodeOf } from "../../../core/src/testing/errorCode.test-util.js";
import { type ChainSpec, devSpec, genesisConfig, localSpec, specFromJson, specToJson } from "./chainSpec.js";

type Json = Record<string, Record<string, unknown>>;

/** The dev spec's JSON with its attestation section changed by `edit`. */
function withAttestation(edit: (attestation: Record<string, unknown>) => Record<string, unknown>, chainType?: string) {
  const json = specToJson(devSpec()) as Json;
  return {
    ...json,
    ...(chainType === undefined ? {} : { chainType }),
    attestation: edit({ ...json["attestation"] }),
  };
}

const live = (attestation: Record<string, unknown>) => ({ ...attestation, allowSimulated: false });

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
    const json = specToJson(devSpec()) as Json;
    const withKeys = (keys: unknown) => withAttestation((a) => ({ ...a, simulatedQuotingKeys: keys }));
    expect(errorCodeOf(() => specFromJson(withKeys(["0x1234"])))).toBe("CHAIN_SPEC_INVALID");
    expect(errorCodeOf(() => specFromJson(withKeys("0x00")))).toBe("CHAIN_SPEC_INVALID");
    expect(errorCodeOf(() => specFromJson({ ...json, chainType: "Live" }))).toBe("CHAIN_SPEC_INVALID");
  });

  it("give dev and local chains the registry's default SGX policy", () => {
    for (const spec of [devSpec(), localSpec()]) {
      expect(spec.attestation).toEqual({
        allowSimulated: true,
        simulatedQuotingKeys: [simQuotingPublicKey()],
        allowDcap: true,
        allowIas: false,
        maxConfidenceLevel: 5,
        advisoryAllowlist: [],
        dcapMaxCollateralAgeSecs: 30 * 86_400,
        iasMaxReportAgeSecs: 7200,
        pruntimeAllowList: [],
      });
    }
  });

  it("load specs written before the SGX policy fields, with the defaults", () => {
    const old = withAttestation((a) => ({
      allowSimulated: a["allowSimulated"],
      simulatedQuotingKeys: a["simulatedQuotingKeys"],
    }));
    expect(specFromJson(old)).toEqual(devSpec());
    const nulls = withAttestation((a) => ({ ...a, advisoryAllowlist: null, trustedSgxRootCa: null }));
    expect(specFromJson(nulls)).toEqual(devSpec());
  });

  it("carry the SGX policy into the registry's genesis", () => {
    const json = withAttestation((a) => ({
      ...a,
      allowIas: true,
      maxConfidenceLevel: 3,
      advisoryAllowlist: ["INTEL-SA-00615", "INTEL-DOC-00001"],
      dcapMaxCollateralAgeSecs: 86_400,
      iasMaxReportAgeSecs: 600,
      pruntimeAllowList: [toHex(new Uint8Array(32).fill(0x4d))],
    }));
    const spec = specFromJson(json);
    expect(specToJson(spec)).toEqual(json);
    expect(genesisConfig(spec)["PhalaRegistry"]).toEqual({
      policy: {
        allowSimulated: true,
        simulatedQuotingKeys: [simQuotingPublicKey()],
        allowDcap: true,
        allowIas: true,
        maxConfidenceLevel: 3,
        advisoryAllowlist: ["INTEL-SA-00615", "INTEL-DOC-00001"],
        dcapMaxCollateralAgeSecs: 86_400n,
        iasMaxReportAgeSecs: 600n,
        trustedSgxRootCa: undefined,
      },
      allowList: [new Uint8Array(32).fill(0x4d)],
    });
  });

  it("refuse malformed SGX policy fields", () => {
    const bad: Record<string, unknown>[] = [
      { allowDcap: "yes" },
      { allowIas: 1 },
      { maxConfidenceLevel: 0 },
      { maxConfidenceLevel: 6 },
      { maxConfidenceLevel: 2.5 },
      { advisoryAllowlist: "INTEL-SA-00615" },
      { advisoryAllowlist: ["INTEL-SA-615"] },
      { advisoryAllowlist: [615] },
      { dcapMaxCollateralAgeSecs: 0 },
      { dcapMaxCollateralAgeSecs: "86400" },
      { iasMaxReportAgeSecs: -1 },
      { trustedSgxRootCa: "0x1234" },
      { trustedSgxRootCa: "not hex" },
      { pruntimeAllowList: "0x00" },
      { pruntimeAllowList: ["0x1234"] },
    ];
    for (const fields of bad) {
      expect(errorCodeOf(() => specFromJson(withAttestation((a) => ({ ...a, ...fields }))))).toBe("CHAIN_SPEC_INVALID");
    }
  });

  it("take a test network's SGX root CA, and refuse one on a live chain", async () => {
    const pki = await createTestPki();
    const json = withAttestation((a) => ({ ...a, trustedSgxRootCa: toHex(pki.root.der) }));
    const spec: ChainSpec = specFromJson(json);
    expect(spec.attestation.trustedSgxRootCa).toEqual(pki.root.der);
    expect(specToJson(spec)).toEqual(json);
    expect(
      (genesisConfig(spec)["PhalaRegistry"] as { policy: { trustedSgxRootCa: unknown } }).policy.trustedSgxRootCa,
    ).toEqual(pki.root.der);
    // A leaf is not a root.
    const leaf = withAttestation((a) => ({ ...a, trustedSgxRootCa: toHex(pki.pck.der) }));
    expect(errorCodeOf(() => specFromJson(leaf))).toBe("CHAIN_SPEC_INVALID");
    const liveWithRoot = withAttestation((a) => live({ ...a, trustedSgxRootCa: toHex(pki.root.der) }), "Live");
    expect(errorCodeOf(() => specFromJson(liveWithRoot))).toBe("CHAIN_SPEC_INVALID");
    expect(specFromJson(withAttestation(live, "Live")).attestation.trustedSgxRootCa).toBeUndefined();
  });
});
