// Page analytics that publish only aggregates over at least k distinct visitors (see README.md):
// init { k }, handle { pageView: { page, durationMs? } }, query { stats: { page? } } or { pages: {} }.
import {
  type Context,
  defineContract,
  fields,
  getJson,
  requireCaller,
  setJson,
  variant,
} from "@phala-ts/contracts/kit";

/** Views, distinct visitors, and the sum and number of views that reported a duration. */
type Stats = { views: number; visitors: number; durationSumMs: string; timedViews: number };
const NO_VIEWS: Stats = { views: 0, visitors: 0, durationSumMs: "0", timedViews: 0 };
const MAX_K = 1_000_000;
const MAX_DURATION_MS = 24 * 60 * 60 * 1000;

function pagePath(value: unknown): string {
  if (typeof value !== "string" || !/^\/[\x21-\x7e]{0,255}$/.test(value))
    throw new Error("page must be a path: / then up to 255 printable ASCII characters, no spaces");
  return value;
}

/** Adds one view to the stats under `key`; `seen` marks the visitor as counted there. */
function count(ctx: Context, key: string, seen: string, durationMs: number | undefined): void {
  const stats = getJson<Stats>(ctx.storage, key, NO_VIEWS);
  const newVisitor = ctx.storage.get(seen) === undefined;
  // A key per visitor: storage keeps keys sorted, so the set says nothing of the order of visits.
  if (newVisitor) ctx.storage.set(seen, "");
  setJson(ctx.storage, key, {
    views: stats.views + 1,
    visitors: stats.visitors + (newVisitor ? 1 : 0),
    durationSumMs: (BigInt(stats.durationSumMs) + BigInt(durationMs ?? 0)).toString(),
    timedViews: stats.timedViews + (durationMs === undefined ? 0 : 1),
  });
}

export default defineContract({
  init(input: unknown, ctx: Context) {
    const { k } = fields(input, "the init args", ["k"]);
    if (typeof k !== "number" || !Number.isInteger(k) || k < 2 || k > MAX_K)
      throw new Error(`k must be a whole number from 2 to ${MAX_K}`);
    setJson(ctx.storage, "k", k);
    ctx.storage.set("owner", requireCaller(ctx));
  },

  handle(input: unknown, ctx: Context) {
    const [, body] = variant(input, "a command", ["pageView"]);
    const view = fields(body, "pageView", ["page", "durationMs"]);
    const page = pagePath(view.page);
    const { durationMs } = view;
    if (
      durationMs !== undefined &&
      (typeof durationMs !== "number" ||
        !Number.isInteger(durationMs) ||
        durationMs < 0 ||
        durationMs > MAX_DURATION_MS)
    )
      throw new Error(`durationMs must be a whole number of milliseconds from 0 to ${MAX_DURATION_MS}`);
    const visitor = requireCaller(ctx);
    count(ctx, "site", `seen/${visitor}`, durationMs);
    count(ctx, `page/${page}`, `seen/${visitor}${page}`, durationMs);
    return null;
  },

  query(input: unknown, ctx: Context) {
    if (ctx.caller === undefined || ctx.caller !== ctx.storage.get("owner"))
      throw new Error("only the site owner may read statistics");
    const k = getJson<number>(ctx.storage, "k", MAX_K);
    const [kind, body] = variant(input, "a query", ["stats", "pages"]);
    if (kind === "pages") {
      fields(body, "pages", []);
      const pages = ctx.storage.entries("page/").filter(([, stats]) => (JSON.parse(stats) as Stats).visitors >= k);
      return { pages: pages.map(([key]) => key.slice("page/".length)) };
    }
    const { page } = fields(body, "stats", ["page"]);
    const stats = getJson<Stats>(ctx.storage, page === undefined ? "site" : `page/${pagePath(page)}`, NO_VIEWS);
    if (stats.visitors < k) throw new Error("fewer than k visitors: aggregate withheld");
    const avgDurationMs =
      stats.timedViews === 0 ? null : Number(BigInt(stats.durationSumMs) / BigInt(stats.timedViews));
    return { views: stats.views, visitors: stats.visitors, avgDurationMs };
  },
});
