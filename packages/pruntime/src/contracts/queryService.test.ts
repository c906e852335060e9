import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { ContractEngine } from "@phala-ts/contracts";
import { buildContract } from "@phala-ts/contracts/build";
import {
  devAccounts,
  type Ed25519Keypair,
  ed25519Generate,
  encodeEnvelope,
  type Keypair,
  QUERY_MAX_AGE_MS,
  QUERY_NONCE_LENGTH,
  QUERY_REQUEST_PURPOSE,
  type QueryCertificate,
  type QueryResult,
  QuerySession,
  queryRequestCodec,
  sealEnvelope,
  signedQueryCodec,
  signQuery,
  signQueryCertificate,
  toHex,
  utf8,
  type X25519Keypair,
  x25519Ephemeral,
} from "@phala-ts/core";
import { beforeAll, describe, expect, it } from "vitest";
import { contractCode } from "../../../contracts/src/engine/contractCall.test-util.js";
import { asyncErrorCodeOf, errorCodeOf } from "../../../core/src/testing/errorCode.test-util.js";
import { ContractNet, Worker } from "./contracts.test-util.js";
import { QueryService, type QueryServiceOptions } from "./queryService.js";

const TOKEN_FILE = fileURLToPath(new URL("../../../../examples/private-token/contract.ts", import.meta.url));
const LOOPING_QUERY = contractCode(`{ init() { return null; }, handle() { return null; }, query() { for (;;) {} } }`);
const NOW = 1_700_000_000_000;
const TTL = 60_000;

const sr = devAccounts("sr25519");
const [alice, bob] = [sr.Alice, sr.Bob];
const aliceHex = toHex(alice.accountId);
const bobHex = toHex(bob.accountId);

let engine: ContractEngine;
/** What PRuntime gives queries: an engine with a wall-clock limit. */
let timedEngine: ContractEngine;
let token: string;
beforeAll(async () => {
  [engine, timedEngine] = await Promise.all([ContractEngine.create(), ContractEngine.create({ timeLimitMs: 50 })]);
  token = (await buildContract(TOKEN_FILE)).code;
});

interface Setup {
  readonly worker: Worker;
  readonly net: ContractNet;
  /** The private token, alice's supply of 1000. */
  readonly contract: Uint8Array;
  readonly service: QueryService;
  /** The service's clock. */
  readonly clock: { now: number };
}

/** A worker of a cluster whose key it holds, running the private token; its query service on a test clock. */
function setup(options: QueryServiceOptions & { queryEngine?: ContractEngine } = {}): Setup {
  const worker = new Worker(engine);
  const net = new ContractNet([worker]);
  net.shareClusterKey(worker);
  const init = net.instantiate(token, alice.accountId, { supply: "1000" });
  net.deliver(init.message);
  const clock = { now: NOW };
  return { worker, net, contract: init.contract, service: serviceOf(worker, net, clock, options), clock };
}

function serviceOf(
  worker: Worker,
  net: ContractNet,
  clock: { now: number },
  options: QueryServiceOptions & { queryEngine?: ContractEngine } = {},
): QueryService {
  return new QueryService(
    {
      identity: worker.keys.identity,
      ecdh: worker.keys.ecdh,
      runner: worker.runner,
      clusters: worker.keyHierarchy.clusters,
      engine: options.queryEngine ?? engine,
      head: () => ({ number: net.number, timestamp: BigInt(NOW), state: net.state }),
    },
    { now: () => clock.now, ...options },
  );
}

const session = (account: Keypair = alice, nowMs = NOW, ttlMs = TTL) => QuerySession.create(account, ttlMs, nowMs);
const freshNonce = () => new Uint8Array(randomBytes(QUERY_NONCE_LENGTH));

/** Asks through `s` and opens the answer as the querier does (checking the worker's signature). */
function ask(
  { service, worker, contract }: Setup,
  s: QuerySession,
  request: unknown,
  options: { contract?: Uint8Array; nonce?: Uint8Array } = {},
): QueryResult {
  const nonce = options.nonce === undefined ? undefined : new Uint8Array(options.nonce);
  const prepared = s.prepare(worker.keys.ecdh.publicKey, options.contract ?? contract, request, nonce, NOW);
  const { body, signature } = service.answer(prepared.body);
  return s.open(body, signature, worker.id, prepared.nonce);
}

