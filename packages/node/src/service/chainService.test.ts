import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { devAccounts, IMMORTAL_ERA, signExtrinsic, toHex } from "@phala-ts/core";
import { afterEach, describe, expect, it } from "vitest";
import { devSpec, localSpec } from "../chain/chainSpec.js";
import { PHA } from "../pallets/balances.js";
import { createPhalaRuntime } from "../pallets/phalaRuntime.js";
import { systemStorage } from "../pallets/system.js";
import { addressOf } from "../runtime/multiAddress.js";
import { ChainService } from "./chainService.js";
import type { StoredBlock } from "./chainState.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "phala-chain-"));
  dirs.push(dir);
  return dir;
};

const runtime = createPhalaRuntime();
const sr = devAccounts("sr25519");
const author = devAccounts("ed25519").Alice;

describe("ChainService", () => {
  it("produces justified blocks, survives a restart and rebuilds old states", async () => {
    const basePath = tempDir();
    let chain = await ChainService.open({ runtime, spec: devSpec(), basePath });
    const transfer = (nonce: number) =>
      signExtrinsic(
        sr.Alice,
        runtime.encodeCall({
          type: "Balances",
          value: { type: "transferKeepAlive", value: { dest: addressOf(sr.Ferdie.accountId), value: PHA } },
        }),
        { era: IMMORTAL_ERA, nonce, tip: 0n },
        { specVersion: 1, transactionVersion: 1, genesisHash: chain.genesis.hash, birthHash: chain.genesis.hash },
      );
    const first = await chain.produceBlock(author, 1_000n, [transfer(0), transfer(1)]);
    expect(first.extrinsics).toHaveLength(3);
    const second = await chain.produceBlock(author, 2_000n, [transfer(1), transfer(3), transfer(2)]);
    expect(second.rejected).toHaveLength(2);
    expect(chain.best.number).toBe(2);
    expect(chain.finalized.number).toBe(2);
    const rootAtOne = (await chain.headerOf(first.block.hash))!.stateRoot;
    await chain.close();

    chain = await ChainService.open({ runtime, spec: devSpec(), basePath });
    expect(chain.best.number).toBe(2);
    expect(toHex(chain.bestState.root())).toBe(chain.best.header.stateRoot);
    expect(systemStorage.Account.get(chain.bestState, sr.Alice.accountId).nonce).toBe(3);
    const old = await chain.stateAt(first.block.hash);
    expect(toHex(old!.root())).toBe(rootAtOne);
    expect(await chain.justificationOf(second.block.hash)).toBeDefined();
    await chain.produceBlock(author, 3_000n, []);
    expect(chain.best.number).toBe(3);
    await chain.close();

    await expect(ChainService.open({ runtime, spec: localSpec(), basePath })).rejects.toMatchObject({
      code: "DB_CORRUPT",
    });
  });

  it("answers recent blocks from memory as the database does, and a pruned change set from neither", async () => {
    const basePath = tempDir();
    let chain = await ChainService.open({ runtime, spec: devSpec(), basePath, pruning: 2 });
    const produced: StoredBlock[] = [];
    for (let i = 1; i <= 5; i++) produced.push((await chain.produceBlock(author, BigInt(i) * 1_000n, [])).block);
    const view = async (service: ChainService) =>
      Promise.all(
        produced.map(async (block) => ({
          hash: toHex((await service.hashAt(block.number))!),
          header: await service.headerOf(block.hash),
          justification: await service.justificationOf(block.hash),
          changes: await service.changesOf(block.hash),
        })),
      );
    const fromMemory = await view(chain);
    await chain.close();
    // Reopened, nothing is recent: every answer comes from the database.
    chain = await ChainService.open({ runtime, spec: devSpec(), basePath, pruning: 2 });
    const fromDatabase = await view(chain);
    expect(fromMemory).toEqual(fromDatabase);
    // Blocks 1 to 3 fell out of the two-block window: their change sets are gone, their headers kept.
    expect(fromMemory.map((b) => b.changes !== undefined)).toEqual([false, false, false, true, true]);
    expect(fromMemory.every((b) => b.header !== undefined && b.justification !== undefined)).toBe(true);
    expect(fromMemory.map((b) => b.hash)).toEqual(produced.map((b) => toHex(b.hash)));
    await chain.close();
  });
});
