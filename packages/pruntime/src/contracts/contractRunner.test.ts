import { fileURLToPath } from "node:url";
import { ContractEngine, ContractError } from "@phala-ts/contracts";
import { buildContract } from "@phala-ts/contracts/build";
import {
  CONTRACT_COMMAND_PURPOSE,
  concatBytes,
  contractCommandCodec,
  contractOrigin,
  decodeEnvelope,
  devAccounts,
  encodeEnvelope,
  type Message,
  openCommandReply,
  type SealedCommand,
  sealEnvelope,
  Trie,
  toHex,
  utf8,
  verifySignedMessage,
  workerOrigin,
} from "@phala-ts/core";
import { beforeAll, describe, expect, it } from "vitest";
import { contractCode } from "../../../contracts/src/engine/contractCall.test-util.js";
import { errorCodeOf } from "../../../core/src/testing/errorCode.test-util.js";
import {
  ContractNet,
  type ContractReply,
  commandMessage,
  encodeSigned,
  GAS_LIMIT,
  type Sent,
  sameReplies,
  Worker,
} from "./contracts.test-util.js";
import { REFUSED_COMMAND_GAS } from "./runCommand.js";

const TOKEN_FILE = fileURLToPath(new URL("../../../../examples/private-token/contract.ts", import.meta.url));
/** A contract that can be told to run forever, allocate without bound or recurse without end. */
const HOSTILE = contractCode(`{
  init() { return null; },
  handle(command) {
    if (command === "loop") for (;;) {}
    if (command === "allocate") { const hoard = []; for (;;) hoard.push({ a: [1, 2, 3], b: hoard.length }); }
    if (command === "recurse") { const down = (n) => down(n + 1) + 1; return down(0); }
    return "pong";
  },
  query() { return "pong"; },
}`);

const sr = devAccounts("sr25519");
const [alice, bob] = [sr.Alice.accountId, sr.Bob.accountId];
const [aliceHex, bobHex] = [toHex(alice), toHex(bob)];

let engine: ContractEngine;
let token: string;
beforeAll(async () => {
  engine = await ContractEngine.create();
  token = (await buildContract(TOKEN_FILE)).code;
});

/** Two workers of one cluster, both holding its key. */
function cluster(): { net: ContractNet; w1: Worker; w2: Worker } {
  const [w1, w2] = [new Worker(engine), new Worker(engine)];
  const net = new ContractNet([w1, w2]);
  net.shareClusterKey(w1);
  net.shareClusterKey(w2);
  return { net, w1, w2 };
}

/** A token with a supply of 1000 minted to alice, instantiated on every worker in a block of its own. */
function deployToken(net: ContractNet): Uint8Array {
  const init = net.instantiate(token, alice, { supply: "1000" });
  net.deliver(init.message);
  net.endBlock();
  return init.contract;
}

/** Delivers to every worker in a block of its own; answers the reply they all owe for it (checked byte-identical). */
function run(net: ContractNet, sent: Sent): ContractReply {
  net.deliver(sent.message);
  net.endBlock();
  const reply = sameReplies(net).find((r) => toHex(r.contract) === toHex(sent.contract) && r.index === sent.index);
  expect(reply, `a reply to command ${sent.index}`).toBeDefined();
  return reply!;
}

const transfer = (to: string, amount: string) => ({ transfer: { to, amount } });
const storageOf = (w: Worker, contract: Uint8Array) => w.runner.instance(contract)!.storage.all();