/** The refusal's code, or undefined if the service answered. */
const refusal = (setup: Setup, body: Uint8Array) => errorCodeOf(() => setup.service.answer(body));

/**
 * A query built by hand, so that a test can alter one part of it: the certificate, the key that
 * signs the query, the worker the request is sealed to, or a payload that is not JSON.
 */
class HandmadeQuery {
  readonly signer: Ed25519Keypair = ed25519Generate().keypair;
  readonly ecdh: X25519Keypair = x25519Ephemeral();
  readonly certificate: QueryCertificate;

  constructor(account: Keypair = alice, expiresAtMs = NOW + TTL) {
    const ephemeral = { pubkey: this.signer.publicKey, ecdhPubkey: this.ecdh.publicKey };
    this.certificate = signQueryCertificate(account, ephemeral, BigInt(expiresAtMs));
  }

  body(
    workerEcdh: Uint8Array,
    contract: Uint8Array,
    payload: Uint8Array,
    options: {
      nonce?: Uint8Array;
      issuedAtMs?: number;
      certificate?: QueryCertificate;
      signer?: Ed25519Keypair;
      sender?: X25519Keypair;
    } = {},
  ): Uint8Array {
    const plaintext = queryRequestCodec.enc({
      contract,
      nonce: options.nonce ?? freshNonce(),
      issuedAtMs: BigInt(options.issuedAtMs ?? NOW),
      payload,
    });
    const envelope = encodeEnvelope(
      sealEnvelope({
        recipientPublic: workerEcdh,
        purpose: QUERY_REQUEST_PURPOSE,
        plaintext,
        senderSecret: options.sender ?? this.ecdh,
      }),
    );
    const signed = signQuery(options.signer ?? this.signer, options.certificate ?? this.certificate, envelope);
    return signedQueryCodec.enc(signed);
  }
}

const balanceQuery = utf8(JSON.stringify({ balance: {} }));

describe("QueryService: answers", () => {
  it("answers the owner's balance, sealed to the querier's key and signed by the worker's identity", () => {
    const s = setup();
    const alices = session();
    expect(ask(s, alices, { balance: {} })).toEqual({ ok: true, output: { balance: "1000" } });
    expect(ask(s, alices, { totalSupply: {} })).toEqual({ ok: true, output: { totalSupply: "1000" } });

    const prepared = alices.prepare(s.worker.keys.ecdh.publicKey, s.contract, { balance: {} }, undefined, NOW);
    const { body, signature } = s.service.answer(prepared.body);
    const other = new Worker(engine);
    expect(errorCodeOf(() => alices.open(body, signature, other.id, prepared.nonce))).toBe("QUERY_SIGNATURE_INVALID");
    expect(
      errorCodeOf(() =>
        alices.open(
          body,
          signature.map((b, i) => (i === 0 ? b ^ 1 : b)),
          s.worker.id,
          prepared.nonce,
        ),
      ),
    ).toBe("QUERY_SIGNATURE_INVALID");
    expect(errorCodeOf(() => alices.open(body, signature, s.worker.id, freshNonce()))).toBe("QUERY_ANSWER_MISMATCH");
    // Only the certificate's ephemeral key opens the answer.
    expect(() => session().open(body, signature, s.worker.id, prepared.nonce)).toThrow();
  });

  it("runs the query as the certificate's account: another account gets the contract's refusal", () => {
    const s = setup();
    const bobs = session(bob);
    expect(ask(s, bobs, { balance: { of: aliceHex } })).toEqual({
      ok: false,
      error: { code: "CONTRACT_THREW", message: "Error: only the owner may read a balance" },
    });
    expect(ask(s, bobs, { balance: {} })).toEqual({ ok: true, output: { balance: "0" } });
  });

  it("reads the caller's own event inbox, or the public one, with { $events }", () => {
    const s = setup();
    s.net.deliver(s.net.command(s.contract, alice.accountId, { transfer: { to: bobHex, amount: "10" } }).message);
    const transferEvent = { transfer: { from: aliceHex, to: bobHex, amount: "10" } };
    const bobs = session(bob);
    expect(ask(s, bobs, { $events: {} })).toEqual({
      ok: true,
      output: { events: [{ seq: 0, index: "1", data: transferEvent }], next: 1 },
    });
    expect(ask(s, bobs, { $events: { after: 1 } })).toEqual({ ok: true, output: { events: [], next: 1 } });
    expect(ask(s, session(), { $events: {} })).toEqual({ ok: true, output: { events: [], next: 0 } });
    expect(ask(s, session(), { $events: { public: true } })).toEqual({ ok: true, output: { events: [], next: 0 } });
    // A malformed events request is refused before its nonce is spent.
    const nonce = freshNonce();
    expect(errorCodeOf(() => ask(s, bobs, { $events: { after: -1 } }, { nonce }))).toBe("QUERY_MALFORMED");
    expect(ask(s, bobs, { $events: {} }, { nonce })).toMatchObject({ ok: true });
  });
});

