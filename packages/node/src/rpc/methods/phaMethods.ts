import { decodeMessageOrigin, headerToRpc, type MessageOrigin, toHex } from "@phala-ts/core";
import { type MethodRegistry, RawJson, type RpcError } from "../server/index.js";
import { type RpcContext, unknownBlock } from "./context.js";

import { bytesParam, invalidParams, optionalHash } from "./params.js";

/** Most blocks one `pha_getStorageChanges` call covers: pherry pages through longer ranges. */
export const MAX_CHANGES_RANGE = 256;

/** Blocks whose `pha_getStorageChanges` entry is kept, rendered (the newest ones). */
export const RENDERED_BLOCKS = 32;

/** One block of a `pha_getStorageChanges` answer. Shared between answers: read only. */
interface BlockChangesJson {
  readonly blockHash: string;
  readonly header: ReturnType<typeof headerToRpc>;
  readonly changes: readonly (readonly [string, string | null])[];
}

/**
 * Phala's own methods, for pherry: each block's storage changes, and the next mq sequence of a
 * sender counting the messages already in the pool, so a relayer resubmits only what the chain has
 * not taken.
 */
export function registerPhaMethods(
  methods: MethodRegistry,
  ctx: RpcContext,
  nextMqSequence: (sender: MessageOrigin) => bigint,
): void {
  const { chain } = ctx;
  // Each pherry asks for every new block: the same answer, rendered and serialized once (hex and
  // JSON text are most of its cost). By block hash, so a block's entry never goes stale.
  const rendered = new Map<string, RawJson>();
  methods.register(
    "pha_getStorageChanges",
    async ([from, to]) => {
      const fromHeader = await chain.headerOf(bytesParam(from, "from block hash", 32));
      const toHeader = await chain.headerOf(bytesParam(to, "to block hash", 32));
      if (fromHeader === undefined || toHeader === undefined) throw unknownBlock();
      if (toHeader.number < fromHeader.number) throw invalidParams("`to` is before `from`");
      if (toHeader.number - fromHeader.number + 1 > MAX_CHANGES_RANGE) {
        throw invalidParams(`at most ${MAX_CHANGES_RANGE} blocks per call`);
      }
      const result: RawJson[] = [];
      for (let n = fromHeader.number; n <= toHeader.number; n++) {
        const hash = await chain.hashAt(n);
        const changes = hash && (await chain.changesOf(hash));
        if (hash === undefined || changes === undefined) throw prunedRange(n);
        const blockHash = toHex(hash);
        let entry = rendered.get(blockHash);
        if (entry === undefined) {
          const header = await chain.headerOf(hash);
          if (header === undefined) throw prunedRange(n);
          const json: BlockChangesJson = {
            blockHash,
            header: headerToRpc(header),
            changes: changes.map((c) => [toHex(c.key), c.value === undefined ? null : toHex(c.value)]),
          };
          entry = RawJson.of(json);
          rendered.set(blockHash, entry);
          if (rendered.size > RENDERED_BLOCKS) rendered.delete(rendered.keys().next().value!);
        }
        result.push(entry);
      }
      return RawJson.array(result);
    },
    { params: 2 },
  );

  methods.register(
    "pha_getMqNextSequence",
    ([sender, at]) => {
      let origin: MessageOrigin;
      try {
        origin = decodeMessageOrigin(bytesParam(sender, "sender (SCALE MessageOrigin)"));
      } catch (error) {
        if ((error as RpcError).name === "RpcError") throw error;
        throw invalidParams("sender must be a SCALE-encoded MessageOrigin");
      }
      if (optionalHash(at) !== undefined) throw invalidParams("only the best block is supported");
      return Number(nextMqSequence(origin));
    },
    { params: { min: 1, max: 2 } },
  );
}

function prunedRange(number: number) {
  return invalidParams(`the changes of block ${number} are not available (pruned)`);
}