describe("ContractRunner: commands in a cluster of two workers", () => {
  it("instantiates and runs commands on both workers, which owe byte-identical replies the caller opens", () => {
    const { net, w1, w2 } = cluster();
    const init = net.instantiate(token, alice, { supply: "1000" });
    const initReply = run(net, init);
    expect(initReply).toMatchObject({ index: 0n, succeeded: true });
    expect(initReply.gasUsed).toBeGreaterThan(0n);
    expect(net.open(initReply, init)).toEqual({ ok: true, output: null, events: [] });

    const toBob = net.command(init.contract, alice, transfer(bobHex, "10"));
    const reply = run(net, toBob);
    expect(reply).toMatchObject({ contract: init.contract, index: 1n, succeeded: true });
    // The transfer's event is addressed to bob: alice's reply does not show it.
    expect(net.open(reply, toBob)).toEqual({ ok: true, output: { balance: "990" }, events: [] });
    const toSelf = net.command(init.contract, bob, transfer(bobHex, "4"));
    expect(net.open(run(net, toSelf), toSelf)).toEqual({
      ok: true,
      output: { balance: "10" },
      events: [{ data: { transfer: { from: bobHex, to: bobHex, amount: "4" } }, to: bobHex }],
    });

    // The replies go out under the Contract origin, signed by the contract's key, one message a block.
    const contractKeys = net.contractKeys(init.contract);
    const owed = net.replies(w1);
    expect(owed.map((r) => r.signed.sequence)).toEqual([0n, 1n, 2n]);
    for (const { signed } of owed) {
      expect(signed.message.sender).toEqual(contractOrigin(init.contract));
      expect(verifySignedMessage(signed, contractKeys.pubkey)).toBe(true);
    }
    // The reply key opens its own reply only, and the reply shows the contract's key sealed it.
    expect(errorCodeOf(() => openCommandReply(reply.sealedReply, init.sealed.replyKey))).toBe(
      "COMMAND_REPLY_UNREADABLE",
    );
    expect(
      errorCodeOf(() => openCommandReply(reply.sealedReply, toBob.sealed.replyKey, net.clusterKeys.ecdhPubkey)),
    ).toBe("COMMAND_REPLY_UNREADABLE");

    for (const w of [w1, w2]) {
      expect(Object.fromEntries(storageOf(w, init.contract))).toEqual({
        supply: "1000",
        [`balance/${aliceHex}`]: "990",
        [`balance/${bobHex}`]: "10",
      });
    }
    // Once the chain took them, nothing is owed any more.
    net.state.ingress(contractOrigin(init.contract), 3n);
    for (const w of [w1, w2]) w.egress.purge(net.state);
    expect(net.replies(w1)).toEqual([]);
  });

  it("answers a command the contract refuses with succeeded=false and the reason for the caller, changing nothing", () => {
    const { net, w1 } = cluster();
    const contract = deployToken(net);
    const before = storageOf(w1, contract);
    const tooMuch = net.command(contract, alice, transfer(bobHex, "5000"));
    const reply = run(net, tooMuch);
    expect(reply).toMatchObject({ index: 1n, succeeded: false });
    expect(reply.gasUsed).toBeGreaterThan(0n);
    expect(net.open(reply, tooMuch)).toEqual({
      ok: false,
      error: { code: "CONTRACT_THREW", message: "Error: insufficient balance" },
    });
    expect(storageOf(w1, contract)).toEqual(before);
  });

  it("answers COMMAND_UNREADABLE (or COMMAND_NOT_JSON) to a command sealed to another key, altered or not JSON, changing nothing", () => {
    const { net, w1, w2 } = cluster();
    const contract = deployToken(net);
    const before = storageOf(w1, contract);
    const refusal = (code: string) => ({ ok: false, error: { code, message: expect.any(String) } });
    const cases: [string, Parameters<ContractNet["command"]>[3], string][] = [
      ["sealed to the cluster's key", { sealTo: net.clusterKeys.ecdhPubkey }, "COMMAND_UNREADABLE"],
      ["sealed to a worker's key", { sealTo: w1.keys.ecdh.publicKey }, "COMMAND_UNREADABLE"],
      ["altered", { envelope: ({ envelope }) => flipLastCiphertextByte(envelope) }, "COMMAND_UNREADABLE"],
      [
        "not JSON",
        { envelope: (sealed) => sealedPlaintext(net, contract, sealed, utf8("{transfer")) },
        "COMMAND_NOT_JSON",
      ],
    ];
    for (const [what, options, code] of cases) {
      const sent = net.command(contract, alice, transfer(bobHex, "10"), options);
      const reply = run(net, sent);
      expect({ what, succeeded: reply.succeeded, gasUsed: reply.gasUsed }).toEqual({
        what,
        succeeded: false,
        gasUsed: BigInt(REFUSED_COMMAND_GAS),
      });
      expect(net.open(reply, sent), what).toEqual(refusal(code));
    }
    // Not even an envelope: there is no key to answer to.
    const garbage = net.command(contract, alice, null, { envelope: () => new Uint8Array([1, 2, 3]) });
    expect(run(net, garbage)).toMatchObject({ succeeded: false, sealedReply: new Uint8Array() });
    for (const w of [w1, w2]) expect(storageOf(w, contract)).toEqual(before);
    // Each took its index: the next command is the contract's next one and runs.
    const next = net.command(contract, alice, transfer(bobHex, "10"));
    expect(net.open(run(net, next), next)).toMatchObject({ ok: true, output: { balance: "990" } });
  });

  it("refuses with COMMAND_NOT_QUEUED a command the chain did not queue from this caller with this gas limit, changing nothing", () => {
    const { net, w1, w2 } = cluster();
    const contract = deployToken(net);
    const queued = net.command(contract, alice, transfer(bobHex, "10"));
    const command = contractCommandCodec.dec(queued.message.payload);
    const ghost = new Uint8Array(32).fill(0x99);
    net.state.pendingCommand(ghost, 0n, alice, GAS_LIMIT); // queued, yet not a contract the chain knows
    const forged: Record<string, Message> = {
      "from another account than the pending caller": commandMessage(bob, command),
      "with another gas limit": commandMessage(alice, { ...command, gasLimit: GAS_LIMIT + 1n }),
      "at an index the chain has not queued": commandMessage(alice, { ...command, index: 2n }),
      "on another contract's topic": commandMessage(alice, command, ghost),
      "to a contract the chain does not know": commandMessage(alice, { ...command, contract: ghost, index: 0n }),
    };
    const owedBefore = net.replies(w1).map((r) => encodeSigned(r.signed));
    for (const [what, message] of Object.entries(forged)) {
      for (const w of [w1, w2])
        expect(
          errorCodeOf(() => net.deliver(message, [w])),
          what,
        ).toBe("COMMAND_NOT_QUEUED");
    }
    expect(net.replies(w1).map((r) => encodeSigned(r.signed))).toEqual(owedBefore);
    expect(w1.runner.instance(ghost)).toBeUndefined();
    expect(w1.runner.instance(contract)!.nextIndex).toBe(1n);
    expect(Object.fromEntries(storageOf(w1, contract))).toEqual({ supply: "1000", [`balance/${aliceHex}`]: "1000" });
    // The command the chain did queue still runs.
    expect(net.open(run(net, queued), queued)).toMatchObject({ ok: true, output: { balance: "990" } });
  });

  it("refuses a command out of order (COMMAND_OUT_OF_ORDER) and still runs the contract's next one", () => {
    const { net, w1, w2 } = cluster();
    const init = net.instantiate(token, alice, { supply: "1000" });
    net.deliver(init.message);
    net.endBlock();
    const [first, second] = [
      net.command(init.contract, alice, transfer(bobHex, "1")),
      net.command(init.contract, alice, transfer(bobHex, "2")),
    ];
    for (const w of [w1, w2]) {
      expect(errorCodeOf(() => net.deliver(second.message, [w]))).toBe("COMMAND_OUT_OF_ORDER");
      expect(errorCodeOf(() => net.deliver(init.message, [w]))).toBe("COMMAND_OUT_OF_ORDER");
    }
    expect(net.replies(w1).map((r) => r.reply.index)).toEqual([0n]);
    expect(net.open(run(net, first), first)).toMatchObject({ output: { balance: "999" } });
    expect(net.open(run(net, second), second)).toMatchObject({ output: { balance: "997" } });
    expect(net.replies(w2).map((r) => r.reply.index)).toEqual([0n, 1n, 2n]);
  });
});

