import {
  COMMAND_REPLIES_TOPIC,
  type CommandReply,
  commandRepliesCodec,
  contractCodeKey,
  contractOrigin,
  MAX_REPLIES_PER_MESSAGE,
  type MessageOrigin,
  pendingCommandCodec,
  pendingCommandKey,
  STATE_ROOT_TOPIC,
  stateRootReportCodec,
  topicToString,
  workerOrigin,
} from "@phala-ts/core";
import { describe, expect, it } from "vitest";
import { balancesStorage, EXISTENTIAL_DEPOSIT, PHA } from "./balances.js";
import { alice, bob, GATEKEEPER, labelOf } from "./keyHierarchy.test-util.js";
import { commandWeight } from "./phatCommands.js";
import {
  GAS_PRICE,
  MAX_COMMAND_BYTES,
  MAX_GAS_PER_COMMAND,
  MAX_REPLY_BYTES,
  phatContractsHandlers,
  phatContractsStorage as storage,
} from "./phatContracts.js";
import {
  CONTRACT_SEED_FILL,
  cluster0,
  codeHash,
  contractKey,
  master,
  phatEvent,
  setupPhat,
  w1,
  w2,
  w3,
} from "./phatContracts.test-util.js";
import { systemStorage } from "./system.js";

const GAS = 1_000_000n;
const DEPOSIT = GAS * GAS_PRICE + 5_000n;
const ARGS = new Uint8Array(40).fill(0xa1);

/** A chain with a funded Alice and Bob, and Alice's contract (init queued as command 0) with published keys. */
function deployed() {
  const chain = setupPhat();
  chain.ready();
  chain.fund(alice, 10n * PHA);
  chain.fund(bob, 10n * PHA);
  const contract = chain.instantiate(alice, { args: ARGS, gasLimit: GAS, deposit: DEPOSIT });
  chain.publishContractKeys(contract);
  const push = (who: Uint8Array, terms: { payload?: Uint8Array; gasLimit?: bigint; deposit?: bigint } = {}) => {
    const { payload = Uint8Array.of(0xc0), gasLimit = GAS, deposit = DEPOSIT } = terms;
    chain.phatAs(who, "pushCommand", { contractId: contract, payload, gasLimit, deposit });
  };
  /** The contract's cluster reports `batch` in one message (by default as the contract, signed by its key). */
  const replies = (batch: Partial<CommandReply>[], sender = contractOrigin(contract), signer = contractKey) => {
    const full = batch.map(
      (fields): CommandReply => ({
        index: 0n,
        succeeded: true,
        gasUsed: 0n,
        sealedReply: Uint8Array.of(0xee),
        ...fields,
      }),
    );
    return chain.relay(signer, sender, COMMAND_REPLIES_TOPIC, commandRepliesCodec.enc({ contract, replies: full }));
  };
  const reply = (fields: Partial<CommandReply> = {}, sender?: MessageOrigin, signer?: typeof contractKey) =>
    replies([fields], sender, signer);
  /** The command and state root events among a relay's events. */
  const phatOnly = (events: readonly unknown[]) =>
    (events as { type: string; value: unknown }[]).filter((e) =>
      ["Command", "StateRoot"].some((prefix) => e.type.startsWith(prefix)),
    );
  return { ...chain, contract, push, reply, replies, phatOnly };
}

const pending = (caller: Uint8Array, gasLimit = GAS, deposit = DEPOSIT) => ({ caller, gasLimit, deposit });
const reasonValue = (reason: string) => ({ type: reason, value: undefined });
const replyRefused = (contract: Uint8Array, index: bigint, reason: string) => ({
  type: "CommandReplyRefused",
  value: { contract, index, reason: reasonValue(reason) },
});

