import { describe, expect, it } from "vitest";
import { confidenceOf, convergeTcbStatus, TCB_LEVEL_STATUSES, type TcbStatus } from "./tcbStatus.js";

describe("TCB status", () => {
  it("converges an enclave's status into the platform's as Intel's QVL does", () => {
    const expected: Record<string, [TcbStatus, TcbStatus, TcbStatus]> = {
      // platform: [enclave UpToDate, enclave OutOfDate, enclave Revoked]
      UpToDate: ["UpToDate", "OutOfDate", "Revoked"],
      SWHardeningNeeded: ["SWHardeningNeeded", "OutOfDate", "Revoked"],
      ConfigurationNeeded: ["ConfigurationNeeded", "OutOfDateConfigurationNeeded", "Revoked"],
      ConfigurationAndSWHardeningNeeded: [
        "ConfigurationAndSWHardeningNeeded",
        "OutOfDateConfigurationNeeded",
        "Revoked",
      ],
      OutOfDate: ["OutOfDate", "OutOfDate", "Revoked"],
      OutOfDateConfigurationNeeded: ["OutOfDateConfigurationNeeded", "OutOfDateConfigurationNeeded", "Revoked"],
      Revoked: ["Revoked", "Revoked", "Revoked"],
    };
    for (const platform of TCB_LEVEL_STATUSES) {
      const row = (["UpToDate", "OutOfDate", "Revoked"] as const).map((enclave) =>
        convergeTcbStatus(platform, enclave),
      );
      expect(row, platform).toEqual(expected[platform]);
    }
  });

  it("ranks confidence 1 to 5, the allowlist deciding between 3 and 4", () => {
    expect(confidenceOf("UpToDate", ["A"])).toBe(1);
    expect(confidenceOf("SWHardeningNeeded", ["A"])).toBe(2);
    expect(confidenceOf("ConfigurationNeeded", [])).toBe(3);
    expect(confidenceOf("ConfigurationNeeded", ["A"])).toBe(4);
    expect(confidenceOf("ConfigurationNeeded", ["A"], ["A"])).toBe(3);
    expect(confidenceOf("ConfigurationAndSWHardeningNeeded", ["A", "B"], ["A"])).toBe(4);
    expect(confidenceOf("ConfigurationAndSWHardeningNeeded", ["A", "B"], ["B", "A", "C"])).toBe(3);
    for (const status of ["OutOfDate", "OutOfDateConfigurationNeeded", "TDRelaunchAdvised"] as const) {
      expect(confidenceOf(status, [], [])).toBe(5);
    }
  });
});