describe("ContractRunner: replies wait for the contract's published key", () => {
  it("owes nothing for a contract until the chain holds its key (it would refuse them as BadSender), then owes all", () => {
    const { net, w1, w2 } = cluster();
    const init = net.instantiate(token, alice, { supply: "1000" });
    net.state.contractKeys(init.contract, undefined);
    net.deliver(init.message);
    net.endBlock();
    for (const w of [w1, w2]) {
      expect(w.runner.status()[0]).toMatchObject({ executed: "1" });
      expect(net.replies(w)).toEqual([]);
    }
    // A key that is not the one the cluster derived is no better.
    net.state.contractKeys(init.contract, net.contractKeys(net.instantiate(token, alice, null).contract));
    expect(net.replies(w1)).toEqual([]);
    net.state.contractKeys(init.contract, net.contractKeys(init.contract));
    expect(sameReplies(net).map((r) => r.index)).toEqual([0n]);
  });
});

describe("ContractRunner: state roots", () => {
  it("reports at a block's end one root per contract that ran, from the worker's own origin, the same on both workers", () => {
    const { net, w1, w2 } = cluster();
    const [initA, initB] = [1, 2].map(() => net.instantiate(token, alice, { supply: "1000" }));
    const [a, b] = [initA!.contract, initB!.contract];
    for (const sent of [initA!, initB!, net.command(a, alice, transfer(bobHex, "10"))]) net.deliver(sent.message);
    for (const w of [w1, w2]) expect(net.stateRoots(w)).toEqual([]);
    net.endBlock();

    const rootsOf = (w: Worker) => net.stateRoots(w).map((r) => r.report);
    expect(rootsOf(w1)).toEqual([
      { contract: a, index: 1n, stateRoot: w1.runner.instance(a)!.stateRoot() },
      // Storage only (no event yet): the V1 trie over its keys tagged 0x01.
      { contract: b, index: 0n, stateRoot: storageRoot({ supply: "1000", [`balance/${aliceHex}`]: "1000" }) },
    ]);
    expect(rootsOf(w1)[0]!.stateRoot).not.toEqual(rootsOf(w1)[1]!.stateRoot);
    expect(rootsOf(w2)).toEqual(rootsOf(w1));
    for (const w of [w1, w2]) {
      for (const [sequence, { signed }] of net.stateRoots(w).entries()) {
        expect(signed.message.sender).toEqual(workerOrigin(w.id));
        expect(signed.sequence).toBe(BigInt(sequence));
        expect(verifySignedMessage(signed, w.id)).toBe(true);
      }
    }

    // A block where only b runs reports b alone; a block where nothing ran reports nothing.
    run(net, net.command(b, alice, transfer(bobHex, "1")));
    const reported = rootsOf(w1).slice(2);
    expect(reported.map((r) => [toHex(r.contract), r.index])).toEqual([[toHex(b), 1n]]);
    expect(rootsOf(w2).slice(2)).toEqual(reported);
    net.endBlock();
    expect(rootsOf(w1)).toHaveLength(3);
  });
});