describe("PhalaPhatContracts instantiate with init args, gas and a deposit", () => {
  it("reserves the deposit and queues the sealed args as command 0 from the deployer's account", () => {
    const { exec, ready, fund, balance, instantiate, phatEvents, queuedCommands } = setupPhat();
    ready();
    fund(alice, 10n * PHA);
    const contract = instantiate(alice, { args: ARGS, gasLimit: GAS, deposit: DEPOSIT });
    expect(balance(alice)).toEqual({ free: 10n * PHA - DEPOSIT, reserved: DEPOSIT });
    expect(queuedCommands(contract)).toEqual([
      {
        sender: { type: "AccountId", value: alice },
        command: { contract, index: 0n, gasLimit: GAS, envelope: ARGS },
      },
    ]);
    expect(storage.PendingCommands.get(exec.state, [contract, 0n])).toEqual(pending(alice));
    expect(storage.CommandCounter.get(exec.state, contract)).toBe(1n);
    expect(phatEvents().slice(-2)).toEqual([
      phatEvent("ContractInstantiated", { contract, cluster: cluster0, deployer: alice, codeHash }),
      phatEvent("CommandPushed", { contract, index: 0n, caller: alice }),
    ]);
  });

  it("refuses oversized args, too much gas, a short deposit and an unfunded deployer, with no effect", () => {
    const { exec, ready, fund, balance, instantiate } = setupPhat();
    ready();
    fund(alice, 10n * PHA);
    const attempt = (terms: Parameters<typeof instantiate>[1]) => labelOf(() => instantiate(alice, terms));
    expect(attempt({ args: new Uint8Array(MAX_COMMAND_BYTES + 1) })).toBe("PhalaPhatContracts.CommandTooLarge");
    expect(attempt({ gasLimit: MAX_GAS_PER_COMMAND + 1n, deposit: 10n * PHA })).toBe(
      "PhalaPhatContracts.GasLimitTooHigh",
    );
    expect(attempt({ gasLimit: GAS, deposit: GAS * GAS_PRICE - 1n })).toBe("PhalaPhatContracts.InsufficientDeposit");
    expect(attempt({ gasLimit: GAS, deposit: 10n * PHA + 1n })).toBe("Balances.InsufficientBalance");
    expect(labelOf(() => instantiate(bob, { gasLimit: GAS, deposit: DEPOSIT }))).toBe("Balances.InsufficientBalance");
    expect(storage.Contracts.entries(exec.state)).toEqual([]);
    expect(storage.PendingCommands.entries(exec.state)).toEqual([]);
    expect(balance(alice)).toEqual({ free: 10n * PHA, reserved: 0n });

    // The limits themselves are accepted: the largest args still fit in one mq message.
    const contract = instantiate(alice, {
      args: new Uint8Array(MAX_COMMAND_BYTES),
      gasLimit: MAX_GAS_PER_COMMAND,
      deposit: MAX_GAS_PER_COMMAND * GAS_PRICE,
    });
    expect(storage.PendingCommands.get(exec.state, [contract, 0n])?.gasLimit).toBe(MAX_GAS_PER_COMMAND);
    expect(balance(alice).reserved).toBe(MAX_GAS_PER_COMMAND * GAS_PRICE);
    expect(MAX_GAS_PER_COMMAND * GAS_PRICE).toBeLessThan(PHA / 10n);
  });
});

