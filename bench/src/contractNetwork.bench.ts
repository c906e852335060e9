import { fileURLToPath } from "node:url";
import { buildContract } from "@phala-ts/contracts/build";
import {
  decodeExact,
  devAccounts,
  fromHex,
  type Keypair,
  keypairFromUri,
  QuerySession,
  storageKey,
  toHex,
} from "@phala-ts/core";
import { AccountInfoType, addressOf, PHA } from "@phala-ts/node";
import { Client } from "undici";
import type { Row } from "./harness.js";
import { cpuSeconds, infoOf, LocalNetwork, threadSeconds, type Worker } from "./localNetwork.js";
import { pushCommandCall, runtime } from "./phatCalls.js";
import { Rpc, submitAll } from "./rpc.js";

/**
 * The whole network on loopback, as `npm run devnet` runs it (see localNetwork.ts): a node with
 * 500 ms blocks, a gatekeeper and two cluster workers with their pherries, the private token
 * deployed to the cluster.
 *
 * 1. Encrypted contract commands per second, from the first submission until both workers ran
 *    the last one (their /info `executed`), beside as many plain `transferKeepAlive` extrinsics
 *    through the same node, from the first submission until the last is in a finalized block.
 * 2. Signed, encrypted queries per second on one worker from several concurrent clients, with
 *    p50/p99 latency, beside `GET /info` on the same worker at the same concurrency.
 *
 * Both workloads run twice, each round timed: the first after start-up (cold), the second as a
 * long-running network runs it (warm), which is the figure the goal is about.
 *
 * Everything a client computes ahead of time (signing extrinsics, sealing commands, preparing
 * queries) is done before each timed window, so that the window times the network: on a small
 * machine the bench process shares the cores with the node, the pRuntimes and the pherries.
 * Each window also prints the CPU seconds every process spent in it, to show where time goes.
 *
 * Diagnostics: BENCH_TRACE=1 prints the chain head and both workers' progress every 500 ms of the
 * command window; BENCH_NETWORK_LOGS=<dir> keeps the pRuntimes' and pherries' logs there;
 * BENCH_PER_ACCOUNT=<n> sets the commands (and transfers) per bench account (200 accounts);
 * BENCH_BLOCK_MS=<ms> another block time; BENCH_THREADS=1 splits each process's CPU by thread and
 * prints the window's pids (for `perf record -p`); BENCH_NODE_PROFILE=<dir> and
 * BENCH_WORKER_PROFILE=<dir> write V8 CPU profiles, BENCH_NODE_FLAGS and BENCH_WORKER_FLAGS add
 * Node.js flags (`--perf-basic-prof`); BENCH_PHASES=commands or BENCH_PHASES=queries runs only that
 * window (a profile then shows it beside start-up and the funding round; the other figures print 0).
 */

const TOKEN = fileURLToPath(new URL("../../examples/private-token/contract.ts", import.meta.url));
const ACCOUNTS = 200;
const CONNECTIONS = 4;
const GAS = 1_000_000n;
const DEPOSIT = GAS * 10n;
/** Each bench account's token balance after the untimed funding round. */
const FUNDS = 1_000_000n;
const QUERY_CLIENTS = 8;

const sr = devAccounts("sr25519");

/** BENCH_THREADS=1: each window also prints each process's CPU by thread, user and system. */
const TRACE_THREADS = process.env["BENCH_THREADS"] !== undefined;
type Phase = "commands" | "queries";
const PHASES = process.env["BENCH_PHASES"]?.split(",");
/** Every window runs unless BENCH_PHASES names some; the baselines only with every window. */
const runs = (phase: Phase | "all") => PHASES === undefined || (phase !== "all" && PHASES.includes(phase));
const skipped = <T>(value: T) => ({ value, split: "skipped (BENCH_PHASES)", network: 0 });

/** CPU seconds each process of the network (and the bench itself) spends while `run` runs. */
/**
 * Runs `run` and reports the CPU seconds each network process and the bench used meanwhile;
 * `network` is the network processes' sum (what a figure costs the machine, the bench apart).
 */