describe("ContractRunner: membership and the cluster key", () => {
  it("ignores commands as a worker outside the cluster, and stops running a contract once it leaves", () => {
    const [w1, w2, outsider] = [new Worker(engine), new Worker(engine), new Worker(engine)];
    const net = new ContractNet([w1, w2, outsider], [w1, w2]);
    net.shareClusterKey(w1);
    net.shareClusterKey(w2);
    const contract = deployToken(net);
    net.deliver(net.command(contract, alice, transfer(bobHex, "10")).message);
    net.endBlock();
    expect(outsider.runner.status()).toEqual([]);
    expect(outsider.egress.pending(net.state)).toEqual([]);
    expect(sameReplies(net, [w1, w2])).toHaveLength(2);

    // w2 leaves: it runs nothing more of the contract, even if listed again later.
    net.state.cluster(net.cluster, [w1.id]);
    const later = net.command(contract, alice, transfer(bobHex, "5"));
    net.deliver(later.message);
    net.state.cluster(net.cluster, [w1.id, w2.id]);
    const again = net.command(contract, alice, transfer(bobHex, "5"));
    net.deliver(again.message);
    net.endBlock();
    expect(net.replies(w1).map((r) => r.reply.index)).toEqual([0n, 1n, 2n, 3n]);
    expect(net.replies(w2).map((r) => r.reply.index)).toEqual([0n, 1n]);
    expect(w2.runner.instance(contract)!.unavailable).toMatch(/left the contract's cluster/);
    expect(Object.fromEntries(storageOf(w2, contract))).toMatchObject({ [`balance/${bobHex}`]: "10" });
    expect(Object.fromEntries(storageOf(w1, contract))).toMatchObject({ [`balance/${bobHex}`]: "20" });
  });

  it("keeps commands that arrive before the cluster key and runs them when the key arrives, with the same replies", () => {
    const [w1, late] = [new Worker(engine), new Worker(engine)];
    const net = new ContractNet([w1, late]);
    net.shareClusterKey(w1);
    const init = net.instantiate(token, alice, { supply: "1000" });
    net.deliver(init.message);
    const toBob = net.command(init.contract, alice, transfer(bobHex, "10"));
    net.deliver(toBob.message);
    net.endBlock();
    expect(net.replies(w1)).toHaveLength(2);
    expect(late.egress.pending(net.state)).toEqual([]);
    expect(late.runner.instance(init.contract)!.backlog).toHaveLength(2);

    net.shareClusterKey(late);
    net.endBlock([late]);
    const [initReply, reply] = sameReplies(net);
    expect(net.open(initReply!, init)).toMatchObject({ ok: true });
    expect(net.open(reply!, toBob)).toMatchObject({ ok: true, output: { balance: "990" } });
    expect(storageOf(late, init.contract)).toEqual(storageOf(w1, init.contract));
    expect(late.runner.instance(init.contract)!.backlog).toEqual([]);
    // Its root, reported at the end of the block the key came in, is the one w1 reported.
    expect(net.stateRoots(late).map((r) => r.report)).toEqual(net.stateRoots(w1).map((r) => r.report));
  });

  it("answers the commands of a block in one message, cut by the blocks that queued them, however late a worker runs them", () => {
    const [w1, late] = [new Worker(engine), new Worker(engine)];
    const net = new ContractNet([w1, late]);
    net.shareClusterKey(w1);
    const init = net.instantiate(token, alice, { supply: "1000" });
    const blocks = [
      [init, net.command(init.contract, alice, transfer(bobHex, "1"))],
      [1, 2, 3].map((n) => net.command(init.contract, alice, transfer(bobHex, String(n)))),
    ];
    for (const block of blocks) {
      for (const sent of block) net.deliver(sent.message);
      net.endBlock();
    }
    const byMessage = (w: Worker) => net.replies(w).map((r) => [r.signed.sequence, r.reply.index]);
    expect(byMessage(w1)).toEqual([
      [0n, 0n],
      [0n, 1n],
      [1n, 2n],
      [1n, 3n],
      [1n, 4n],
    ]);
    // All five run in the block the key comes in: the same two messages. The first block's is
    // owed once a command of a later block ran, the last one's at the end of the block.
    net.shareClusterKey(late);
    expect(byMessage(late)).toEqual(byMessage(w1).slice(0, 2));
    net.endBlock([late]);
    expect(sameReplies(net)).toHaveLength(5);
    expect(byMessage(late)).toEqual(byMessage(w1));
  });

  it("resumes from saved state: a restored worker owes the same replies, continues alike, and keeps its backlog", () => {
    const [w1, w2, late] = [new Worker(engine), new Worker(engine), new Worker(engine)];
    const net = new ContractNet([w1, w2, late]);
    net.shareClusterKey(w1);
    net.shareClusterKey(w2);
    const contract = deployToken(net);
    net.deliver(net.command(contract, alice, transfer(bobHex, "10")).message);

    const [w2r, later] = [w2.restarted(engine), late.restarted(engine)];
    expect(net.replies(w2r).map((r) => encodeSigned(r.signed))).toEqual(
      net.replies(w1).map((r) => encodeSigned(r.signed)),
    );
    expect(storageOf(w2r, contract)).toEqual(storageOf(w1, contract));
    expect(later.runner.instance(contract)!.backlog).toHaveLength(2);

    net.workers.splice(0, net.workers.length, w1, w2r, later);
    const next = net.command(contract, bob, transfer(aliceHex, "3"));
    net.deliver(next.message);
    net.shareClusterKey(later);
    net.endBlock();
    const replies = sameReplies(net);
    expect(replies.map((r) => r.index)).toEqual([0n, 1n, 2n]);
    expect(net.open(replies[2]!, next)).toMatchObject({ ok: true, output: { balance: "7" } });
    for (const w of [w2r, later]) expect(storageOf(w, contract)).toEqual(storageOf(w1, contract));
  });
});

describe("ContractRunner: hostile contracts", () => {
  it("ends a loop, an unbounded allocation and unbounded recursion, changing nothing, and runs the next contract's command", () => {
    const { net, w1, w2 } = cluster();
    const tokenContract = deployToken(net);
    const hostile = net.instantiate(HOSTILE, alice, null);
    expect(run(net, hostile)).toMatchObject({ succeeded: true });
    const cases: [string, bigint, string][] = [
      ["loop", 2_000_000n, "CONTRACT_OUT_OF_GAS"],
      ["allocate", 50_000_000n, "CONTRACT_OUT_OF_MEMORY"],
      ["recurse", GAS_LIMIT, "CONTRACT_STACK_OVERFLOW"],
    ];
    for (const [command, gasLimit, code] of cases) {
      const sent = net.command(hostile.contract, alice, command, { gasLimit });
      const reply = run(net, sent);
      expect({ command, succeeded: reply.succeeded }).toEqual({ command, succeeded: false });
      expect(reply.gasUsed).toBeGreaterThan(0n);
      expect(reply.gasUsed).toBeLessThanOrEqual(gasLimit);
      if (code === "CONTRACT_OUT_OF_GAS") expect(reply.gasUsed).toBe(gasLimit);
      expect(net.open(reply, sent)).toMatchObject({ ok: false, error: { code } });
    }
    for (const w of [w1, w2]) expect(storageOf(w, hostile.contract)).toEqual([]);
    const after = net.command(tokenContract, alice, transfer(bobHex, "10"));
    expect(net.open(run(net, after), after)).toMatchObject({ ok: true, output: { balance: "990" } });
  });
});

/** The root of a contract state with these storage entries and no events. */
function storageRoot(entries: Record<string, string>): Uint8Array {
  const tagged = Object.entries(entries).map(
    ([key, value]) => [concatBytes(Uint8Array.of(1), utf8(key)), utf8(value)] as const,
  );
  return Trie.fromEntries(tagged, "V1").root();
}

/** The same envelope with one ciphertext byte flipped (the sender key, and so the reply's recipient, intact). */
function flipLastCiphertextByte(bytes: Uint8Array): Uint8Array {
  const envelope = decodeEnvelope(bytes);
  const ciphertext = envelope.ciphertext.slice();
  ciphertext[ciphertext.length - 1]! ^= 1;
  return encodeEnvelope({ ...envelope, ciphertext });
}

/** `plaintext` sealed as a command to the contract's key, from the command's reply key. */
function sealedPlaintext(net: ContractNet, contract: Uint8Array, sealed: SealedCommand, plaintext: Uint8Array) {
  return encodeEnvelope(
    sealEnvelope({
      recipientPublic: net.contractKeys(contract).ecdhPubkey,
      purpose: CONTRACT_COMMAND_PURPOSE,
      plaintext,
      senderSecret: sealed.replyKey,
    }),
  );
}

describe("ContractRunner: engine faults", () => {
  /** The shared engine, until told to fail with `code`. */
  function flakyEngine() {
    const state = { failWith: undefined as "CONTRACT_ENGINE_FAULT" | "CONTRACT_ENGINE_UNAVAILABLE" | undefined };
    const flaky = {
      run: (call: Parameters<ContractEngine["run"]>[0]) => {
        if (state.failWith !== undefined) throw new ContractError(state.failWith, "the engine failed");
        return engine.run(call);
      },
    } as unknown as ContractEngine;
    return { flaky, state };
  }

  it("waits while the engine reloads, without counting it against the contract", () => {
    const { flaky, state } = flakyEngine();
    const worker = new Worker(flaky);
    const net = new ContractNet([worker]);
    net.shareClusterKey(worker);
    const token = deployToken(net);
    state.failWith = "CONTRACT_ENGINE_UNAVAILABLE";
    for (let i = 0; i < 5; i++) {
      net.deliver(net.command(token, alice, transfer(bobHex, "1")).message);
      net.endBlock();
    }
    expect(worker.runner.status()[0]).toMatchObject({ executed: "1", waiting: 5, unavailable: null });
    state.failWith = undefined;
    net.endBlock();
    expect(worker.runner.status()[0]).toMatchObject({ executed: "6", waiting: 0, unavailable: null });
    // Run in one block, the waiting commands are still answered one message for each block that queued them.
    expect(net.replies(worker).map((r) => [r.signed.sequence, r.reply.index])).toEqual(
      [0n, 1n, 2n, 3n, 4n, 5n].map((i) => [i, i]),
    );
  });

  it("gives a contract up after repeated faults, and reports the root at the last command it ran", () => {
    const { flaky, state } = flakyEngine();
    const worker = new Worker(flaky);
    const net = new ContractNet([worker]);
    net.shareClusterKey(worker);
    const token = deployToken(net);
    net.deliver(net.command(token, alice, transfer(bobHex, "1")).message);
    state.failWith = "CONTRACT_ENGINE_FAULT";
    for (let i = 0; i < 3; i++) net.deliver(net.command(token, alice, transfer(bobHex, "1")).message);
    net.endBlock();
    expect(worker.runner.status()[0]).toMatchObject({ executed: "2", waiting: 0 });
    expect(worker.runner.status()[0]!.unavailable).toMatch(/failed 3 times on command 2/);
    expect(net.stateRoots(worker).map((r) => r.report.index)).toEqual([0n, 1n]);
    // Command 1 ran, but its block's other commands did not: it owes no part of that block's message,
    // which would take the sequence under which healthy workers owe the whole of it.
    expect(net.replies(worker).map((r) => r.reply.index)).toEqual([0n]);
  });
});