describe("PhalaPhatContracts push_command", () => {
  it("queues a command sealed to a contract with published keys, from the caller's account", () => {
    const { exec, phatAs, fund, instantiate, publishContractKeys, balance, phatEvents, ready, root, queuedCommands } =
      setupPhat();
    ready();
    fund(alice, 10n * PHA);
    fund(bob, 10n * PHA);
    const contract = instantiate(alice);
    const push = (terms: { contractId?: Uint8Array; payload?: Uint8Array; gasLimit?: bigint; deposit?: bigint }) =>
      labelOf(() =>
        phatAs(bob, "pushCommand", {
          contractId: contract,
          payload: Uint8Array.of(1),
          gasLimit: GAS,
          deposit: DEPOSIT,
          ...terms,
        }),
      );
    expect(push({ contractId: new Uint8Array(32).fill(9) })).toBe("PhalaPhatContracts.ContractNotFound");
    expect(push({})).toBe("PhalaPhatContracts.ContractKeysNotReady");
    publishContractKeys(contract);
    expect(push({ payload: new Uint8Array(MAX_COMMAND_BYTES + 1) })).toBe("PhalaPhatContracts.CommandTooLarge");
    expect(push({ gasLimit: MAX_GAS_PER_COMMAND + 1n, deposit: 10n * PHA })).toBe("PhalaPhatContracts.GasLimitTooHigh");
    expect(push({ deposit: GAS * GAS_PRICE - 1n })).toBe("PhalaPhatContracts.InsufficientDeposit");
    expect(push({ deposit: 11n * PHA })).toBe("Balances.InsufficientBalance");
    const args = { contractId: contract, payload: Uint8Array.of(1), gasLimit: 0n, deposit: 0n };
    expect(labelOf(() => root("PhalaPhatContracts", "pushCommand", args))).toBe("BadOrigin");
    expect(storage.CommandCounter.get(exec.state, contract)).toBe(1n);
    expect(balance(bob)).toEqual({ free: 10n * PHA, reserved: 0n });

    const payload = new Uint8Array(MAX_COMMAND_BYTES).fill(0xc1);
    phatAs(bob, "pushCommand", { contractId: contract, payload, gasLimit: GAS, deposit: DEPOSIT });
    expect(phatEvents().at(-1)).toEqual(phatEvent("CommandPushed", { contract, index: 1n, caller: bob }));
    expect(balance(bob)).toEqual({ free: 10n * PHA - DEPOSIT, reserved: DEPOSIT });
    expect(storage.PendingCommands.get(exec.state, [contract, 1n])).toEqual(pending(bob));
    expect(storage.CommandCounter.get(exec.state, contract)).toBe(2n);
    expect(queuedCommands(contract).at(-1)).toEqual({
      sender: { type: "AccountId", value: bob },
      command: { contract, index: 1n, gasLimit: GAS, envelope: payload },
    });
  });

  it("numbers commands in order, and weighs them by their length", () => {
    const { exec, push, queuedCommands, contract } = deployed();
    push(bob);
    push(alice, { gasLimit: 0n, deposit: 0n });
    push(bob, { gasLimit: 7n, deposit: 70n });
    expect(
      queuedCommands(contract).map(({ sender, command }) => [sender.value, command.index, command.gasLimit]),
    ).toEqual([
      [alice, 0n, GAS],
      [bob, 1n, GAS],
      [alice, 2n, 0n],
      [bob, 3n, 7n],
    ]);
    expect(storage.CommandCounter.get(exec.state, contract)).toBe(4n);
    expect(storage.PendingCommands.get(exec.state, [contract, 2n])).toEqual(pending(alice, 0n, 0n));
    const small = commandWeight(5n, 4n, Uint8Array.of(1)).refTime;
    const large = commandWeight(5n, 4n, new Uint8Array(MAX_COMMAND_BYTES)).refTime;
    expect(large).toBeGreaterThan(small);
    expect(commandWeight(5n, 4n, new Uint8Array(MAX_COMMAND_BYTES * 2)).refTime).toBe(large);
  });
});

