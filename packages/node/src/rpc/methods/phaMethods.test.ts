import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { devAccounts, headerToRpc, toHex } from "@phala-ts/core";
import { afterEach, describe, expect, it } from "vitest";
import { devSpec } from "../../chain/chainSpec.js";
import { createPhalaRuntime } from "../../pallets/phalaRuntime.js";
import { ChainService } from "../../service/chainService.js";
import type { MethodHandler, MethodRegistry } from "../server/index.js";
import { successResponse } from "../server/jsonRpcMessage.js";
import { RENDERED_BLOCKS, registerPhaMethods } from "./phaMethods.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const runtime = createPhalaRuntime();
const author = devAccounts("ed25519").Alice;
const call = { connectionId: 1, transport: "ws" } as const;

/** `pha_getStorageChanges` of a chain, called as the RPC server calls it. */
function storageChanges(chain: ChainService): MethodHandler {
  const handlers = new Map<string, MethodHandler>();
  const methods: MethodRegistry = {
    register: (name, handler) => void handlers.set(name, handler),
    has: () => false,
    names: () => [],
  };
  registerPhaMethods(methods, { chain }, () => 0n);
  return handlers.get("pha_getStorageChanges")!;
}

describe("pha_getStorageChanges", () => {
  it("answers each block the same whoever asks first, as it answers from the database", async () => {
    const basePath = mkdtempSync(join(tmpdir(), "phala-pha-"));
    dirs.push(basePath);
    let chain = await ChainService.open({ runtime, spec: devSpec(), basePath, pruning: 3 });
    const hashes: string[] = [];
    for (let i = 1; i <= 6; i++)
      hashes.push(toHex((await chain.produceBlock(author, BigInt(i) * 1_000n, [])).block.hash));
    const get = storageChanges(chain);
    const recent = [hashes[3], hashes[5]];
    const first = JSON.stringify(await get(recent, call));
    const second = JSON.stringify(await get(recent, call));
    expect(second).toBe(first);
    expect(JSON.parse(first)).toHaveLength(3);
    // Block 3 was pruned (three-block window): refused, from memory as from the database.
    await expect(get([hashes[2], hashes[5]], call)).rejects.toThrow(/pruned/);
    await chain.close();

    chain = await ChainService.open({ runtime, spec: devSpec(), basePath, pruning: 3 });
    const reopened = storageChanges(chain);
    expect(JSON.stringify(await reopened(recent, call))).toBe(first);
    await expect(reopened([hashes[2], hashes[5]], call)).rejects.toThrow(/pruned/);
    await chain.close();
  });

  it("answers what rendering each block afresh gives, before and after its entry is evicted", async () => {
    const basePath = mkdtempSync(join(tmpdir(), "phala-pha-"));
    dirs.push(basePath);
    const chain = await ChainService.open({ runtime, spec: devSpec(), basePath });
    const blocks = RENDERED_BLOCKS + 8;
    const hashes: Uint8Array[] = [];
    for (let i = 1; i <= blocks; i++)
      hashes.push((await chain.produceBlock(author, BigInt(i) * 1_000n, [])).block.hash);
    const expected = async (hash: Uint8Array) => ({
      blockHash: toHex(hash),
      header: headerToRpc((await chain.headerOf(hash))!),
      changes: (await chain.changesOf(hash))!.map((c) => [toHex(c.key), c.value === undefined ? null : toHex(c.value)]),
    });
    const get = storageChanges(chain);
    const first = toHex(hashes[0]!);
    const whole = [first, toHex(hashes[blocks - 1]!)];
    const all = await Promise.all(hashes.map(expected));
    // The response text is the one serializing the rendered blocks gives, and block 1's entry,
    // rendered first, is evicted by the later ones and rendered again the same.
    expect(successResponse(1, await get(whole, call))).toBe(successResponse(1, all));
    expect(successResponse(2, await get([first, first], call))).toBe(successResponse(2, [all[0]]));
    expect(successResponse(3, await get(whole, call))).toBe(successResponse(3, all));
    await chain.close();
  });
});
