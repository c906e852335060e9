import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { type ContractCall, ContractEngine, DEFAULT_LIMITS } from "@phala-ts/contracts";
import { buildContract } from "@phala-ts/contracts/build";
import {
  blake2_256,
  deriveKey,
  ed25519Generate,
  ed25519Verify,
  equalBytes,
  type Keypair,
  keypairFromUri,
  keypairsFromSeed,
  type PreparedQuery,
  QuerySession,
  toHex,
  utf8,
} from "@phala-ts/core";
import { ContractInstance, ContractStorage, EnclaveKeys, QueryService } from "@phala-ts/pruntime";
import type { Row } from "./harness.js";

/**
 * A worker's `QueryService` in process, the HTTP server left out: a warm balance query of the
 * private token, from decoding the signed body to the signed, sealed answer. Beside it, what no
 * implementation of the protocol escapes: one Ed25519 verification (the query's signature), one
 * Ed25519 signature (the answer's) and the same contract query in the engine's warm context.
 * The client's side (`QuerySession.prepare`, then `open` of the answer) is timed the same way,
 * beside one Ed25519 signature and one verification.
 */

const TOKEN = fileURLToPath(new URL("../../examples/private-token/contract.ts", import.meta.url));
const ACCOUNTS = 8;
const BATCH = 200;
const IN_FLIGHT = 8;

/** µs per operation of one batch; `setup` (untimed) makes the batch's inputs. */
function batchMicros<T>(setup: () => T[], op: (input: T) => unknown): number {
  const inputs = setup();
  const started = performance.now();
  for (const input of inputs) op(input);
  return ((performance.now() - started) * 1000) / inputs.length;
}

const median = (values: number[]) => values.sort((a, b) => a - b)[values.length >> 1]!;