describe("PhalaPhatContracts command replies", () => {
  it("burns the gas used from the deposit, returns the rest, and hands the sealed reply to the caller", () => {
    const { exec, contract, reply, balance, phatOnly } = deployed();
    const sealedReply = new Uint8Array(MAX_REPLY_BYTES).fill(0x5e);
    const { events } = reply({ index: 0n, gasUsed: 400_000n, succeeded: false, sealedReply });
    const fee = 400_000n * GAS_PRICE;
    expect(phatOnly(events)).toEqual([
      { type: "CommandExecuted", value: { contract, index: 0n, succeeded: false, gasUsed: 400_000n, fee } },
      { type: "CommandReplySealed", value: { contract, index: 0n, caller: alice, sealedReply } },
    ]);
    expect(balance(alice)).toEqual({ free: 10n * PHA - fee, reserved: 0n });
    expect(events).toContainEqual({ type: "Unreserved", value: { who: alice, amount: DEPOSIT } });
    expect(events).toContainEqual({ type: "Withdraw", value: { who: alice, amount: fee } });
    expect(storage.PendingCommands.get(exec.state, [contract, 0n])).toBeUndefined();
  });

  it("burns the fee out of total issuance, and charges no more than the gas limit", () => {
    const { exec, contract, push, reply, balance, phatOnly } = deployed();
    push(bob, { gasLimit: 1_000n, deposit: 1_000n * GAS_PRICE + 1n });
    const issuanceBefore = totalIssuance(exec);
    const { events } = reply({ index: 1n, gasUsed: 1_000_000_000n });
    const fee = 1_000n * GAS_PRICE;
    expect(phatOnly(events)[0]).toEqual({
      type: "CommandExecuted",
      value: { contract, index: 1n, succeeded: true, gasUsed: 1_000_000_000n, fee },
    });
    expect(balance(bob)).toEqual({ free: 10n * PHA - fee, reserved: 0n });
    expect(totalIssuance(exec)).toBe(issuanceBefore - fee);
  });

  it("takes what is left when the caller's balance shrank, and never fails the message", () => {
    const { exec, contract, push, reply, balance, phatOnly } = deployed();
    const setBalance = (who: Uint8Array, free: bigint, reserved: bigint, frozen = 0n) => {
      const account = systemStorage.Account.get(exec.state, who);
      systemStorage.Account.set(exec.state, who, { ...account, data: { ...account.data, free, reserved, frozen } });
    };
    // Alice spent her free balance, and a lock froze all but 1,000 units of what her deposit returns.
    setBalance(alice, EXISTENTIAL_DEPOSIT, DEPOSIT, EXISTENTIAL_DEPOSIT + DEPOSIT - 1_000n);
    const { events } = reply({ index: 0n, gasUsed: GAS });
    expect(phatOnly(events)[0]).toEqual({
      type: "CommandExecuted",
      value: { contract, index: 0n, succeeded: true, gasUsed: GAS, fee: 1_000n },
    });
    expect(balance(alice)).toEqual({ free: EXISTENTIAL_DEPOSIT + DEPOSIT - 1_000n, reserved: 0n });

    // A caller with nothing left pays nothing, and its reply still reaches it.
    push(bob);
    setBalance(bob, 0n, 0n);
    const { events: broke } = reply({ index: 1n, gasUsed: GAS });
    expect(phatOnly(broke).map((e) => e.type)).toEqual(["CommandExecuted", "CommandReplySealed"]);
    expect(phatOnly(broke)[0]).toMatchObject({ value: { fee: 0n } });
    expect(storage.PendingCommands.entries(exec.state)).toEqual([]);
  });

  it("refuses a malformed, oversized, misdirected or unknown reply as an event, and a replayed one in the mq", () => {
    const { exec, contract, reply, relay, submit, balance, phatOnly, push, instantiate, publishContractKeys } =
      deployed();
    const other = instantiate(bob, { salt: Uint8Array.of(2) });
    publishContractKeys(other, cluster0, CONTRACT_SEED_FILL);
    const refusals = phatOnly;

    expect(
      refusals(relay(contractKey, contractOrigin(contract), COMMAND_REPLIES_TOPIC, Uint8Array.of(1)).events),
    ).toEqual([replyRefused(new Uint8Array(32), 0n, "Malformed")]);
    expect(refusals(reply({ sealedReply: new Uint8Array(MAX_REPLY_BYTES + 1) }).events)).toEqual([
      replyRefused(contract, 0n, "TooLarge"),
    ]);
    // Another contract (its key signs for it) cannot answer for this one, nor can a worker.
    expect(refusals(reply({}, contractOrigin(other)).events)).toEqual([replyRefused(contract, 0n, "WrongSender")]);
    expect(refusals(reply({}, workerOrigin(w1.keys.pubkey), w1.keypair).events)).toEqual([
      replyRefused(contract, 0n, "WrongSender"),
    ]);
    expect(refusals(reply({ index: 1n }).events)).toEqual([replyRefused(contract, 1n, "UnknownCommand")]);
    expect(balance(alice)).toEqual({ free: 10n * PHA - DEPOSIT, reserved: DEPOSIT });
    expect(storage.PendingCommands.get(exec.state, [contract, 0n])).toEqual(pending(alice));

    push(bob);
    const answered = reply({ index: 1n, gasUsed: 10n });
    expect(phatOnly(answered.events).map((e) => e.type)).toEqual(["CommandExecuted", "CommandReplySealed"]);
    expect(labelOf(() => submit(answered.signedMessage))).toBe("PhalaMq.BadSequence");
    // A second answer for the same command, at a fresh sequence, finds nothing pending.
    expect(refusals(reply({ index: 1n, gasUsed: 10n }).events)).toEqual([replyRefused(contract, 1n, "UnknownCommand")]);
    expect(balance(bob)).toEqual({ free: 10n * PHA - 10n * GAS_PRICE, reserved: 0n });
  });
});