async function cpuSplit<T>(
  network: LocalNetwork,
  run: () => Promise<T>,
): Promise<{ value: T; split: string; network: number }> {
  const pids = network.pids();
  const before = Object.fromEntries(Object.entries(pids).map(([role, pid]) => [role, cpuSeconds(pid)]));
  const threadsBefore = TRACE_THREADS ? Object.values(pids).map((pid) => threadSeconds(pid)) : [];
  const self = process.cpuUsage();
  if (TRACE_THREADS) console.log(`  (window starts, pids ${JSON.stringify(pids)})`);
  const started = performance.now();
  const value = await run();
  const wall = (performance.now() - started) / 1000;
  const used = process.cpuUsage(self);
  let sum = 0;
  const parts = Object.entries(pids).flatMap(([role, pid]) => {
    const [a, b] = [before[role], cpuSeconds(pid)];
    if (a === undefined || b === undefined) return [];
    sum += b - a;
    return [`${role} ${(b - a).toFixed(2)}`];
  });
  parts.push(`bench ${((used.user + used.system) / 1e6).toFixed(2)}`);
  if (TRACE_THREADS) {
    for (const [k, [role, pid]] of Object.entries(pids).entries()) {
      const was = threadsBefore[k]!;
      const threads = [...threadSeconds(pid)].flatMap(([name, now]) => {
        const user = now.user - (was.get(name)?.user ?? 0);
        const system = now.system - (was.get(name)?.system ?? 0);
        return user + system < 0.005 ? [] : [`${name} ${user.toFixed(2)}u+${system.toFixed(2)}s`];
      });
      console.log(`    ${role} threads: ${threads.join(", ")}`);
    }
  }
  return { value, split: `CPU s over ${wall.toFixed(2)} s wall: ${parts.join(", ")}`, network: sum };
}

async function nonceAtFinalized(rpc: Rpc, who: Uint8Array): Promise<number> {
  const head = await rpc.call<string>("chain_getFinalizedHead");
  const key = toHex(storageKey("System", "Account", ["Blake2_128Concat", who]));
  const raw = await rpc.call<string | null>("state_getStorage", [key, head]);
  return raw === null ? 0 : decodeExact(AccountInfoType.codec.dec, fromHex(raw), "AccountInfo").nonce;
}

/** BENCH_TRACE=1: every 500 ms, the chain head and how far each cluster worker got. Returns a stop function. */
function traceProgress(network: LocalNetwork, contract: Uint8Array, started: number): () => void {
  const hex = toHex(contract);
  const timer = setInterval(async () => {
    const head = await network.rpc.call<{ number: string }>("chain_getHeader");
    const infos = await Promise.all([network.w1, network.w2].map((w) => infoOf(w.url)));
    const workers = infos.map((info, k) => {
      const executed = info.contracts.find((c) => c.contract === hex)?.executed;
      return `w${k + 1} dispatched #${info.dispatchedHeight}, executed ${executed}, egress ${info.egressPending}`;
    });
    const t = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`  ${t} s: head #${Number.parseInt(head.number, 16)}; ${workers.join("; ")}`);
  }, 500);
  return () => clearInterval(timer);
}

interface HttpReply {
  readonly status: number;
  readonly body: Uint8Array;
  readonly signature: string | undefined;
}

/**
 * One request on `client` (one keep-alive connection); resolves once the whole reply is in. The
 * load generator speaks undici rather than node:http: it costs the shared cores about half as much
 * per request, which is CPU the worker under test gets instead.
 */
async function send(client: Client, url: URL, body?: Uint8Array): Promise<HttpReply> {
  const reply = await client.request({
    path: url.pathname,
    method: body === undefined ? "GET" : "POST",
    headers: body === undefined ? {} : { "content-type": "application/octet-stream" },
    body,
  });
  return {
    status: reply.statusCode,
    body: new Uint8Array(await reply.body.arrayBuffer()),
    signature: reply.headers["x-phala-signature"] as string | undefined,
  };
}

/** `send` on a connection of its own, closed afterwards. */
async function sendOnce(url: URL, body?: Uint8Array): Promise<HttpReply> {
  const client = new Client(url.origin);
  try {
    return await send(client, url, body);
  } finally {
    await client.close();
  }
}

interface LoadResult {
  readonly rate: number;
  readonly p50: number;
  readonly p99: number;
  /** Each client's last reply. */
  readonly last: HttpReply[];
}

