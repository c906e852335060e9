import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildContract } from "@phala-ts/contracts/build";
import {
  blake2_256,
  type CommandReplyBody,
  clusterIdFromIndex,
  clusterKeysKey,
  contractId,
  contractKeysKey,
  decodeWorkerRecord,
  devAccounts,
  fromHex,
  KEY_HIERARCHY_STORAGE,
  type Keypair,
  masterPubkeyCodec,
  openCommandReply,
  type PublicKeys,
  publicKeysCodec,
  type QueryResult,
  QuerySession,
  queryCertificateCodec,
  type SealedCommand,
  sealContractCommand,
  signedQueryCodec,
  storageKey,
  toHex,
  utf8,
  workerRecordKey,
} from "@phala-ts/core";
import { Bytes, Struct, u64 } from "@polkadot-api/substrate-bindings";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contractCode } from "../../packages/contracts/src/engine/contractCall.test-util.js";
import { filesAsHaystacks, findSecrets } from "../../packages/core/src/testing/secretScan.test-util.js";
import type { RuntimeCall } from "../../packages/node/src/runtime/runtime.js";
import { account, submitCall, sudoCall, until } from "./chainHelpers.test-util.js";
import { type PhatEvent, PhatEvents } from "./contractHelpers.test-util.js";
import { type NodeProcess, spawnDevValidator, tempBasePath } from "./nodeProcess.test-util.js";
import { RpcClient } from "./rpcClient.test-util.js";
import { WorkerProcesses } from "./workerProcess.test-util.js";

const sr = devAccounts("sr25519");
const GAS = 10_000_000n;
const DEPOSIT = GAS * 10n;
const CANARY = "canary-5f1e0c2a-the-plaintext-of-a-command";
const TOKEN = fileURLToPath(new URL("../../examples/private-token/contract.ts", import.meta.url));
/** A contract that can be told to run forever, allocate without bound or recurse without end. */
const HOSTILE = contractCode(`{
  init() { return null; },
  handle(command) {
    if (command === "loop") for (;;) {}
    if (command === "allocate") { const hoard = []; for (;;) hoard.push(new Array(4096).fill(hoard.length)); }
    if (command === "recurse") { const down = (n) => down(n + 1) + 1; return down(0); }
    return "pong";
  },
  query() { return "pong"; },
}`);
const stateRootRecord = Struct({ index: u64, stateRoot: Bytes(32), reporter: Bytes(32) });

/**
 * A gatekeeper and two workers in one cluster, each a real pRuntime with its own real pherry,
 * around one real node on loopback; contracts deployed and called through the chain, queried
 * over HTTP.
 */