describe("PhalaPhatContracts command replies, several in one message", () => {
  it("settles each reply in order, refusing the ones it cannot take as events and taking the others", () => {
    const { exec, push, replies, balance, phatOnly } = deployed();
    push(bob);
    push(bob);
    const { events } = replies([
      { index: 0n, gasUsed: 10n },
      { index: 1n, gasUsed: 20n, sealedReply: new Uint8Array(MAX_REPLY_BYTES + 1) },
      { index: 7n, gasUsed: 30n },
      { index: 2n, gasUsed: 40n },
    ]);
    expect(phatOnly(events).map((e) => [e.type, (e.value as { index: bigint }).index])).toEqual([
      ["CommandExecuted", 0n],
      ["CommandReplySealed", 0n],
      ["CommandReplyRefused", 1n],
      ["CommandReplyRefused", 7n],
      ["CommandExecuted", 2n],
      ["CommandReplySealed", 2n],
    ]);
    expect(storage.PendingCommands.entries(exec.state).map(([[, index]]) => index)).toEqual([1n]);
    expect(balance(alice)).toEqual({ free: 10n * PHA - 10n * GAS_PRICE, reserved: 0n });
    expect(balance(bob)).toEqual({ free: 10n * PHA - DEPOSIT - 40n * GAS_PRICE, reserved: DEPOSIT });
  });

  it("refuses an empty message and one with more than MAX_REPLIES_PER_MESSAGE replies as Malformed, taking none", () => {
    const { exec, contract, replies, phatOnly } = deployed();
    expect(phatOnly(replies([]).events)).toEqual([replyRefused(contract, 0n, "Malformed")]);
    const tooMany = Array.from({ length: MAX_REPLIES_PER_MESSAGE + 1 }, () => ({ index: 0n }));
    expect(phatOnly(replies(tooMany).events)).toEqual([replyRefused(contract, 0n, "Malformed")]);
    expect(storage.PendingCommands.get(exec.state, [contract, 0n])).toEqual(pending(alice));
  });
});