describe("QueryService: refusals", () => {
  it("refuses a body that is not a SignedQuery, or a payload that is not JSON (QUERY_MALFORMED), spending no nonce", () => {
    const s = setup();
    const valid = session().prepare(s.worker.keys.ecdh.publicKey, s.contract, { balance: {} }, undefined, NOW).body;
    expect(refusal(s, new Uint8Array([1, 2, 3]))).toBe("QUERY_MALFORMED");
    expect(refusal(s, valid.subarray(0, valid.length - 1))).toBe("QUERY_MALFORMED");
    expect(refusal(s, Uint8Array.of(...valid, 0))).toBe("QUERY_MALFORMED");
    const handmade = new HandmadeQuery();
    const nonce = freshNonce();
    const ecdh = s.worker.keys.ecdh.publicKey;
    expect(refusal(s, handmade.body(ecdh, s.contract, utf8("{balance"), { nonce }))).toBe("QUERY_MALFORMED");
    expect(refusal(s, handmade.body(ecdh, s.contract, Uint8Array.of(0xff, 0xfe), { nonce }))).toBe("QUERY_MALFORMED");
    expect(refusal(s, handmade.body(ecdh, s.contract, balanceQuery, { nonce }))).toBeUndefined();
  });

  it("refuses a certificate once it expires (QUERY_CERTIFICATE_EXPIRED)", () => {
    const s = setup();
    const alices = session(alice, NOW, 1000);
    s.clock.now = NOW + 999;
    expect(ask(s, alices, { balance: {} })).toMatchObject({ ok: true });
    s.clock.now = NOW + 1000;
    expect(errorCodeOf(() => ask(s, alices, { balance: {} }))).toBe("QUERY_CERTIFICATE_EXPIRED");
  });

  it("refuses a certificate its account did not sign (QUERY_CERTIFICATE_INVALID), even after the genuine one was used", () => {
    const s = setup();
    const handmade = new HandmadeQuery(alice);
    const ecdh = s.worker.keys.ecdh.publicKey;
    expect(refusal(s, handmade.body(ecdh, s.contract, balanceQuery))).toBeUndefined();
    const { certificate } = handmade;
    const claimsBob = { ...certificate, body: { ...certificate.body, account: bob.accountId } };
    expect(refusal(s, handmade.body(ecdh, s.contract, balanceQuery, { certificate: claimsBob }))).toBe(
      "QUERY_CERTIFICATE_INVALID",
    );
    const longer = { ...certificate, body: { ...certificate.body, expiresAtMs: certificate.body.expiresAtMs + 1n } };
    expect(refusal(s, handmade.body(ecdh, s.contract, balanceQuery, { certificate: longer }))).toBe(
      "QUERY_CERTIFICATE_INVALID",
    );
  });

  it("refuses a query not signed by the certificate's key (QUERY_SIGNATURE_INVALID)", () => {
    const s = setup();
    const handmade = new HandmadeQuery();
    const ecdh = s.worker.keys.ecdh.publicKey;
    const impostor = ed25519Generate().keypair;
    expect(refusal(s, handmade.body(ecdh, s.contract, balanceQuery, { signer: impostor }))).toBe(
      "QUERY_SIGNATURE_INVALID",
    );
    // A genuine query's signature does not cover another envelope.
    const genuine = signedQueryCodec.dec(handmade.body(ecdh, s.contract, balanceQuery));
    const other = signedQueryCodec.dec(handmade.body(ecdh, s.contract, utf8(JSON.stringify({ totalSupply: {} }))));
    expect(refusal(s, signedQueryCodec.enc({ ...genuine, envelope: other.envelope }))).toBe("QUERY_SIGNATURE_INVALID");
  });

  it("refuses a request sealed to another worker (QUERY_UNREADABLE)", () => {
    const s = setup();
    const elsewhere = new Worker(engine);
    const prepared = session().prepare(elsewhere.keys.ecdh.publicKey, s.contract, { balance: {} }, undefined, NOW);
    expect(refusal(s, prepared.body)).toBe("QUERY_UNREADABLE");
  });

  it("refuses a request sealed by another key than the certificate's ECDH key (QUERY_UNREADABLE)", () => {
    const s = setup();
    const handmade = new HandmadeQuery();
    const ecdh = s.worker.keys.ecdh.publicKey;
    expect(refusal(s, handmade.body(ecdh, s.contract, balanceQuery))).toBeUndefined();
    expect(refusal(s, handmade.body(ecdh, s.contract, balanceQuery, { sender: x25519Ephemeral() }))).toBe(
      "QUERY_UNREADABLE",
    );
  });

  it("answers a nonce once, whatever the certificate (QUERY_NONCE_REUSED), and a fresh nonce still works", () => {
    const s = setup();
    const alices = session();
    const prepared = alices.prepare(s.worker.keys.ecdh.publicKey, s.contract, { balance: {} }, undefined, NOW);
    expect(refusal(s, prepared.body)).toBeUndefined();
    expect(refusal(s, prepared.body)).toBe("QUERY_NONCE_REUSED");
    expect(ask(s, alices, { balance: {} })).toMatchObject({ ok: true });
    // Only the querier who chose a nonce knows it (it is sealed): under another certificate it is spent too.
    expect(errorCodeOf(() => ask(s, session(), { balance: {} }, { nonce: prepared.nonce }))).toBe("QUERY_NONCE_REUSED");
  });

  it("refuses a contract it does not run (QUERY_CONTRACT_NOT_FOUND), spending no nonce", () => {
    const s = setup();
    const alices = session();
    const nonce = freshNonce();
    const unknown = new Uint8Array(32).fill(0x77);
    expect(errorCodeOf(() => ask(s, alices, { balance: {} }, { contract: unknown, nonce }))).toBe(
      "QUERY_CONTRACT_NOT_FOUND",
    );
    expect(ask(s, alices, { balance: {} }, { nonce })).toEqual({ ok: true, output: { balance: "1000" } });
  });

  it("refuses a contract whose instantiation waits for the cluster key (QUERY_CONTRACT_UNAVAILABLE), spending no nonce", () => {
    const worker = new Worker(engine);
    const net = new ContractNet([worker]);
    const init = net.instantiate(token, alice.accountId, { supply: "1000" });
    net.deliver(init.message);
    const clock = { now: NOW };
    const s: Setup = { worker, net, contract: init.contract, service: serviceOf(worker, net, clock), clock };
    const alices = session();
    const nonce = freshNonce();
    expect(errorCodeOf(() => ask(s, alices, { balance: {} }, { nonce }))).toBe("QUERY_CONTRACT_UNAVAILABLE");
    net.shareClusterKey(worker);
    expect(ask(s, alices, { balance: {} }, { nonce })).toEqual({ ok: true, output: { balance: "1000" } });
  });

  it("limits each account's rate (QUERY_RATE_LIMITED), and queries with a bad signature spend none of it", () => {
    const s = setup({ ratePerSecond: 1 }); // a burst of 2
    const handmade = new HandmadeQuery(alice);
    const ecdh = s.worker.keys.ecdh.publicKey;
    const impostor = ed25519Generate().keypair;
    for (let i = 0; i < 3; i++) {
      expect(refusal(s, handmade.body(ecdh, s.contract, balanceQuery, { signer: impostor }))).toBe(
        "QUERY_SIGNATURE_INVALID",
      );
    }
    const alices = session();
    expect(ask(s, alices, { balance: {} })).toMatchObject({ ok: true });
    expect(refusal(s, handmade.body(ecdh, s.contract, balanceQuery))).toBeUndefined();
    expect(errorCodeOf(() => ask(s, alices, { balance: {} }))).toBe("QUERY_RATE_LIMITED");
    expect(ask(s, session(bob), { balance: {} })).toMatchObject({ ok: true });
    s.clock.now += 1000;
    expect(ask(s, alices, { balance: {} })).toMatchObject({ ok: true });
    expect(errorCodeOf(() => ask(s, alices, { balance: {} }))).toBe("QUERY_RATE_LIMITED");
  });
});

