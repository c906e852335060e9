import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { SHARED_VECTORS_DIR } from "../../packages/core/src/testing/sharedVectors.test-util.js";

const PHALA = fileURLToPath(new URL("../../packages/cli/bin/phala.js", import.meta.url));
const DCAP = join(SHARED_VECTORS_DIR, "attestation", "phala-dcap-qvl");
const IAS = join(SHARED_VECTORS_DIR, "attestation", "phala-ias");

function phala(...args: string[]) {
  const run = spawnSync(process.execPath, [PHALA, "attestation", "verify", ...args], { encoding: "utf8" });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe("phala attestation verify", () => {
  it("prints kind, TCB status, advisories, measurement, report_data and confidence for a real DCAP quote", () => {
    const run = phala(
      join(DCAP, "sgx_quote"),
      "--collateral",
      join(DCAP, "sgx_quote_collateral.json"),
      "--now",
      "1752919277",
    );
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("TCB status:    ConfigurationAndSWHardeningNeeded");
    expect(run.stdout).toContain("advisories:    INTEL-SA-00289, INTEL-SA-00615");
    expect(run.stdout).toContain("mrEnclave:     0x33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb");
    expect(run.stdout).toContain("confidence:    4");
    const allowed = phala(
      join(DCAP, "sgx_quote"),
      "--collateral",
      join(DCAP, "sgx_quote_collateral.json"),
      "--now",
      "1752919277",
      "--allow-advisory",
      "INTEL-SA-00289",
      "--allow-advisory",
      "INTEL-SA-00615",
      "--json",
    );
    expect(JSON.parse(allowed.stdout)).toMatchObject({ verified: true, kind: "sgx-dcap", confidence: 3, debug: false });
  });

  it("verifies IAS evidence JSON and answers in JSON", () => {
    const run = phala(join(IAS, "pallet_ias_attestation.json"), "--now", "1631441180", "--json");
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ verified: true, kind: "ias", tcbStatus: "SWHardeningNeeded" });
  });

  it("fails with a clear message and exit code 1 when evidence does not verify, 2 on bad usage", () => {
    const expired = phala(
      join(DCAP, "sgx_quote"),
      "--collateral",
      join(DCAP, "sgx_quote_collateral.json"),
      "--now",
      "1753005679",
    );
    expect(expired.status).toBe(1);
    expect(expired.stderr).toContain("DCAP_COLLATERAL_EXPIRED");
    const outdated = phala(
      join(DCAP, "tdx_quote_outdated"),
      "--collateral",
      join(DCAP, "tdx_quote_outdated_collateral.json"),
      "--now",
      "1774003274",
      "--json",
    );
    expect(outdated.status).toBe(1);
    expect(JSON.parse(outdated.stdout)).toMatchObject({ verified: false, code: "DCAP_TCB_NO_MATCH" });
    expect(phala("/does/not/exist").status).toBe(2);
    expect(phala(join(DCAP, "sgx_quote"), "--now", "yesterday").status).toBe(2);
  });
});
