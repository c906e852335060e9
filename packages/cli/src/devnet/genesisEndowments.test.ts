import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { devAccounts, keypairFromUri, ss58Encode, toHex } from "@phala-ts/core";
import { devSpec, specFromJson, specToJson } from "@phala-ts/node";
import { describe, expect, it } from "vitest";
import { DevnetSupervisor } from "./devnetSupervisor.js";
import { type BalanceEntry, checkEndowments, withEndowments } from "./genesisEndowments.js";

const sr = devAccounts("sr25519");
const bench = keypairFromUri("//bench//0", "sr25519").accountId;
const PHA = 1_000_000_000_000n;
const badOption = expect.objectContaining({ code: "DEVNET_BAD_OPTION" });

describe("checkEndowments", () => {
  it("takes an account as bytes, 0x hex or an SS58 address of any network", () => {
    const other = keypairFromUri("//bench//1", "sr25519").accountId;
    const third = keypairFromUri("//bench//2", "sr25519").accountId;
    const checked = checkEndowments([
      { account: bench, free: 1n },
      { account: toHex(other), free: 2n },
      { account: ss58Encode(third, 42), free: 3n },
    ]);
    expect([...checked]).toEqual([
      [toHex(bench), 1n],
      [toHex(other), 2n],
      [toHex(third), 3n],
    ]);
  });

  it("refuses a malformed account, a balance out of range, and an account given twice", () => {
    for (const account of [new Uint8Array(31), "0x1234", "not an address", 7 as unknown as string])
      expect(() => checkEndowments([{ account, free: 1n }])).toThrow(badOption);
    for (const free of [0n, -1n, 1n << 128n, 5 as unknown as bigint])
      expect(() => checkEndowments([{ account: bench, free }])).toThrow(badOption);
    expect(() =>
      checkEndowments([
        { account: bench, free: 1n },
        { account: ss58Encode(bench, 30), free: 2n },
      ]),
    ).toThrow(
      expect.objectContaining({
        code: "DEVNET_BAD_OPTION",
        message: "endowments[1] repeats an account endowed before",
      }),
    );
  });
});

describe("withEndowments", () => {
  const dev = specToJson(devSpec()) as { genesis: { balances: BalanceEntry[] } };

  it("appends new accounts and sets the balance of one already endowed; the spec still parses", () => {
    const balances = withEndowments(
      dev.genesis.balances,
      checkEndowments([
        { account: bench, free: 5n * PHA },
        { account: sr.Bob.accountId, free: 7n },
      ]),
      30,
    );
    expect(balances).toHaveLength(dev.genesis.balances.length + 1);
    expect(balances.at(-1)).toEqual([ss58Encode(bench, 30), (5n * PHA).toString()]);
    const spec = specFromJson({ ...dev, genesis: { ...dev.genesis, balances } });
    const free = new Map(spec.genesis.balances.map(([who, amount]) => [toHex(who), amount]));
    expect(free.get(toHex(bench))).toBe(5n * PHA);
    expect(free.get(toHex(sr.Bob.accountId))).toBe(7n);
    expect(free.get(toHex(sr.Alice.accountId))).toBe(1_000_000n * PHA);
  });

  it("leaves the balances as they are without endowments", () => {
    expect(withEndowments(dev.genesis.balances, new Map(), 30)).toEqual(dev.genesis.balances);
  });
});

it("a devnet with a bad endowment is refused before anything is written", () => {
  const dataDir = join(tmpdir(), `devnet-endowments-${process.pid}`);
  expect(() => new DevnetSupervisor({ dataDir, endowments: [{ account: "0x12", free: 1n }] })).toThrow(badOption);
  expect(existsSync(dataDir)).toBe(false);
});