export async function queryServiceRows(quick: boolean): Promise<Row[]> {
  const runs = quick ? 7 : 25;
  const code = (await buildContract(TOKEN)).code;
  const engine = await ContractEngine.create({ timeLimitMs: 10_000 });
  const accounts: Keypair[] = Array.from({ length: ACCOUNTS }, (_, i) => keypairFromUri(`//query-bench//${i}`));
  const contract = blake2_256(utf8("query-bench"));
  const seed = new Uint8Array(randomBytes(32));
  const call = (
    entry: ContractCall["entry"],
    input: ContractCall["input"],
    caller: Uint8Array,
    storage: ContractStorage,
  ) => ({
    code,
    entry,
    input,
    ctx: { contractId: contract, caller, blockNumber: 1, timestampMs: 0, randomSeed: seed },
    storage,
    limits: DEFAULT_LIMITS,
  });

  // The token as its deployer instantiated it, every bench account funded.
  const storage = new ContractStorage();
  const [deployer] = accounts;
  const init = engine.run(call("init", { supply: "1000000" }, deployer!.accountId, storage));
  if (!init.ok) throw new Error(`init: ${init.error.message}`);
  storage.apply(init.writes);
  for (const account of accounts.slice(1)) {
    const to = toHex(account.accountId);
    const sent = engine.run(call("handle", { transfer: { to, amount: "1000" } }, deployer!.accountId, storage));
    if (!sent.ok) throw new Error(`transfer: ${sent.error.message}`);
    storage.apply(sent.writes);
  }

  const keys = EnclaveKeys.generate();
  const instance = new ContractInstance({
    contract,
    cluster: new Uint8Array(32),
    codeHash: blake2_256(utf8(code)),
    storage,
    nextIndex: BigInt(ACCOUNTS),
  });
  const secrets = { ...keypairsFromSeed(seed), derivation: deriveKey(seed, ["contract_derivation"]) };
  const service = new QueryService(
    {
      identity: keys.identity,
      ecdh: keys.ecdh,
      runner: {
        instance: (id) => (equalBytes(id, contract) ? instance : undefined),
        code: () => code,
      },
      clusters: { contractSecrets: () => secrets },
      engine,
      head: () => ({ number: 1, timestamp: 0n, state: { get: () => undefined } }),
    },
    // Far above what is measured: this row times the work, not the limit.
    { ratePerSecond: 1e9 },
  );

  const sessions = accounts.map((account) => QuerySession.create(account, 3_600_000));
  const prepareBatch = () =>
    Array.from({ length: BATCH }, (_, i) => {
      const session = sessions[i % ACCOUNTS]!;
      return { session, ...session.prepare(keys.ecdh.publicKey, contract, { balance: {} }) };
    });
  const answerOf = (p: PreparedQuery) => service.answer(p.body);
  // Warm-up: every certificate checked once (the service keeps that), every caller's context warm.
  for (const p of prepareBatch()) answerOf(p);
  const answered = prepareBatch().map((p) => ({ ...p, ...answerOf(p) }));
  for (const a of answered) {
    const result = a.session.open(a.body, a.signature, keys.identity.publicKey, a.nonce);
    const expected = a.session === sessions[0] ? String(1_000_000 - 1000 * (ACCOUNTS - 1)) : "1000";
    if (!result.ok || (result.output as { balance: string }).balance !== expected) {
      throw new Error(`query: ${JSON.stringify(result)}, not a balance of ${expected}`);
    }
  }

  // answerAsync with several queries in flight, as the HTTP route runs it: the event loop's share
  // of each query, the whole process's CPU and the wall clock per query.
  const inFlight = async () => {
    const batch = prepareBatch();
    const loop = performance.eventLoopUtilization();
    const cpu = process.cpuUsage();
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < batch.length) await service.answerAsync(batch[next++]!.body);
      }),
    );
    const wall = performance.now() - started;
    const used = process.cpuUsage(cpu);
    return {
      loop: (performance.eventLoopUtilization(loop).active * 1000) / batch.length,
      cpu: (used.user + used.system) / batch.length,
      wall: (wall * 1000) / batch.length,
    };
  };
  await inFlight();

  // The fixed part, on the same sizes: the signed query body, the sealed answer, the warm call.
  const ephemeral = ed25519Generate().keypair;
  const [sample] = answered;
  const signedBytes = sample!.body.subarray(0, sample!.body.length - 64);
  const querySignature = ephemeral.sign(signedBytes);
  const calls = accounts.map((account) => call("query", { balance: {} }, account.accountId, storage));
  const session = sessions[0]!;
  const none = () => Array.from({ length: BATCH }, () => undefined);

  // Each run times one batch of every figure in turn, so that a burst of other work on the
  // machine weighs on all of them alike; each figure is the median of its runs.
  const times = {
    answer: [] as number[],
    floor: [] as number[],
    loop: [] as number[],
    cpu: [] as number[],
    wall: [] as number[],
    prepare: [] as number[],
    open: [] as number[],
    signVerify: [] as number[],
  };
  for (let r = 0; r < runs; r++) {
    times.answer.push(batchMicros(prepareBatch, answerOf));
    let k = 0;
    times.floor.push(
      batchMicros(
        () => Array.from({ length: BATCH }, () => calls[k++ % ACCOUNTS]!),
        (c) => {
          ed25519Verify(querySignature, signedBytes, ephemeral.publicKey);
          const outcome = engine.runQuery(c);
          keys.identity.sign(sample!.body);
          return outcome;
        },
      ),
    );
    const async = await inFlight();
    times.loop.push(async.loop);
    times.cpu.push(async.cpu);
    times.wall.push(async.wall);
    times.prepare.push(batchMicros(none, () => session.prepare(keys.ecdh.publicKey, contract, { balance: {} })));
    times.open.push(
      batchMicros(
        () =>
          Array.from({ length: BATCH }, () => {
            const p = session.prepare(keys.ecdh.publicKey, contract, { balance: {} });
            return { ...p, ...service.answer(p.body) };
          }),
        (a) => session.open(a.body, a.signature, keys.identity.publicKey, a.nonce),
      ),
    );
    times.signVerify.push(
      batchMicros(none, () => {
        ephemeral.sign(signedBytes);
        ed25519Verify(querySignature, signedBytes, ephemeral.publicKey);
      }),
    );
  }
  const answer = median(times.answer);
  const floor = median(times.floor);
  const answerAsync = { loop: median(times.loop), cpu: median(times.cpu), wall: median(times.wall) };
  const prepare = median(times.prepare);
  const open = median(times.open);
  const signVerify = median(times.signVerify);
  console.log(
    `queries: answerAsync with ${IN_FLIGHT} in flight: ${answerAsync.loop.toFixed(0)} µs of event loop, ` +
      `${answerAsync.cpu.toFixed(0)} µs CPU, ${answerAsync.wall.toFixed(0)} µs wall a query; answer: ` +
      `${answer.toFixed(0)} µs; client: prepare ${prepare.toFixed(0)} µs, open ${open.toFixed(0)} µs\n`,
  );

  return [
    {
      figure: "query, worker in process: QueryService.answer, warm token balance",
      unit: "µs",
      ours: answer,
      baselineName: "Ed25519 verify + sign + the warm engine query alone",
      baseline: floor,
    },
    {
      figure: `query, worker in process: answerAsync, ${IN_FLIGHT} in flight, event-loop time a query`,
      unit: "µs",
      ours: answerAsync.loop,
      baselineName: "QueryService.answer, all of it on the event loop",
      baseline: answer,
    },
    {
      figure: "query, client in process: QuerySession.prepare + open",
      unit: "µs",
      ours: prepare + open,
      baselineName: "Ed25519 sign + verify alone",
      baseline: signVerify,
    },
  ];
}