describe("QueryService: a query's age", () => {
  it("refuses a query issued over QUERY_MAX_AGE_MS before or ahead of its clock (QUERY_STALE), spending no nonce", () => {
    const s = setup();
    const handmade = new HandmadeQuery();
    const ecdh = s.worker.keys.ecdh.publicKey;
    const nonce = freshNonce();
    const aged = (issuedAtMs: number) =>
      refusal(s, handmade.body(ecdh, s.contract, balanceQuery, { nonce, issuedAtMs }));
    s.clock.now = NOW + QUERY_MAX_AGE_MS + 1;
    expect(aged(NOW)).toBe("QUERY_STALE");
    expect(aged(s.clock.now + QUERY_MAX_AGE_MS + 1)).toBe("QUERY_STALE");
    expect(aged(s.clock.now + QUERY_MAX_AGE_MS)).toBeUndefined();
  });

  it("refuses a query issued before the worker started: it may have answered it before a restart", () => {
    const s = setup({ startedAtMs: NOW + 1 });
    const handmade = new HandmadeQuery();
    const ecdh = s.worker.keys.ecdh.publicKey;
    expect(refusal(s, handmade.body(ecdh, s.contract, balanceQuery, { issuedAtMs: NOW }))).toBe("QUERY_STALE");
    expect(refusal(s, handmade.body(ecdh, s.contract, balanceQuery, { issuedAtMs: NOW + 1 }))).toBeUndefined();
  });

  it("refuses a replay as reused while the query is fresh, and as stale after", () => {
    const s = setup();
    const prepared = session().prepare(s.worker.keys.ecdh.publicKey, s.contract, { balance: {} }, undefined, NOW);
    expect(refusal(s, prepared.body)).toBeUndefined();
    s.clock.now = NOW + QUERY_MAX_AGE_MS;
    expect(refusal(s, prepared.body)).toBe("QUERY_NONCE_REUSED");
    s.clock.now = NOW + QUERY_MAX_AGE_MS + 1;
    expect(refusal(s, prepared.body)).toBe("QUERY_STALE");
  });
});

