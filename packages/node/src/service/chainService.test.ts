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
});
