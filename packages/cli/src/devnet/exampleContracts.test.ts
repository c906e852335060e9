import { existsSync } from "node:fs";
import { join } from "node:path";
import type { PRuntimePublicInfo } from "@phala-ts/core";
import { describe, expect, it } from "vitest";
import type { ContractBook } from "../contractBook.js";
import { EXAMPLES, EXAMPLES_DIR, exampleSalt, examplesOnChain, runsContract } from "./exampleContracts.js";

const hex = (byte: number) => `0x${byte.toString(16).padStart(2, "0").repeat(32)}`;
const entry = (id: string) => ({ id, cluster: hex(0), codeHash: hex(1), deployer: "45…", salt: "0x00" });

describe("the example contracts", () => {
  it("are the repository's three examples, each with a fixed salt", () => {
    expect(EXAMPLES.map((example) => example.name)).toEqual(["private-token", "web3-analytics", "sealed-bid-auction"]);
    for (const example of EXAMPLES) expect(existsSync(join(EXAMPLES_DIR, example.name, "contract.ts"))).toBe(true);
    expect(exampleSalt("private-token")).toBe("phala-devnet/private-token");
  });

  it("give init args their READMEs accept; the auction stays open for about an hour of blocks", () => {
    const args = Object.fromEntries(EXAMPLES.map((e) => [e.name, e.args({ bestBlock: 40, blockTimeMs: 500 })]));
    expect(args).toEqual({
      "private-token": { supply: "1000000" },
      "web3-analytics": { k: 2 },
      "sealed-bid-auction": { item: "a painting", closesAtBlock: 40 + 7200, reserve: "50" },
    });
  });

  it("are deployed only when the book does not name a contract the chain has", () => {
    const book: ContractBook = {
      version: 1,
      contracts: { "private-token": entry(hex(0xa1)), "web3-analytics": entry(hex(0xa2)) },
    };
    const { known, missing } = examplesOnChain(EXAMPLES, book, new Set([hex(0xa1)]));
    expect(known).toEqual({ "private-token": hex(0xa1) });
    expect(missing.map((example) => example.name)).toEqual(["web3-analytics", "sealed-bid-auction"]);
    expect(examplesOnChain(EXAMPLES, { version: 1, contracts: {} }, new Set()).missing).toHaveLength(3);
  });

  it("count as running on a worker once it ran their init and has not given them up", () => {
    const info = (executed: string, unavailable: string | null) =>
      ({
        contracts: [{ contract: hex(0xa1), cluster: hex(0), executed, waiting: 0, unavailable }],
      }) as unknown as PRuntimePublicInfo;
    expect(runsContract(info("1", null), hex(0xa1))).toBe(true);
    expect(runsContract(info("0", null), hex(0xa1))).toBe(false);
    expect(runsContract(info("3", "out of gas"), hex(0xa1))).toBe(false);
    expect(runsContract(info("3", null), hex(0xa2))).toBe(false);
  });
});