describe("PhalaPhatContracts state roots", () => {
  it("keeps the newest index's root, confirms agreement, records divergence, and refuses late reports", () => {
    const { exec, contract, relay, push, phatOnly, phat } = deployed();
    const root = (fill: number) => new Uint8Array(32).fill(fill);
    const report = (worker: typeof w1, index: bigint, stateRoot: Uint8Array) =>
      phatOnly(
        relay(
          worker.keypair,
          workerOrigin(worker.keys.pubkey),
          STATE_ROOT_TOPIC,
          stateRootReportCodec.enc({ contract, index, stateRoot }),
        ).events,
      );
    const refusedAs = (index: bigint, sender: unknown, reason: string) => ({
      type: "StateRootRefused",
      value: { contract, index, sender, reason: reasonValue(reason) },
    });

    expect(report(w1, 0n, root(1))).toEqual([
      { type: "StateRootReported", value: { contract, index: 0n, stateRoot: root(1), worker: w1.keys.pubkey } },
    ]);
    expect(storage.StateRoots.get(exec.state, contract)).toEqual({
      index: 0n,
      stateRoot: root(1),
      reporter: w1.keys.pubkey,
    });
    expect(report(w2, 0n, root(1))).toEqual([
      { type: "StateRootConfirmed", value: { contract, index: 0n, worker: w2.keys.pubkey } },
    ]);
    expect(report(w2, 0n, root(2))).toEqual([
      {
        type: "StateRootDiverged",
        value: { contract, index: 0n, expected: root(1), reported: root(2), worker: w2.keys.pubkey },
      },
    ]);
    expect(storage.Diverged.get(exec.state, contract)).toBe(0n);
    expect(storage.StateRoots.get(exec.state, contract)?.stateRoot).toEqual(root(1));

    // Only commands that were pushed have a state after them.
    expect(report(w1, 1n, root(3))).toEqual([refusedAs(1n, workerOrigin(w1.keys.pubkey), "UnknownCommand")]);
    push(bob);
    expect(report(w2, 1n, root(3))).toEqual([
      { type: "StateRootReported", value: { contract, index: 1n, stateRoot: root(3), worker: w2.keys.pubkey } },
    ]);
    expect(report(w1, 0n, root(1))).toEqual([refusedAs(0n, workerOrigin(w1.keys.pubkey), "Late")]);
    expect(storage.StateRoots.get(exec.state, contract)).toEqual({
      index: 1n,
      stateRoot: root(3),
      reporter: w2.keys.pubkey,
    });

    // Workers outside the cluster, other origins, unknown contracts and malformed reports are refused.
    expect(report(w3, 1n, root(3))).toEqual([refusedAs(1n, workerOrigin(w3.keys.pubkey), "NotInCluster")]);
    phat("removeWorkerFromCluster", { cluster: cluster0, worker: w1.keys.pubkey });
    expect(report(w1, 1n, root(3))).toEqual([refusedAs(1n, workerOrigin(w1.keys.pubkey), "NotInCluster")]);
    const fromGatekeeper = relay(
      master,
      GATEKEEPER,
      STATE_ROOT_TOPIC,
      stateRootReportCodec.enc({ contract, index: 1n, stateRoot: root(3) }),
    );
    expect(phatOnly(fromGatekeeper.events)).toEqual([refusedAs(1n, GATEKEEPER, "WrongSender")]);
    const unknown = stateRootReportCodec.enc({ contract: root(9), index: 0n, stateRoot: root(3) });
    expect(phatOnly(relay(w2.keypair, workerOrigin(w2.keys.pubkey), STATE_ROOT_TOPIC, unknown).events)).toEqual([
      {
        type: "StateRootRefused",
        value: { contract: root(9), index: 0n, sender: workerOrigin(w2.keys.pubkey), reason: reasonValue("NotFound") },
      },
    ]);
    const malformed = relay(w2.keypair, workerOrigin(w2.keys.pubkey), STATE_ROOT_TOPIC, Uint8Array.of(1, 2, 3));
    expect(phatOnly(malformed.events)).toEqual([
      {
        type: "StateRootRefused",
        value: { contract: root(0), index: 0n, sender: workerOrigin(w2.keys.pubkey), reason: reasonValue("Malformed") },
      },
    ]);
    expect(storage.Diverged.get(exec.state, contract)).toBe(0n);
  });

  it("registers both on-chain topics with the mq", () => {
    expect(phatContractsHandlers.has(topicToString(COMMAND_REPLIES_TOPIC))).toBe(true);
    expect(phatContractsHandlers.has(topicToString(STATE_ROOT_TOPIC))).toBe(true);
  });
});

function totalIssuance(exec: ReturnType<typeof setupPhat>["exec"]): bigint {
  return balancesStorage.TotalIssuance.get(exec.state);
}

describe("what pRuntime reads of commands", () => {
  it("finds code and pending commands where core says, in core's layout", () => {
    const { exec, contract } = deployed();
    const raw = exec.state.get(pendingCommandKey(contract, 0n));
    expect(raw && pendingCommandCodec.dec(raw)).toEqual(storage.PendingCommands.get(exec.state, [contract, 0n]));
    expect(storage.Code.keyFor(codeHash)).toEqual(contractCodeKey(codeHash));
    expect(exec.state.get(contractCodeKey(codeHash))).toBeDefined();
  });
});