describe("QueryService: replays", () => {
  it("spends no rate on a query sent again by someone who saw it on the wire", () => {
    const s = setup({ ratePerSecond: 1 }); // a burst of 2
    const alices = session();
    const seen = alices.prepare(s.worker.keys.ecdh.publicKey, s.contract, { balance: {} }, undefined, NOW);
    expect(refusal(s, seen.body)).toBeUndefined();
    for (let i = 0; i < 3; i++) expect(refusal(s, seen.body)).toBe("QUERY_NONCE_REUSED");
    expect(ask(s, alices, { balance: {} })).toMatchObject({ ok: true });
  });
});

describe("QueryService: a query that never ends", () => {
  it("ends it on the query engine's time limit (QUERY_TIMEOUT); without one, gas ends it (CONTRACT_OUT_OF_GAS)", () => {
    const s = setup({ queryEngine: timedEngine });
    const init = s.net.instantiate(LOOPING_QUERY, alice.accountId, null);
    s.net.deliver(init.message);
    const started = performance.now();
    expect(errorCodeOf(() => ask(s, session(), null, { contract: init.contract }))).toBe("QUERY_TIMEOUT");
    expect(performance.now() - started).toBeLessThan(2000);
    // The engine still answers.
    expect(ask(s, session(), { balance: {} })).toMatchObject({ ok: true });

    const ungated = { ...s, service: serviceOf(s.worker, s.net, s.clock) };
    expect(ask(ungated, session(), null, { contract: init.contract })).toMatchObject({
      ok: false,
      error: { code: "CONTRACT_OUT_OF_GAS" },
    });
  });
});

