import { describe, expect, it } from "vitest";
import { BlockFetcher } from "./blockFetcher.js";
import type { SourceBlock } from "./blockSource.js";
import { PherryError } from "./pherryError.js";

/** A node whose answers hold at most `maxBlocks` blocks (each as big as the others), as asked. */
function node(maxBlocks: number) {
  const asked: [number, number][] = [];
  return {
    asked,
    async blocks(from: number, to: number): Promise<SourceBlock[]> {
      asked.push([from, to]);
      if (to - from + 1 > maxBlocks) {
        throw new PherryError("PHERRY_NODE_ERROR", "pha_getStorageChanges: Response is too big", {
          method: "pha_getStorageChanges",
          rpcCode: -32008,
          data: "Exceeded max limit of 15728640",
        });
      }
      return Array.from({ length: to - from + 1 }, (_, i) => ({ number: from + i }) as unknown as SourceBlock);
    },
  };
}

describe("BlockFetcher", () => {
  it("halves the range until the node sends it, then grows it back after full ranges", async () => {
    const source = node(20);
    const fetcher = new BlockFetcher(source, 256);
    const first = await fetcher.fetch(1, 1000);
    expect(first.map((b) => b.number)).toEqual(Array.from({ length: 16 }, (_, i) => 1 + i));
    expect(source.asked).toEqual([
      [1, 256],
      [1, 128],
      [1, 64],
      [1, 32],
      [1, 16],
    ]);
    // A full range of 16 doubles it: 32 is too big again, and 16 is what it settles on.
    expect(fetcher.range).toBe(32);
    expect((await fetcher.fetch(17, 1000)).length).toBe(16);
    expect(source.asked.slice(5)).toEqual([
      [17, 48],
      [17, 32],
    ]);
    // Fewer blocks than the range (caught up) do not grow it.
    expect((await fetcher.fetch(33, 35)).length).toBe(3);
    expect(fetcher.range).toBe(32);
  });

  it("grows back to its maximum when blocks are small again", async () => {
    const source = node(1000);
    const fetcher = new BlockFetcher(source, 8);
    expect((await fetcher.fetch(1, 100)).length).toBe(8);
    expect(fetcher.range).toBe(8);
  });

  it("refuses a single block over the limit with its own code, and passes other errors on", async () => {
    const fetcher = new BlockFetcher(node(0), 4);
    await expect(fetcher.fetch(7, 100)).rejects.toMatchObject({
      code: "PHERRY_BLOCK_TOO_LARGE",
      details: { block: 7 },
    });
    const failing = new BlockFetcher(
      {
        blocks: async () => {
          throw new PherryError("PHERRY_NODE_UNREACHABLE", "down");
        },
      },
      4,
    );
    await expect(failing.fetch(1, 10)).rejects.toMatchObject({ code: "PHERRY_NODE_UNREACHABLE" });
  });
});
