import { describe, expect, it } from "vitest";
import { balanceJson, balanceLines } from "./balanceCommand.js";
import { jsonText } from "./jsonOutput.js";

const at = { number: 7, hash: `0x${"ab".repeat(32)}` };
const view = {
  account: "45R2pfjQUW2s9PQRHU48HQKLKHVMaDja7N3wpBtmF28UYDs2",
  at,
  free: 1_000_000_000_000_000_000n + 1n,
  reserved: 2_500_000_000_000n,
  frozen: 0n,
};

describe("balance output", () => {
  it("shows PHA exactly, to the planck", () => {
    expect(balanceLines(view)).toEqual([
      "account:                45R2pfjQUW2s9PQRHU48HQKLKHVMaDja7N3wpBtmF28UYDs2",
      "free:                   1000000.000000000001 PHA",
      "reserved:               2.5 PHA",
      "frozen:                 0 PHA",
      `best block:             #7 ${at.hash}`,
    ]);
  });

  it("prints planck as decimal strings with --json", () => {
    expect(JSON.parse(jsonText(balanceJson(view)))).toEqual({
      account: view.account,
      at,
      free: "1000000000000000001",
      reserved: "2500000000000",
      frozen: "0",
    });
  });
});
