import { Trie, toHex, utf8 } from "@phala-ts/core";
import { describe, expect, it } from "vitest";
import { useTempDirs } from "../../../core/src/testing/tempDirs.test-util.js";
import { ChainDb, storedChanges, undoChanges } from "./chainDb.js";

const tempDir = useTempDirs("phala-db-");

const hash = (n: number) => new Uint8Array(32).fill(n + 1);

describe("ChainDb", () => {
  it("commits blocks atomically, reloads the latest state and rebuilds older states backwards", async () => {
    const path = tempDir();
    let db = await ChainDb.open(path);
    const genesisEntries: [Uint8Array, Uint8Array][] = [
      [utf8("a"), utf8("1")],
      [utf8("b"), utf8("2")],
    ];
    const states = [Trie.fromEntries(genesisEntries, "V1")];
    await db.commitBlock(
      {
        hash: hash(0),
        number: 0,
        header: utf8("header0"),
        body: [],
        justification: undefined,
        changes: storedChanges(Trie.empty("V1"), genesisEntries),
      },
      { finalized: true, genesis: true },
    );
    const blockChanges: [Uint8Array, Uint8Array | null][][] = [
      [
        [utf8("a"), utf8("10")],
        [utf8("c"), utf8("3")],
      ],
      [
        [utf8("b"), null],
        [utf8("a"), utf8("11")],
      ],
    ];
    for (const [i, changes] of blockChanges.entries()) {
      const parent = states.at(-1)!;
      states.push(parent.update(changes));
      await db.commitBlock(
        {
          hash: hash(i + 1),
          number: i + 1,
          header: utf8(`header${i + 1}`),
          body: [utf8("xt")],
          justification: utf8("just"),
          changes: storedChanges(parent, changes),
        },
        { finalized: i === 0 },
      );
    }
    await db.close();

    db = await ChainDb.open(path);
    expect(await db.best()).toEqual({ hash: hash(2), number: 2 });
    expect(await db.finalized()).toEqual({ hash: hash(1), number: 1 });
    expect(await db.genesisHash()).toEqual(hash(0));
    expect(await db.hashAt(1)).toEqual(hash(1));
    expect(await db.body(hash(2))).toEqual([utf8("xt")]);
    const latest = await db.loadState();
    expect(toHex(latest.root())).toBe(toHex(states[2]!.root()));
    const atOne = undoChanges(latest, (await db.changes(hash(2)))!);
    expect(toHex(atOne.root())).toBe(toHex(states[1]!.root()));
    const atGenesis = undoChanges(atOne, (await db.changes(hash(1)))!);
    expect(toHex(atGenesis.root())).toBe(toHex(states[0]!.root()));
    await db.close();
  });
});
