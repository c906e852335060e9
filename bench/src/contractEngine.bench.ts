import { fileURLToPath } from "node:url";
import variant from "@jitl/quickjs-wasmfile-release-sync";
import { type ContractCall, ContractEngine, DEFAULT_LIMITS, type StorageView } from "@phala-ts/contracts";
import { buildContract } from "@phala-ts/contracts/build";
import { DefaultIntrinsics, newQuickJSWASMModuleFromVariant } from "quickjs-emscripten-core";
import { batch, measure, type Row } from "./harness.js";

/** The functions timed in both engines: the contract embeds their source, V8 runs them as compiled here. */
function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}
function checksum(length: number): number {
  const data: number[] = [];
  for (let i = 0; i < length; i++) data.push((i * 2654435761) % 1000003);
  let hash = 2166136261;
  for (const value of data) hash = Math.imul(hash ^ value, 16777619) >>> 0;
  return hash;
}

const COUNTER = `var __phalaContract = {
  handle(command, ctx) {
    const count = Number(ctx.storage.get("count") ?? "0") + command.add;
    ctx.storage.set("count", String(count));
    ctx.emit({ count });
    return count;
  },
  query(request, ctx) { return Number(ctx.storage.get("count") ?? "0"); },
};`;

const KERNELS = `${fib.toString()}
${checksum.toString()}
var __phalaContract = {
  query({ kernel, n, times }) {
    let result;
    for (let i = 0; i < times; i++) result = kernel === "fib" ? fib(n) : checksum(n);
    return result;
  },
};`;

/** The private-token example, as `phala contract build` bundles it (minified). */
const TOKEN = fileURLToPath(new URL("../../examples/private-token/contract.ts", import.meta.url));

const bytes32 = (fill: number) => new Uint8Array(32).fill(fill);
const storage: StorageView = { get: () => "41", entries: () => [] };
const call = (code: string, entry: ContractCall["entry"], input: ContractCall["input"]): ContractCall => ({
  code,
  entry,
  input,
  ctx: { contractId: bytes32(1), caller: bytes32(2), blockNumber: 7, timestampMs: 0, randomSeed: bytes32(3) },
  storage,
  limits: { ...DEFAULT_LIMITS, gas: 1_000_000_000 },
});