describe("confidential contracts", () => {
  const base = tempBasePath();
  let node: NodeProcess;
  let rpc: RpcClient;
  let phatEvents: PhatEvents;
  const rpcResponses: string[] = [];
  const queryResponses: Buffer[] = [];
  const enclaves: Record<"gk" | "w1" | "w2", WorkerProcesses> = {} as never;
  const identity: Record<string, Uint8Array> = {};
  const ecdh: Record<string, Uint8Array> = {};
  const cluster = clusterIdFromIndex(0n);
  let clusterKeys: PublicKeys;
  let token: Uint8Array;
  let tokenKeys: PublicKeys;
  let hostile: Uint8Array;
  let hostileKeys: PublicKeys;

  const read = async <T>(key: Uint8Array, dec: (bytes: Uint8Array) => T): Promise<T | undefined> => {
    const raw = await rpc.call<string | null>("state_getStorage", [toHex(key)]);
    return raw === null ? undefined : dec(fromHex(raw));
  };
  const phat = (type: string, value: unknown): RuntimeCall => ({ type: "PhalaPhatContracts", value: { type, value } });
  const waitEvent = (match: (e: PhatEvent) => boolean, what: string) => phatEvents.waitFor(match, what);
  const sameBytes = (a: unknown, b: Uint8Array) => a instanceof Uint8Array && toHex(a) === toHex(b);

  /** Waits for the chain's record of a command and opens its sealed reply with the command's key. */
  async function outcome(contract: Uint8Array, index: bigint, sealed: SealedCommand) {
    const forCommand = (type: string) => (e: PhatEvent) =>
      e.type === type && sameBytes(e.value.contract, contract) && e.value.index === index;
    const executed = await waitEvent(forCommand("CommandExecuted"), `command ${index} to be executed`);
    const reply = await waitEvent(forCommand("CommandReplySealed"), `command ${index}'s reply`);
    const sealedReply = reply.value.sealedReply as Uint8Array;
    const body: CommandReplyBody | undefined =
      sealedReply.length === 0 ? undefined : openCommandReply(sealedReply, sealed.replyKey);
    const { replyKey } = sealed;
    return {
      executed: executed.value as { succeeded: boolean; gasUsed: bigint; fee: bigint },
      body,
      sealedReply,
      replyKey,
    };
  }

  async function command(from: Keypair, contract: Uint8Array, keys: PublicKeys, input: unknown, gasLimit = GAS) {
    const sealed = sealContractCommand("command", keys.ecdhPubkey, input);
    return send(from, contract, sealed, gasLimit);
  }

  async function send(from: Keypair, contract: Uint8Array, sealed: SealedCommand, gasLimit = GAS) {
    const index =
      (await read(storageKey("PhalaPhatContracts", "CommandCounter", ["Twox64Concat", contract]), u64.dec)) ?? 0n;
    await submitCall(
      rpc,
      from,
      phat("pushCommand", { contractId: contract, payload: sealed.envelope, gasLimit, deposit: gasLimit * 10n }),
    );
    return outcome(contract, index, sealed);
  }

  async function deploy(code: string, args: unknown, salt: string) {
    const bytes = utf8(code);
    const codeHash = blake2_256(bytes);
    await submitCall(rpc, sr.Alice, phat("uploadCode", { code: bytes }));
    await waitEvent((e) => e.type === "CodeUploaded" && sameBytes(e.value.codeHash, codeHash), "the code upload");
    const sealed = sealContractCommand("init", clusterKeys.ecdhPubkey, args);
    await submitCall(
      rpc,
      sr.Alice,
      phat("instantiate", {
        codeHash,
        cluster,
        args: sealed.envelope,
        salt: utf8(salt),
        gasLimit: GAS,
        deposit: DEPOSIT,
      }),
    );
    const id = contractId(sr.Alice.accountId, codeHash, cluster, utf8(salt));
    const init = await outcome(id, 0n, sealed);
    const keys = await until(() => read(contractKeysKey(id), publicKeysCodec.dec), 60_000, "the contract's keys");
    return { id, keys, init };
  }

  async function postQuery(worker: WorkerProcesses, body: Uint8Array) {
    const response = await fetch(`${worker.pruntimeUrl}/contract/query`, {
      method: "POST",
      headers: { "content-type": "application/octet-stream" },
      body,
    });
    const bytes = Buffer.from(await response.arrayBuffer());
    queryResponses.push(bytes);
    return { status: response.status, bytes, signature: response.headers.get("x-phala-signature") };
  }

  async function query(
    worker: "w1" | "w2",
    session: QuerySession,
    contract: Uint8Array,
    request: unknown,
  ): Promise<QueryResult> {
    const prepared = session.prepare(ecdh[worker]!, contract, request);
    const { status, bytes, signature } = await postQuery(enclaves[worker], prepared.body);
    expect(status, bytes.toString()).toBe(200);
    return session.open(bytes, fromHex(signature!), identity[worker]!, prepared.nonce);
  }

  async function refusal(worker: "w1" | "w2", body: Uint8Array) {
    const { status, bytes } = await postQuery(enclaves[worker], body);
    return { status, ...(JSON.parse(bytes.toString()) as { code: string; message: string }) };
  }

  beforeAll(async () => {
    const operators = { gk: "//Bob", w1: "//Charlie", w2: "//Dave" } as const;
    for (const [name, operator] of Object.entries(operators)) {
      enclaves[name as keyof typeof enclaves] = new WorkerProcesses(join(base.path, name), () => node.wsUrl, operator);
    }
    await Promise.all(Object.values(enclaves).map((e) => e.startPRuntime()));
    for (const [name, e] of Object.entries(enclaves)) {
      const info = await e.info();
      identity[name] = fromHex(info.identityPublicKey);
      ecdh[name] = fromHex(info.ecdhPublicKey);
    }
    node = await spawnDevValidator(base.path, fromHex((await enclaves.gk.info()).measurement));
    rpc = await RpcClient.connect(node.url);
    const call = rpc.call.bind(rpc);
    rpc.call = async <T>(method: string, params: unknown[] = []) => {
      const result = await call<T>(method, params);
      rpcResponses.push(JSON.stringify(result ?? null));
      return result;
    };
    phatEvents = new PhatEvents(rpc);
    await Promise.all(Object.values(enclaves).map((e) => e.startPherry()));
    for (const key of Object.values(identity)) {
      await until(() => read(workerRecordKey(key), decodeWorkerRecord), 60_000, "every worker to register");
    }
    await sudoCall(rpc, {
      type: "PhalaRegistry",
      value: { type: "registerGatekeeper", value: { gatekeeper: identity.gk } },
    });
    await until(() => read(KEY_HIERARCHY_STORAGE.masterPubkey, masterPubkeyCodec.dec), 60_000, "the master key");
    await sudoCall(
      rpc,
      phat("addCluster", { workers: [identity.w1, identity.w2], permission: { type: "Public", value: undefined } }),
    );
    clusterKeys = await until(() => read(clusterKeysKey(cluster), publicKeysCodec.dec), 60_000, "the cluster's keys");
    for (const name of ["w1", "w2"] as const) {
      await until(
        async () => ((await enclaves[name].info()).clusters.length === 1 ? true : undefined),
        60_000,
        `${name} to hold the cluster key`,
      );
    }
  }, 180_000);

  afterAll(async () => {
    rpc?.close();
    await Promise.all(Object.values(enclaves).map((e) => e.stop()));
    await node?.stop();
    base.remove();
  });

  it("deploys the private token with sealed init args and runs encrypted transfers on both workers", async () => {
    const { code } = await buildContract(TOKEN);
    const deployed = await deploy(code, { supply: "1000" }, "token");
    token = deployed.id;
    tokenKeys = deployed.keys;
    expect(deployed.init.executed.succeeded).toBe(true);
    expect(deployed.init.body).toEqual({ ok: true, output: null, events: [] });

    const sent = await command(sr.Alice, token, tokenKeys, {
      transfer: { to: toHex(sr.Ferdie.accountId), amount: "250" },
    });
    expect(sent.executed.succeeded).toBe(true);
    expect(sent.executed.fee).toBe(sent.executed.gasUsed * 10n);
    // The transfer event is the recipient's alone: it is not in the sender's reply.
    expect(sent.body).toEqual({ ok: true, output: { balance: "750" }, events: [] });
    // Sealed by the contract's own key: the caller can tell it came from the contract's cluster.
    expect(openCommandReply(sent.sealedReply, sent.replyKey, tokenKeys.ecdhPubkey)).toEqual(sent.body);
    expect(() => openCommandReply(sent.sealedReply, sent.replyKey, clusterKeys.ecdhPubkey)).toThrow();
    // The deposits came back: nothing stays reserved once the replies are in.
    expect((await account(rpc, sr.Alice.accountId)).data.reserved).toBe(0n);
  }, 120_000);

  it("answers signed, encrypted queries: the owner sees its balance, another account is refused by the contract", async () => {
    const alice = QuerySession.create(sr.Alice, 60_000);
    const ferdie = QuerySession.create(sr.Ferdie, 60_000);
    for (const worker of ["w1", "w2"] as const) {
      expect(await query(worker, alice, token, { balance: {} })).toEqual({ ok: true, output: { balance: "750" } });
      expect(await query(worker, ferdie, token, { balance: {} })).toEqual({ ok: true, output: { balance: "250" } });
    }
    // The transfer's event is in Ferdie's inbox only.
    const transfer = { from: toHex(sr.Alice.accountId), to: toHex(sr.Ferdie.accountId), amount: "250" };
    expect(await query("w2", ferdie, token, { $events: {} })).toEqual({
      ok: true,
      output: { events: [{ seq: 0, index: "1", data: { transfer } }], next: 1 },
    });
    expect(await query("w1", alice, token, { $events: {} })).toEqual({ ok: true, output: { events: [], next: 0 } });
    const prying = await query("w1", ferdie, token, { balance: { of: toHex(sr.Alice.accountId) } });
    expect(prying).toMatchObject({ ok: false, error: { code: "CONTRACT_THREW" } });
    expect((prying as { error: { message: string } }).error.message).toMatch(/only the owner/);
  });

  it("refuses replayed nonces, expired or forged certificates, missing contracts and oversized bodies", async () => {
    const alice = QuerySession.create(sr.Alice, 60_000);
    const prepared = alice.prepare(ecdh.w1!, token, { balance: {} });
    expect((await postQuery(enclaves.w1, prepared.body)).status).toBe(200);
    expect(await refusal("w1", prepared.body)).toMatchObject({ status: 409, code: "QUERY_NONCE_REUSED" });

    const expired = QuerySession.create(sr.Alice, 1_000, Date.now() - 10_000);
    expect(await refusal("w1", expired.prepare(ecdh.w1!, token, { balance: {} }).body)).toMatchObject({
      status: 401,
      code: "QUERY_CERTIFICATE_EXPIRED",
    });

    // Alice's signature on a certificate that names Ferdie's account.
    const signed = signedQueryCodec.dec(alice.prepare(ecdh.w1!, token, { balance: {} }).body);
    const forgedCertificate = {
      ...signed.certificate,
      body: { ...signed.certificate.body, account: sr.Ferdie.accountId },
    };
    const forged = signedQueryCodec.enc({ ...signed, certificate: forgedCertificate });
    expect(queryCertificateCodec.enc(forgedCertificate)).not.toEqual(queryCertificateCodec.enc(signed.certificate));
    expect(await refusal("w1", forged)).toMatchObject({ status: 401, code: "QUERY_CERTIFICATE_INVALID" });

    const missing = new Uint8Array(32).fill(0x77);
    expect(await refusal("w1", alice.prepare(ecdh.w1!, missing, { balance: {} }).body)).toMatchObject({
      status: 404,
      code: "QUERY_CONTRACT_NOT_FOUND",
    });
    expect(await refusal("w1", new Uint8Array(300 * 1024))).toMatchObject({ status: 413, code: "API_BODY_TOO_LARGE" });
    // Nothing above changed the answer.
    expect(await query("w1", alice, token, { balance: {} })).toEqual({ ok: true, output: { balance: "750" } });
  });

  it("refuses commands sealed to the wrong key or altered; the sender reads why, the chain sees only a failure", async () => {
    const wrongKey = await command(sr.Alice, token, clusterKeys, {
      transfer: { to: toHex(sr.Ferdie.accountId), amount: "1" },
    });
    expect(wrongKey.executed.succeeded).toBe(false);
    expect(wrongKey.body).toMatchObject({ ok: false, error: { code: "COMMAND_UNREADABLE" } });

    const sealed = sealContractCommand("command", tokenKeys.ecdhPubkey, {
      transfer: { to: toHex(sr.Ferdie.accountId), amount: "1" },
    });
    const altered = sealed.envelope.slice();
    altered[altered.length - 1]! ^= 0x01;
    const tampered = await send(sr.Alice, token, { ...sealed, envelope: altered });
    expect(tampered.body).toMatchObject({ ok: false, error: { code: "COMMAND_UNREADABLE" } });

    // A transfer the contract refuses, carrying the canary: only Alice can read the reason.
    const refused = await command(sr.Alice, token, tokenKeys, {
      transfer: { to: toHex(sr.Ferdie.accountId), amount: CANARY },
    });
    expect(refused.executed.succeeded).toBe(false);
    expect(refused.body).toMatchObject({ ok: false, error: { code: "CONTRACT_THREW" } });
    expect(() =>
      openCommandReply(refused.sealedReply, sealContractCommand("command", tokenKeys.ecdhPubkey, null).replyKey),
    ).toThrow();
    const poor = await command(sr.Eve, token, tokenKeys, { transfer: { to: toHex(sr.Alice.accountId), amount: "5" } });
    expect(poor.body).toMatchObject({ ok: false, error: { message: expect.stringMatching(/insufficient balance/) } });

    const alice = QuerySession.create(sr.Alice, 60_000);
    expect(await query("w2", alice, token, { balance: {} })).toEqual({ ok: true, output: { balance: "750" } });
  }, 120_000);

  it("stops and charges a contract that loops, allocates or recurses without end; the workers keep serving", async () => {
    const deployed = await deploy(HOSTILE, null, "hostile");
    hostile = deployed.id;
    hostileKeys = deployed.keys;
    const limit = 2_000_000n;
    for (const [input, code] of [
      ["loop", "CONTRACT_OUT_OF_GAS"],
      ["allocate", /CONTRACT_OUT_OF_(MEMORY|GAS)/],
      ["recurse", "CONTRACT_STACK_OVERFLOW"],
    ] as const) {
      const stopped = await command(sr.Alice, hostile, hostileKeys, input, limit);
      expect(stopped.executed.succeeded, input).toBe(false);
      expect(stopped.executed.gasUsed, input).toBeGreaterThan(0n);
      expect(stopped.executed.fee, input).toBe(
        (stopped.executed.gasUsed < limit ? stopped.executed.gasUsed : limit) * 10n,
      );
      expect((stopped.body as { error: { code: string } }).error.code).toMatch(code);
    }
    expect((await command(sr.Alice, hostile, hostileKeys, "ping")).body).toMatchObject({ ok: true, output: "pong" });
    const sent = await command(sr.Ferdie, token, tokenKeys, {
      transfer: { to: toHex(sr.Alice.accountId), amount: "50" },
    });
    expect(sent.body).toEqual({ ok: true, output: { balance: "200" }, events: [] });
  }, 120_000);

  it("has both workers report the same state root for each contract, with no divergence", async () => {
    const counter = (await read(storageKey("PhalaPhatContracts", "CommandCounter", ["Twox64Concat", token]), u64.dec))!;
    const last = counter - 1n;
    const reportedBy = async (index: bigint) => {
      await phatEvents.poll();
      const reports = phatEvents.events.filter(
        (e) =>
          (e.type === "StateRootReported" || e.type === "StateRootConfirmed") &&
          sameBytes(e.value.contract, token) &&
          e.value.index === index,
      );
      return reports.length === 2 ? reports : undefined;
    };
    const reports = await until(() => reportedBy(last), 60_000, "both workers' state roots for the last command");
    expect(reports.map((r) => r.type).sort()).toEqual(["StateRootConfirmed", "StateRootReported"]);
    expect(reports.map((r) => toHex(r.value.worker as Uint8Array)).sort()).toEqual(
      [toHex(identity.w1!), toHex(identity.w2!)].sort(),
    );
    const record = await read(
      storageKey("PhalaPhatContracts", "StateRoots", ["Twox64Concat", token]),
      stateRootRecord.dec,
    );
    expect(record?.index).toBe(last);
    expect(await read(storageKey("PhalaPhatContracts", "Diverged", ["Twox64Concat", token]), u64.dec)).toBeUndefined();
    expect(phatEvents.events.filter((e) => e.type === "StateRootDiverged" || e.type === "CommandReplyRefused")).toEqual(
      [],
    );
  }, 90_000);

  it("never shows a command's plaintext: chain database, RPC responses, query responses, logs, files", async () => {
    await Promise.all(Object.values(enclaves).map((e) => e.stop()));
    await node.stop();
    const processes = [node, ...Object.values(enclaves).flatMap((e) => e.processes)];
    const haystacks: [string, Uint8Array][] = [
      ...filesAsHaystacks(base.path),
      ...processes.map((p, i): [string, Uint8Array] => [`logs of process ${i}`, utf8(JSON.stringify(p.logs))]),
      ["rpc responses", utf8(rpcResponses.join("\n"))],
      ["query responses", Buffer.concat(queryResponses)],
    ];
    expect(haystacks.some(([place]) => place.includes(join("node", "")))).toBe(true);
    expect(processes.length).toBe(7);
    const plaintexts = [utf8(CANARY)];
    expect(findSecrets(plaintexts, haystacks)).toEqual([]);
    // The scan finds what it looks for.
    expect(findSecrets(plaintexts, [["control", utf8(`x${CANARY}x`)]])).toEqual([["control", 0]]);
  }, 60_000);
});
