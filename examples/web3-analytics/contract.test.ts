import { fileURLToPath } from "node:url";
import { ContractEngine, type JsonValue } from "@phala-ts/contracts";
import { account, ContractHarness, type TestAccount } from "@phala-ts/contracts/testing";
import { beforeAll, describe, expect, it } from "vitest";

const CONTRACT = fileURLToPath(new URL("./contract.ts", import.meta.url));
const owner = account(1);
const visitors = [account(11), account(12), account(13), account(14)] as const;
const [v1, v2, v3] = visitors;
const refused = (message: string) => ({ ok: false, error: { code: "CONTRACT_THREW", message: `Error: ${message}` } });
const WITHHELD = refused("fewer than k visitors: aggregate withheld");

let engine: ContractEngine;
beforeAll(async () => {
  engine = await ContractEngine.create();
});

async function analytics(k = 3): Promise<ContractHarness> {
  const c = await ContractHarness.fromFile(CONTRACT, { engine });
  expect(c.init({ k }, { caller: owner })).toMatchObject({ ok: true });
  return c;
}

const view = (c: ContractHarness, visitor: TestAccount, page: string, durationMs?: number) =>
  c.handle({ pageView: durationMs === undefined ? { page } : { page, durationMs } }, { caller: visitor });
const ask = (c: ContractHarness, request: JsonValue) => c.query(request, { caller: owner });

describe("web3-analytics", () => {
  it("publishes a page's views, distinct visitors and mean duration once k visitors have seen it", async () => {
    const c = await analytics(3);
    expect(view(c, v1, "/a", 1000)).toMatchObject({ ok: true, output: null });
    view(c, v2, "/a", 2000);
    view(c, v2, "/b");
    expect(ask(c, { stats: { page: "/a" } })).toMatchObject(WITHHELD);
    expect(ask(c, { pages: {} })).toMatchObject({ ok: true, output: { pages: [] } });

    view(c, v3, "/a");
    view(c, v3, "/a", 4001);
    expect(ask(c, { stats: { page: "/a" } })).toMatchObject({
      ok: true,
      output: { views: 4, visitors: 3, avgDurationMs: 2333 },
    });
    expect(ask(c, { stats: {} })).toMatchObject({ ok: true, output: { views: 5, visitors: 3, avgDurationMs: 2333 } });
    expect(ask(c, { pages: {} })).toMatchObject({ ok: true, output: { pages: ["/a"] } });
    expect(ask(c, { stats: { page: "/b" } })).toMatchObject(WITHHELD);
    expect(c.events).toEqual([]);
  });

  it("reports no mean duration when no view gave one", async () => {
    const c = await analytics(2);
    view(c, v1, "/");
    view(c, v2, "/");
    expect(ask(c, { stats: { page: "/" } })).toMatchObject({ output: { views: 2, visitors: 2, avgDurationMs: null } });
  });

  it("answers only the site owner, never with a visitor or a single view", async () => {
    const c = await analytics(2);
    for (const visitor of visitors) view(c, visitor, "/a", 100);
    expect(c.query({ stats: {} }, { caller: v1 })).toMatchObject(refused("only the site owner may read statistics"));
    expect(c.query({ pages: {} })).toMatchObject(refused("only the site owner may read statistics"));
    expect(ask(c, { stats: { page: "/never-seen" } })).toMatchObject(WITHHELD);
    const answers = JSON.stringify([ask(c, { stats: {} }), ask(c, { stats: { page: "/a" } }), ask(c, { pages: {} })]);
    for (const visitor of visitors) expect(answers).not.toContain(visitor.hex.slice(2));
  });

  it("keeps no trace of the order of visits: the same views in another order leave the same storage", async () => {
    const visit = async (order: readonly TestAccount[]) => {
      const c = await analytics(2);
      for (const visitor of order) view(c, visitor, "/a", 500);
      return [...c.storage].sort();
    };
    expect(await visit(visitors)).toEqual(await visit([...visitors].reverse()));
  });

  it("refuses malformed init args, commands and queries, changing nothing", async () => {
    const fresh = await ContractHarness.fromFile(CONTRACT, { engine });
    for (const k of [1, 0, 2.5, "5", null, 1_000_001])
      expect(fresh.init({ k }, { caller: owner })).toMatchObject(refused("k must be a whole number from 2 to 1000000"));
    expect(fresh.init({}, { caller: owner })).toMatchObject({ ok: false });
    expect(fresh.storage.size).toBe(0);

    const c = await analytics(2);
    const before = new Map(c.storage);
    const badPage = refused("page must be a path: / then up to 255 printable ASCII characters, no spaces");
    for (const page of ["a", "", "/a b", `/${"x".repeat(256)}`, "/é", "/a\n"])
      expect(view(c, v1, page)).toMatchObject(badPage);
    expect(c.handle({ pageView: { page: 7 } }, { caller: v1 })).toMatchObject(badPage);
    expect(c.handle({ pageView: {} }, { caller: v1 })).toMatchObject(badPage);
    const badDuration = refused("durationMs must be a whole number of milliseconds from 0 to 86400000");
    for (const durationMs of [-1, 1.5, 86_400_001]) expect(view(c, v1, "/a", durationMs)).toMatchObject(badDuration);
    expect(c.handle({ pageView: { page: "/a", durationMs: "10" } }, { caller: v1 })).toMatchObject(badDuration);
    expect(c.handle({ pageView: { page: "/a", referrer: "x" } }, { caller: v1 })).toMatchObject(
      refused('pageView has no field "referrer"'),
    );
    expect(c.handle({ click: {} }, { caller: v1 })).toMatchObject(refused('a command has no field "click"'));
    expect(c.storage).toEqual(before);
    expect(ask(c, { stats: { page: "no-slash" } })).toMatchObject(badPage);
    expect(ask(c, { visitors: {} })).toMatchObject(refused('a query has no field "visitors"'));
    expect(ask(c, { stats: {}, pages: {} })).toMatchObject(refused("a query must be one of { stats }, { pages }"));
  });

  it("is deterministic: the same calls on two fresh instances leave the same storage", async () => {
    const run = async () => {
      const c = await analytics(2);
      view(c, v1, "/a", 10);
      view(c, v2, "/b", 20);
      view(c, v1, "/b");
      return c.storage;
    };
    expect(await run()).toEqual(await run());
  });
});