describe("QueryService: answerAsync (Ed25519 on the thread pool)", () => {
  const askAsync = async ({ service, worker, contract }: Setup, s: QuerySession, request: unknown) => {
    const prepared = s.prepare(worker.keys.ecdh.publicKey, contract, request, undefined, NOW);
    const { body, signature } = await service.answerAsync(prepared.body);
    return s.open(body, signature, worker.id, prepared.nonce);
  };
  const asyncRefusal = (setup: Setup, body: Uint8Array) => asyncErrorCodeOf(() => setup.service.answerAsync(body));

  it("answers as answer does, sealed to the querier and signed by the worker's identity", async () => {
    const s = setup();
    expect(await askAsync(s, session(), { balance: {} })).toEqual({ ok: true, output: { balance: "1000" } });
    expect(await askAsync(s, session(bob), { balance: { of: aliceHex } })).toMatchObject({
      ok: false,
      error: { code: "CONTRACT_THREW" },
    });
  });

  it("refuses what answer refuses, before anything is spent", async () => {
    const s = setup({ ratePerSecond: 1 }); // a burst of 2
    const handmade = new HandmadeQuery();
    const ecdh = s.worker.keys.ecdh.publicKey;
    const nonce = freshNonce();
    const impostor = ed25519Generate().keypair;
    for (let i = 0; i < 3; i++) {
      expect(await asyncRefusal(s, handmade.body(ecdh, s.contract, balanceQuery, { nonce, signer: impostor }))).toBe(
        "QUERY_SIGNATURE_INVALID",
      );
    }
    expect(await asyncRefusal(s, new Uint8Array([1, 2, 3]))).toBe("QUERY_MALFORMED");
    const claimsBob = { ...handmade.certificate, body: { ...handmade.certificate.body, account: bob.accountId } };
    expect(await asyncRefusal(s, handmade.body(ecdh, s.contract, balanceQuery, { certificate: claimsBob }))).toBe(
      "QUERY_CERTIFICATE_INVALID",
    );
    const elsewhere = new Worker(engine).keys.ecdh.publicKey;
    expect(await asyncRefusal(s, handmade.body(elsewhere, s.contract, balanceQuery, { nonce }))).toBe(
      "QUERY_UNREADABLE",
    );
    // The nonce and the rate are still whole: two answers, then the rate is spent.
    expect(await asyncRefusal(s, handmade.body(ecdh, s.contract, balanceQuery, { nonce }))).toBeUndefined();
    expect(await asyncRefusal(s, handmade.body(ecdh, s.contract, balanceQuery))).toBeUndefined();
    expect(await asyncRefusal(s, handmade.body(ecdh, s.contract, balanceQuery))).toBe("QUERY_RATE_LIMITED");
  });

  it("spends a nonce once when copies of a query are checked at the same time", async () => {
    const s = setup();
    const prepared = session().prepare(s.worker.keys.ecdh.publicKey, s.contract, { balance: {} }, undefined, NOW);
    const outcomes = await Promise.allSettled([1, 2, 3].map(() => s.service.answerAsync(prepared.body)));
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    const refused = outcomes.flatMap((o) => (o.status === "rejected" ? [(o.reason as { code: string }).code] : []));
    expect(refused).toEqual(["QUERY_NONCE_REUSED", "QUERY_NONCE_REUSED"]);
  });

  it("refuses a certificate that expires while the query's signature is checked, spending no nonce", async () => {
    // The clock reads NOW + 999 when the query arrives, NOW + 1000 once its signature checked out.
    const readings = [NOW + 999, NOW + 1000];
    const s = setup({ now: () => readings.shift() ?? NOW, startedAtMs: NOW });
    const alices = session(alice, NOW, 1000);
    const prepared = alices.prepare(s.worker.keys.ecdh.publicKey, s.contract, { balance: {} }, undefined, NOW);
    expect(await asyncRefusal(s, prepared.body)).toBe("QUERY_CERTIFICATE_EXPIRED");
    expect(readings).toHaveLength(0);
    expect(await asyncRefusal(s, prepared.body)).toBeUndefined();
  });
});
