import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CommandOutcome, ContractView, DeployedContract } from "@phala-ts/sdk";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { errorCodeOf } from "../../core/src/testing/errorCode.test-util.js";
import { exitCodeOf } from "./clientFailure.js";
import { recordContract } from "./contractBook.js";
import {
  commandResult,
  contractListJson,
  contractListLines,
  deployJson,
  deployLines,
  namesById,
  parseClusterRef,
} from "./contractClientCommand.js";
import { jsonText } from "./jsonOutput.js";

const hex32 = (byte: number) => `0x${byte.toString(16).padStart(2, "0").repeat(32)}`;
const at = { number: 42, hash: hex32(0xab) };
const receipt = {
  contract: hex32(0xc1),
  index: 1n,
  gasUsed: 1234n,
  fee: 12340n,
  txHash: hex32(0xee),
  pushedIn: { number: 10, hash: hex32(0x10) },
  repliedIn: { number: 12, hash: hex32(0x12) },
};

describe("contract deploy / command / query / list output", () => {
  it("reads a cluster as an index or an id", () => {
    expect(parseClusterRef("0")).toBe(0n);
    expect(parseClusterRef("18446744073709551615")).toBe(2n ** 64n - 1n);
    expect(parseClusterRef(hex32(0xcd).toUpperCase().replace("0X", "0x"))).toBe(hex32(0xcd));
    for (const bad of ["-1", "first", "0x12", "1.5", ""])
      expect(
        errorCodeOf(() => parseClusterRef(bad)),
        bad,
      ).toBe("CLI_BAD_ARGUMENT");
  });

  it("prints a command's reply and receipt; a contract's refusal is an error that exits 3", () => {
    const ok = commandResult({ ...receipt, ok: true, output: { balance: "750" }, events: [] } as CommandOutcome);
    expect(ok.lines).toEqual([
      'reply:                  {"balance":"750"}',
      `command:                #1, pushed in block #10 ${hex32(0x10)}`,
      `replied in:             #12 ${hex32(0x12)}`,
      "gas used:               1234 (fee 0.00000001234 PHA)",
    ]);
    expect(JSON.parse(jsonText(ok.json))).toEqual({
      contract: hex32(0xc1),
      ok: true,
      output: { balance: "750" },
      events: [],
      index: "1",
      gasUsed: "1234",
      fee: "12340",
      txHash: hex32(0xee),
      pushedIn: receipt.pushedIn,
      repliedIn: receipt.repliedIn,
    });
    let refusal: unknown;
    try {
      commandResult({
        ...receipt,
        ok: false,
        error: { code: "CONTRACT_THREW", message: "Error: insufficient balance" },
      });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toMatchObject({
      code: "CONTRACT_THREW",
      message: "the contract refused the command: Error: insufficient balance",
      details: { contract: hex32(0xc1), index: 1n, gasUsed: 1234n },
    });
    expect(exitCodeOf(refusal)).toBe(3);
  });

  it("prints a deployed contract with its name and init receipt", () => {
    const deployed = {
      id: hex32(0xc1),
      codeHash: hex32(0xc0),
      cluster: hex32(0xcc),
      salt: "0x736466",
      keys: { pubkey: hex32(0x01), ecdhPubkey: hex32(0x02) },
      init: { ...receipt, index: 0n, ok: true, output: null, events: [] },
    } as DeployedContract;
    const view = {
      deployed,
      deployer: "45R2pfjQUW2s9PQRHU48HQKLKHVMaDja7N3wpBtmF28UYDs2",
      name: "counter",
      book: "b.json",
    };
    expect(deployLines(view)).toEqual([
      `contract:               ${hex32(0xc1)}`,
      "name:                   counter (in b.json)",
      `code hash:              ${hex32(0xc0)}`,
      `cluster:                ${hex32(0xcc)}`,
      "deployer:               45R2pfjQUW2s9PQRHU48HQKLKHVMaDja7N3wpBtmF28UYDs2",
      "salt:                   0x736466",
      `init:                   #0, pushed in block #10 ${hex32(0x10)}`,
      `replied in:             #12 ${hex32(0x12)}`,
      "gas used:               1234 (fee 0.00000001234 PHA)",
    ]);
    expect(JSON.parse(jsonText(deployJson({ ...view, name: undefined })))).toMatchObject({
      id: hex32(0xc1),
      name: null,
      book: null,
      init: { index: "0", gasUsed: "1234" },
    });
  });

  describe("with an address book", () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), "phala-contract-list-"));
    });
    afterEach(() => rm(dir, { recursive: true, force: true }));

    it("lists the chain's contracts with the book's names beside their ids", async () => {
      const book = join(dir, "contracts.json");
      const entry = (id: string) => ({ id, cluster: hex32(0xcc), codeHash: hex32(0xc0), deployer: "x", salt: "0x" });
      await recordContract(book, "token", entry(hex32(0xc1)));
      await recordContract(book, "alias", entry(hex32(0xc1)));
      await recordContract(book, "gone", entry(hex32(0xc9)));
      const names = await namesById(book);
      expect(names).toEqual(
        new Map([
          [hex32(0xc1), "alias"],
          [hex32(0xc9), "gone"],
        ]),
      );
      expect(await namesById(join(dir, "none.json"))).toEqual(new Map());

      const contract = (byte: number, keys: boolean): ContractView => ({
        id: hex32(byte),
        deployer: "45R2pfjQUW2s9PQRHU48HQKLKHVMaDja7N3wpBtmF28UYDs2",
        codeHash: hex32(0xc0),
        cluster: hex32(0xcc),
        salt: "0x01",
        keys: keys ? { pubkey: hex32(1), ecdhPubkey: hex32(2) } : undefined,
        commandCount: 3n,
      });
      const view = { at, contracts: [contract(0xc1, true), contract(0xc2, false)], names };
      expect(contractListLines(view)).toEqual([
        `finalized block:        #42 ${at.hash}`,
        "contracts:              2",
        `  ${hex32(0xc1)} (alias)`,
        `    cluster:            ${hex32(0xcc)}`,
        "    deployer:           45R2pfjQUW2s9PQRHU48HQKLKHVMaDja7N3wpBtmF28UYDs2",
        `    code hash:          ${hex32(0xc0)}`,
        "    commands:           3",
        `  ${hex32(0xc2)}`,
        `    cluster:            ${hex32(0xcc)}`,
        "    deployer:           45R2pfjQUW2s9PQRHU48HQKLKHVMaDja7N3wpBtmF28UYDs2",
        `    code hash:          ${hex32(0xc0)}`,
        "    commands:           3 (keys not yet published)",
      ]);
      const json = JSON.parse(jsonText(contractListJson(view)));
      expect(json.contracts.map((c: { name: string | null }) => c.name)).toEqual(["alias", null]);
      expect(json.contracts[1]).toMatchObject({ commandCount: "3", keys: null });
    });
  });
});
