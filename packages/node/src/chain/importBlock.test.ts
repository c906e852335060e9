import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createJustification,
  decodeHeader,
  devAccounts,
  encodeHeader,
  type Header,
  IMMORTAL_ERA,
  signExtrinsic,
  type Trie,
  toHex,
} from "@phala-ts/core";
import { afterEach, describe, expect, it } from "vitest";
import { errorCodeOf } from "../../../core/src/testing/errorCode.test-util.js";
import { sealHeader } from "../consensus/seal.js";
import { PHA } from "../pallets/balances.js";
import { createPhalaRuntime } from "../pallets/phalaRuntime.js";
import { sessionStorage } from "../pallets/session.js";
import { addressOf } from "../runtime/multiAddress.js";
import type { RuntimeCall } from "../runtime/runtime.js";
import { ChainService } from "../service/chainService.js";
import { devSpec, genesisConfig } from "./chainSpec.js";
import { buildGenesisState } from "./genesisState.js";
import { importBlock } from "./importBlock.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const runtime = createPhalaRuntime();
const sr = devAccounts("sr25519");
const ed = devAccounts("ed25519");

const call = (pallet: string, name: string, args: unknown): RuntimeCall => ({
  type: pallet,
  value: { type: name, value: args },
});

async function producedChain() {
  const basePath = mkdtempSync(join(tmpdir(), "phala-import-"));
  dirs.push(basePath);
  const chain = await ChainService.open({ runtime, spec: devSpec(), basePath });
  const sign = (c: RuntimeCall, nonce: number) =>
    signExtrinsic(
      sr.Alice,
      runtime.encodeCall(c),
      { era: IMMORTAL_ERA, nonce, tip: 0n },
      {
        specVersion: 1,
        transactionVersion: 1,
        genesisHash: chain.genesis.hash,
        birthHash: chain.genesis.hash,
      },
    );
  const transfer = call("Balances", "transferKeepAlive", { dest: addressOf(sr.Bob.accountId), value: PHA });
  const reweigh = call("Sudo", "sudo", {
    call: call("Session", "setAuthorities", { authorities: [[ed.Alice.publicKey, 5n]] }),
  });
  const blocks = [];
  blocks.push(await chain.produceBlock(ed.Alice, 1_000n, [sign(transfer, 0), sign(reweigh, 1)]));
  blocks.push(await chain.produceBlock(ed.Alice, 2_000n, [sign(transfer, 2)]));
  blocks.push(await chain.produceBlock(ed.Alice, 3_000n, []));
  const full = [];
  for (const { block } of blocks) {
    full.push({
      header: block.header,
      body: (await chain.body(block.hash))!,
      justification: (await chain.justificationOf(block.hash))!,
    });
  }
  expect(sessionStorage.CurrentSetId.get(chain.bestState)).toBe(1n);
  const genesis = { hash: chain.genesis.hash, number: 0, state: buildGenesisState(runtime, genesisConfig(devSpec())) };
  const context = chain.chain;
  await chain.close();
  return { blocks: full, genesis, context };
}

describe("importBlock", () => {
  it("replays produced blocks, across an authority-set change, to the same headers", async () => {
    const { blocks, genesis, context } = await producedChain();
    let parent: { hash: Uint8Array; number: number; state: Trie } = genesis;
    for (const block of blocks) {
      const imported = importBlock(runtime, context, parent, block.header, block.body, block.justification);
      expect(imported.header).toEqual(block.header);
      parent = { hash: imported.hash, number: block.header.number, state: imported.state };
    }
  });

  it("refuses a wrong parent, a broken seal, tampered extrinsics, a forged root and a missing or foreign justification", async () => {
    const { blocks, genesis, context } = await producedChain();
    const first = blocks[0]!;
    const code = errorCodeOf;
    const forgedRoot: Header = { ...first.header, stateRoot: toHex(new Uint8Array(32).fill(9)) as Header["stateRoot"] };
    const resealed = sealHeader({ ...forgedRoot, digests: forgedRoot.digests.slice(0, -1) }, { index: 0, ...ed.Alice });
    const mismatch = (() => {
      try {
        importBlock(runtime, context, genesis, resealed, first.body, first.justification);
      } catch (error) {
        return error as { code?: string; details?: { field?: string } };
      }
      return undefined;
    })();
    expect(mismatch?.code).toBe("BLOCK_MISMATCH");
    expect(mismatch?.details?.field).toBe("stateRoot");
    expect(
      code(() =>
        importBlock(
          runtime,
          context,
          { ...genesis, hash: new Uint8Array(32) },
          first.header,
          first.body,
          first.justification,
        ),
      ),
    ).toBe("BLOCK_BAD_PARENT");
    const badSeal = decodeHeader(encodeHeader(first.header));
    const seal = badSeal.digests.at(-1)!;
    if (seal.type === "seal") seal.value.payload = toHex(new Uint8Array(64)) as typeof seal.value.payload;
    expect(code(() => importBlock(runtime, context, genesis, badSeal, first.body, first.justification))).toBe(
      "SEAL_INVALID",
    );
    expect(
      code(() => importBlock(runtime, context, genesis, first.header, first.body.slice(0, 2), first.justification)),
    ).toBe("BLOCK_MISMATCH");
    const tampered = first.body.map((xt) => xt.slice());
    tampered[1]![tampered[1]!.length - 1]! ^= 1;
    expect(code(() => importBlock(runtime, context, genesis, first.header, tampered, first.justification))).toBe(
      "BLOCK_INVALID_EXTRINSIC",
    );
    expect(code(() => importBlock(runtime, context, genesis, first.header, first.body, undefined))).toBe(
      "BLOCK_NOT_FINALIZED",
    );
    const foreign = createJustification({ targetHash: new Uint8Array(32), targetNumber: 1 }, 0n, 0n, [ed.Alice]);
    expect(code(() => importBlock(runtime, context, genesis, first.header, first.body, foreign))).toBe(
      "JUSTIFICATION_WRONG_TARGET",
    );
  });
});