/** Each client sends its requests one after another on its own keep-alive connection; all clients at once. */
async function load(url: URL, bodies: readonly (readonly (Uint8Array | undefined)[])[]): Promise<LoadResult> {
  const clients = bodies.map(() => new Client(url.origin, { pipelining: 1 }));
  try {
    // Open each connection before the clock starts.
    await Promise.all(clients.map((client) => send(client, new URL("/info", url))));
    const latencies: number[] = [];
    const started = performance.now();
    const last = await Promise.all(
      bodies.map(async (mine, c) => {
        let reply: HttpReply | undefined;
        for (const body of mine) {
          const t = performance.now();
          reply = await send(clients[c]!, url, body);
          latencies.push(performance.now() - t);
          if (reply.status !== 200) throw new Error(`${url.pathname}: ${reply.status} ${Buffer.from(reply.body)}`);
        }
        return reply!;
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
    return { rate: latencies.length / seconds, p50: at(0.5), p99: at(0.99), last };
  } finally {
    await Promise.all(clients.map((client) => client.destroy()));
  }
}

export async function contractNetworkRows(quick: boolean): Promise<Row[]> {
  // 5,000 commands: a window of several seconds, so that the last block's wait (up to one block
  // time, plus relaying) weighs less than in a short burst.
  const perAccount = Number(process.env["BENCH_PER_ACCOUNT"] ?? (quick ? 3 : 25));
  const queriesPerClient = quick ? 500 : 2500;
  const total = ACCOUNTS * perAccount;
  const keys: Keypair[] = Array.from({ length: ACCOUNTS }, (_, i) => keypairFromUri(`//bench//${i}`, "sr25519"));
  const { code } = await buildContract(TOKEN);

  const setupStarted = performance.now();
  const network = await LocalNetwork.start(keys.map((k) => k.accountId));
  const clients: Rpc[] = [];
  try {
    clients.push(...(await Promise.all(Array.from({ length: CONNECTIONS }, () => Rpc.open(network.nodeUrl)))));
    const supply = FUNDS * BigInt(ACCOUNTS) * 10n;
    const token = await network.deploy(sr.Alice, code, { supply: supply.toString() }, "bench-token", GAS);
    const pushCommand = (input: unknown) => pushCommandCall(token, input, GAS, DEPOSIT);

    // Untimed funding round, which also warms every process up: the deployer gives each bench
    // account FUNDS tokens, so that every timed command below is a transfer that succeeds. (A
    // transfer from an account without tokens would run and reply too, but as a refusal.)
    const aliceNonce = await network.nextNonce(sr.Alice.accountId);
    const funding = keys.map((k, i) =>
      toHex(
        network.sign(
          sr.Alice,
          pushCommand({ transfer: { to: toHex(k.accountId), amount: FUNDS.toString() } }),
          aliceNonce + i,
        ),
      ),
    );
    await submitAll(clients.slice(0, 1), [funding]);
    let executed = 1n + BigInt(ACCOUNTS);
    await network.waitExecuted(token.id, executed, 120_000);
    // Each window starts on a quiet network: the replies of what came before are all on chain.
    const drain = async (when: string) => {
      if (!(await network.drainEgress(60_000))) console.log(`  (replies still pending 60 s ${when})`);
    };
    await drain("before the transfers");
    const setupSeconds = (performance.now() - setupStarted) / 1000;

    // Each workload runs twice, both rounds timed: the first after start-up (cold: V8 still
    // compiling the hot paths, heaps still growing), the second as a long-running network runs it.
    // The goal is the second round's figure; the first is printed beside it.
    const rounds = ["cold", "warm"] as const;
    /** Both rounds, one after the other (they share the network). */
    const bothRounds = async <T>(run: (round: number) => Promise<T>): Promise<[T, T]> => [await run(0), await run(1)];

    // Baseline: as many plain transfers from the same accounts through the same node, submission
    // to finalized (the dev node finalizes each block as it seals it). Nonces 0..2 * perAccount - 1.
    const transfer = runtime.encodeCall({
      type: "Balances",
      value: { type: "transferKeepAlive", value: { dest: addressOf(sr.Ferdie.accountId), value: PHA } },
    });
    const transferRound = async (round: number) => {
      const firstNonce = round * perAccount;
      const transfers = keys.map((key) =>
        Array.from({ length: perAccount }, (_, n) => toHex(network.sign(key, transfer, firstNonce + n))),
      );
      const timed = await cpuSplit(network, async () => {
        const started = performance.now();
        await submitAll(clients, transfers);
        for (;;) {
          const nonces = await Promise.all(
            [keys[0]!, keys.at(-1)!].map((k) => nonceAtFinalized(clients[0]!, k.accountId)),
          );
          if (nonces.every((n) => n >= firstNonce + perAccount)) break;
          await new Promise((r) => setTimeout(r, 20));
        }
        return total / ((performance.now() - started) / 1000);
      });
      await drain(`after the ${rounds[round]} transfers`);
      return timed;
    };
    const baseline = await bothRounds(async (round) => (runs("all") ? transferRound(round) : skipped(0)));

    // Commands: each a real sealed command with a real gas limit and deposit, and every one
    // succeeds (see the check below). In the cold round account i sends perAccount transfers of 1
    // token to account i + 1 (balances end where they started); in the warm round, of i + 1 tokens.
    // Nonces follow the baseline's.
    const commandRound = async (round: number) => {
      const firstNonce = ((runs("all") ? 2 : 0) + round) * perAccount;
      const commands = keys.map((key, i) => {
        const to = toHex(keys[(i + 1) % ACCOUNTS]!.accountId);
        const amount = round === 0 ? "1" : String(i + 1);
        return Array.from({ length: perAccount }, (_, n) =>
          toHex(network.sign(key, pushCommand({ transfer: { to, amount } }), firstNonce + n)),
        );
      });
      const timed = await cpuSplit(network, async () => {
        const started = performance.now();
        const trace = process.env["BENCH_TRACE"] === undefined ? undefined : traceProgress(network, token.id, started);
        await submitAll(clients, commands);
        executed += BigInt(total);
        const reached = await network.waitExecuted(token.id, executed, 120_000, started);
        trace?.();
        return { rate: total / (Math.max(reached.w1, reached.w2) / 1000), reached };
      });
      await drain(`after the ${rounds[round]} commands`);
      return timed;
    };
    const runsOfCommands = await bothRounds(async (round) =>
      runs("commands") ? commandRound(round) : skipped({ rate: 0, reached: { w1: 0, w2: 0 } }),
    );
    const [cold, run] = runsOfCommands;

    // Every timed transfer succeeded: account i > 0 paid perAccount * (i + 1) and received perAccount * i.
    const balanceOf = async (worker: Worker, i: number) => {
      const session = QuerySession.create(keys[i]!, 60_000);
      const prepared = session.prepare(worker.ecdh, token.id, { balance: {} });
      const reply = await sendOnce(new URL("/contract/query", worker.url), prepared.body);
      if (reply.status !== 200)
        throw new Error(`balance query on ${worker.name}: ${reply.status} ${Buffer.from(reply.body)}`);
      const result = session.open(reply.body, fromHex(reply.signature!), worker.identity, prepared.nonce);
      if (!result.ok) throw new Error(`balance query: ${JSON.stringify(result.error)}`);
      return BigInt((result.output as { balance: string }).balance);
    };
    const expected = (i: number) =>
      !runs("commands")
        ? FUNDS
        : i === 0
          ? FUNDS - BigInt(perAccount) + BigInt(perAccount * ACCOUNTS)
          : FUNDS - BigInt(perAccount);
    for (const worker of [network.w1, network.w2]) {
      for (const i of [0, 1, ACCOUNTS - 1]) {
        const balance = await balanceOf(worker, i);
        if (balance !== expected(i)) {
          throw new Error(`${worker.name}: account ${i} holds ${balance}, not ${expected(i)}: some commands failed`);
        }
      }
    }

    // What the network costs with nothing to do (a block every 500 ms, pherries caught up): the
    // CPU the queries below compete with, besides the bench's own.
    const idleSeconds = quick ? 2 : 5;
    const idle = !runs("all")
      ? skipped(undefined)
      : await cpuSplit(network, () => new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000)));

    // Queries on w1: each client alternates between two accounts' sessions, so that the worker's
    // per-account rate limit (1,000/s, burst 2,000) caps at 16,000/s, far above what is measured.
    // Each query needs a fresh nonce and its own sealing and signature: they are prepared before the
    // window (client CPU that would otherwise compete with the worker for the same cores).
    const worker = network.w1;
    const sessions = Array.from({ length: QUERY_CLIENTS * 2 }, (_, i) => QuerySession.create(keys[i]!, 600_000));
    const prepare = (count: number) =>
      Array.from({ length: QUERY_CLIENTS }, (_, c) =>
        Array.from({ length: count }, (_, q) => {
          const session = sessions[c + (q % 2) * QUERY_CLIENTS]!;
          return { session, ...session.prepare(worker.ecdh, token.id, { balance: {} }) };
        }),
      );
    const queryUrl = new URL("/contract/query", worker.url);
    // Warm-up: every certificate checked once (the worker caches that), the engine warm.
    if (runs("queries"))
      await load(
        queryUrl,
        prepare(50).map((list) => list.map((p) => p.body)),
      );
    const prepared = prepare(runs("queries") ? queriesPerClient : 1);
    const queries = !runs("queries")
      ? skipped({ rate: 0, p50: 0, p99: 0, last: [] })
      : await cpuSplit(network, () =>
          load(
            queryUrl,
            prepared.map((list) => list.map((p) => p.body)),
          ),
        );
    // The answers open and are right: each client's last one is checked here (every one was a 200).
    for (const [c, reply] of queries.value.last.entries()) {
      const { session, nonce } = prepared[c]!.at(-1)!;
      const result = session.open(reply.body, fromHex(reply.signature!), worker.identity, nonce);
      const i = c + ((queriesPerClient - 1) % 2) * QUERY_CLIENTS;
      if (!result.ok || (result.output as { balance: string }).balance !== expected(i).toString()) {
        throw new Error(`query answer ${JSON.stringify(result)} is not account ${i}'s balance`);
      }
    }
    const infoUrl = new URL("/info", worker.url);
    if (runs("all"))
      await load(
        infoUrl,
        Array.from({ length: QUERY_CLIENTS }, () => Array.from({ length: 50 }, () => undefined)),
      );
    const info = !runs("all")
      ? skipped({ rate: 0, p50: 0, p99: 0, last: [] })
      : await cpuSplit(network, () =>
          load(
            infoUrl,
            Array.from({ length: QUERY_CLIENTS }, () => Array.from({ length: queriesPerClient }, () => undefined)),
          ),
        );

    const q = queries.value;
    const i = info.value;
    console.log(`contract-network: network up and funded in ${setupSeconds.toFixed(1)} s`);
    for (const [round, name] of rounds.entries()) {
      const commands = runsOfCommands[round]!;
      const { w1, w2 } = commands.value.reached;
      console.log(`  transfers, ${name}: ${baseline[round]!.split}`);
      console.log(
        `  commands, ${name}: w1 ran the last at ${(w1 / 1000).toFixed(2)} s, w2 at ${(w2 / 1000).toFixed(2)} s; ${commands.split}`,
      );
    }
    console.log(`  idle: ${(idle.network / idleSeconds).toFixed(2)} cores; ${idle.split}`);
    console.log(`  queries: ${queries.split}`);
    console.log(`  /info: ${info.split}`);
    console.log(
      `contract-network: ${Math.round(run.value.rate)} commands/s on both workers (goal ≥ 1,000; ${Math.round(cold.value.rate)}/s cold), ` +
        `${Math.round(q.rate)} queries/s on one worker with ${QUERY_CLIENTS} clients, ` +
        `p50 ${q.p50.toFixed(2)} ms, p99 ${q.p99.toFixed(2)} ms (goal ≥ 3,000/s, p99 < 10 ms)\n`,
    );
    const clientsNote = `${QUERY_CLIENTS} clients`;
    return [
      {
        figure: `contract network: encrypted commands/s, submit → run on both workers (${total}, ${ACCOUNTS} accounts, warm; goal ≥ 1,000)`,
        unit: "ops/s",
        ours: run.value.rate,
        baselineName: "transferKeepAlive, submit → finalized, same node, warm",
        baseline: baseline[1].value,
      },
      {
        figure: `contract network: the same, cold (the first ${total} after start-up)`,
        unit: "ops/s",
        ours: cold.value.rate,
        baselineName: "transferKeepAlive, cold",
        baseline: baseline[0].value,
      },
      {
        figure: "contract network: CPU ms per command, all network processes, warm (2 vCPUs allow 2,000 ms/s)",
        unit: "ms",
        ours: (1000 * run.network) / total,
        baselineName: "CPU ms per transferKeepAlive, same processes, warm",
        baseline: (1000 * baseline[1].network) / total,
      },
      {
        figure: `contract network: signed encrypted queries/s on one worker, ${clientsNote} (goal ≥ 3,000)`,
        unit: "req/s",
        ours: q.rate,
        baselineName: `GET /info, same worker, ${clientsNote}`,
        baseline: i.rate,
      },
      {
        figure: "contract network: query latency p50",
        unit: "ms",
        ours: q.p50,
        baselineName: "GET /info p50",
        baseline: i.p50,
      },
      {
        figure: "contract network: query latency p99 (goal < 10 ms)",
        unit: "ms",
        ours: q.p99,
        baselineName: "GET /info p99",
        baseline: i.p99,
      },
    ];
  } finally {
    for (const client of clients) client.close();
    await network.stop();
  }
}
