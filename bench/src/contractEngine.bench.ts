import variant from "@jitl/quickjs-wasmfile-release-sync";
import { type ContractCall, ContractEngine, DEFAULT_LIMITS, type StorageView } from "@phala-ts/contracts";
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
  const engine = await ContractEngine.create();
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
  const handle = call(COUNTER, "handle", { add: 1 });
  const query = call(COUNTER, "query", null);
  expectOk(handle);
  const calls = 200;
  const bare = await measure(batch(bareContext, calls), { opsPerRun: calls, ...runs });
  const handled = await measure(
    batch(() => expectOk(handle), calls),
    { opsPerRun: calls, ...runs },
  );
  const queried = await measure(
    batch(() => expectOk(query), calls),
    { opsPerRun: calls, ...runs },
  );
  const baselineName = "bare QuickJS runtime + context, made and freed";

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
  ];
  console.log(
    `contracts: handle ${(1000 / handled.rate).toFixed(3)} ms a call, query ${(1000 / queried.rate).toFixed(3)} ms, bare context ${(1000 / bare.rate).toFixed(3)} ms`,
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