export async function contractEngineRows(quick: boolean): Promise<Row[]> {
  const runs = quick ? { minRuns: 3, minMillis: 300 } : { minRuns: 5, minMillis: 1000 };
  // Fresh contexts for the existing rows; `imaged` runs the same calls from code images.
  const engine = await ContractEngine.create({ codeImages: 0 });
  const imaged = await ContractEngine.create();
  const module = await newQuickJSWASMModuleFromVariant(variant as never);
  const bareContext = () => {
    const runtime = module.newRuntime();
    runtime.newContext({ intrinsics: { ...DefaultIntrinsics, Date: false } }).dispose();
    runtime.dispose();
  };
  const expectOk = (c: ContractCall) => {
    const outcome = engine.run(c);
    if (!outcome.ok) throw new Error(`${outcome.error.code}: ${outcome.error.message}`);
    return outcome.output;
  };
  const expectImaged = (c: ContractCall) => {
    const outcome = imaged.run(c);
    if (!outcome.ok) throw new Error(`${outcome.error.code}: ${outcome.error.message}`);
    return outcome.output;
  };
  const expectWarm = (c: ContractCall) => {
    const outcome = engine.runQuery(c);
    if (!outcome.ok) throw new Error(`${outcome.error.code}: ${outcome.error.message}`);
    return outcome.output;
  };
  const handle = call(COUNTER, "handle", { add: 1 });
  const query = call(COUNTER, "query", null);
  const tokenCode = (await buildContract(TOKEN)).code;
  const token = call(tokenCode, "query", { balance: {} });
  const transfer = call(tokenCode, "handle", { transfer: { to: `0x${"0b".repeat(32)}`, amount: "5" } });
  for (const c of [handle, transfer])
    if (JSON.stringify(engine.run(c)) !== JSON.stringify(imaged.run(c)))
      throw new Error("a code image and a fresh context disagree");
  const calls = 200;
  const timed = (op: () => unknown) => measure(batch(op, calls), { opsPerRun: calls, ...runs });
  const bare = await timed(bareContext);
  const handled = await timed(() => expectOk(handle));
  const queried = await timed(() => expectOk(query));
  const warmQueried = await timed(() => expectWarm(query));
  const tokenFresh = await timed(() => expectOk(token));
  const tokenWarm = await timed(() => expectWarm(token));
  const handledImaged = await timed(() => expectImaged(handle));
  const transferFresh = await timed(() => expectOk(transfer));
  const transferImaged = await timed(() => expectImaged(transfer));
  const baselineName = "bare QuickJS runtime + context, made and freed";
  const sameFresh = "the same query, fresh context";

  const rows: Row[] = [
    {
      figure: "contract handle, fresh context (read, write, event)",
      unit: "calls/s",
      ours: handled.rate,
      baselineName,
      baseline: bare.rate,
    },
    {
      figure: "contract query, fresh context (one read)",
      unit: "calls/s",
      ours: queried.rate,
      baselineName,
      baseline: bare.rate,
    },
    {
      figure: "contract query, warm context (one read)",
      unit: "calls/s",
      ours: warmQueried.rate,
      baselineName: sameFresh,
      baseline: queried.rate,
    },
    {
      figure: "contract handle, from the code's image (read, write, event)",
      unit: "calls/s",
      ours: handledImaged.rate,
      baselineName: "the same handle, fresh context",
      baseline: handled.rate,
    },
    {
      figure: "private-token transfer (handle), from the code's image",
      unit: "calls/s",
      ours: transferImaged.rate,
      baselineName: "the same transfer, fresh context",
      baseline: transferFresh.rate,
    },
    {
      figure: "private-token balance query, warm context",
      unit: "calls/s",
      ours: tokenWarm.rate,
      baselineName: sameFresh,
      baseline: tokenFresh.rate,
    },
  ];
  const ms = (m: { rate: number }) => (1000 / m.rate).toFixed(3);
  console.log(
    `contracts: handle ${ms(handled)} ms a call, query ${ms(queried)} ms fresh and ${ms(warmQueried)} ms warm, bare context ${ms(bare)} ms`,
  );
  console.log(
    `contracts: private-token (${token.code.length} characters) balance query ${ms(tokenFresh)} ms fresh, ${ms(tokenWarm)} ms warm`,
  );
  console.log(
    `contracts: handle ${ms(handledImaged)} ms from its code's image; private-token transfer ${ms(transferFresh)} ms fresh, ${ms(transferImaged)} ms from its image`,
  );

  for (const [kernel, n, label] of [
    ["fib", 22, "fib(22), recursive calls"],
    ["checksum", 20_000, "checksum of 20,000 numbers (push, loop, Math.imul)"],
  ] as const) {
    // Ten runs in one call, so that the call's own cost (a fresh context) hardly counts.
    const inContract = call(KERNELS, "query", { kernel, n, times: 10 });
    const v8 = kernel === "fib" ? () => fib(n) : () => checksum(n);
    if (expectOk(inContract) !== v8()) throw new Error(`${kernel}: QuickJS and V8 disagree`);
    const quickjs = await measure(() => expectOk(inContract), { opsPerRun: 10, ...runs });
    const native = await measure(batch(v8, 20), { opsPerRun: 20, ...runs });
    rows.push({
      figure: `${label} in a contract (QuickJS)`,
      unit: "runs/s",
      ours: quickjs.rate,
      baselineName: "the same function in V8",
      baseline: native.rate,
    });
    console.log(`contracts: ${label}: V8 is ${(native.rate / quickjs.rate).toFixed(0)}x faster than QuickJS`);
  }
  return rows;
}
