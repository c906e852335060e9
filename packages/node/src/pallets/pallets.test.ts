import { devAccounts, ed25519Generate, type MessageOrigin, signMessage, topicFromString } from "@phala-ts/core";
import { describe, expect, it } from "vitest";
import { buildGenesisState } from "../chain/genesisState.js";
import { ExecutionContext } from "../runtime/context.js";
import { DispatchError } from "../runtime/dispatchError.js";
import { addressOf } from "../runtime/multiAddress.js";
import { NONE, ROOT, signedOrigin } from "../runtime/origin.js";
import { StateOverlay } from "../runtime/overlay.js";
import type { RuntimeCall } from "../runtime/runtime.js";
import { balancesStorage, EXISTENTIAL_DEPOSIT, PHA } from "./balances.js";
import { mqStorage } from "./mq.js";
import { createPhalaRuntime } from "./phalaRuntime.js";
import { sessionStorage } from "./session.js";
import { sudoStorage } from "./sudo.js";
import { systemStorage } from "./system.js";

const dev = devAccounts("sr25519");
const alice = dev.Alice.accountId;
const bob = dev.Bob.accountId;
const charlie = dev.Charlie.accountId;

function setup() {
  const runtime = createPhalaRuntime();
  const genesis = buildGenesisState(runtime, {
    Balances: {
      balances: [
        [alice, 1_000n * PHA],
        [bob, 100n * PHA],
      ],
    },
    Sudo: { key: alice },
    Session: { authorities: [[new Uint8Array(32).fill(7), 1n]] },
  });
  const exec = new ExecutionContext(new StateOverlay(genesis), { number: 1, parentHash: new Uint8Array(32) });
  return { runtime, genesis, exec };
}

const call = (pallet: string, name: string, args: unknown): RuntimeCall => ({
  type: pallet,
  value: { type: name, value: args },
});
const free = (exec: ExecutionContext, who: Uint8Array) => systemStorage.Account.get(exec.state, who).data.free;
const eventNames = (exec: ExecutionContext) =>
  exec.events.map((e) => `${e.event.type}.${(e.event.value as { type: string }).type}`);

describe("runtime calls", () => {
  it("encodes and decodes every call through the RuntimeCall enum, pallet index first", () => {
    const { runtime } = setup();
    const transfer = call("Balances", "transferKeepAlive", { dest: addressOf(bob), value: 5n * PHA });
    const bytes = runtime.encodeCall(transfer);
    expect([...bytes.subarray(0, 3)]).toEqual([2, 3, 0]);
    expect(runtime.decodeCall(bytes)).toEqual(transfer);
    expect(() => runtime.decodeCall(Uint8Array.of(99, 0))).toThrowError(
      expect.objectContaining({ code: "CALL_UNDECODABLE" }),
    );
    expect(() => runtime.decodeCall(Uint8Array.of(...bytes, 0))).toThrowError(
      expect.objectContaining({ code: "CALL_UNDECODABLE" }),
    );
  });

  it("transfers, keeps issuance, creates the receiver and emits events", () => {
    const { runtime, exec } = setup();
    const issuance = balancesStorage.TotalIssuance.get(exec.state);
    runtime.dispatch(
      exec,
      signedOrigin(alice),
      call("Balances", "transferAllowDeath", { dest: addressOf(charlie), value: 10n * PHA }),
    );
    expect(free(exec, alice)).toBe(990n * PHA);
    expect(free(exec, charlie)).toBe(10n * PHA);
    expect(balancesStorage.TotalIssuance.get(exec.state)).toBe(issuance);
    expect(eventNames(exec)).toEqual(["System.NewAccount", "Balances.Endowed", "Balances.Transfer"]);
  });

  it("rejects an overdraft, a keep-alive that would reap, and a sub-ED new account, changing nothing", () => {
    const { runtime, exec } = setup();
    const before = exec.state.changes();
    const attempts: [RuntimeCall, string][] = [
      [
        call("Balances", "transferAllowDeath", { dest: addressOf(charlie), value: 2_000n * PHA }),
        "Balances.InsufficientBalance",
      ],
      [call("Balances", "transferKeepAlive", { dest: addressOf(alice), value: 100n * PHA }), "Balances.Expendability"],
      [
        call("Balances", "transferAllowDeath", { dest: addressOf(charlie), value: EXISTENTIAL_DEPOSIT - 1n }),
        "Balances.ExistentialDeposit",
      ],
    ];
    for (const [c, label] of attempts) {
      expect(() => runtime.dispatch(exec, signedOrigin(bob), c)).toThrowError(expect.objectContaining({ label }));
    }
    expect(exec.state.changes()).toEqual(before);
    expect(exec.events).toEqual([]);
  });

  it("reaps an account that falls below the existential deposit and burns the dust", () => {
    const { runtime, exec } = setup();
    const issuance = balancesStorage.TotalIssuance.get(exec.state);
    const dust = EXISTENTIAL_DEPOSIT / 2n;
    runtime.dispatch(
      exec,
      signedOrigin(bob),
      call("Balances", "transferAllowDeath", { dest: addressOf(alice), value: 100n * PHA - dust }),
    );
    expect(systemStorage.Account.contains(exec.state, bob)).toBe(false);
    expect(balancesStorage.TotalIssuance.get(exec.state)).toBe(issuance - dust);
    expect(eventNames(exec)).toContain("Balances.DustLost");
    expect(eventNames(exec)).toContain("System.KilledAccount");
  });

  it("checks origins: root-only calls refuse signed origins, sudo lifts its key's calls to root", () => {
    const { runtime, exec } = setup();
    const force = call("Balances", "forceSetBalance", { who: addressOf(charlie), newFree: 5n * PHA });
    expect(() => runtime.dispatch(exec, signedOrigin(alice), force)).toThrowError(
      expect.objectContaining({ label: "BadOrigin" }),
    );
    expect(() => runtime.dispatch(exec, NONE, force)).toThrowError(DispatchError);
    expect(() => runtime.dispatch(exec, signedOrigin(bob), call("Sudo", "sudo", { call: force }))).toThrowError(
      expect.objectContaining({ label: "Sudo.RequireSudo" }),
    );
    runtime.dispatch(exec, signedOrigin(alice), call("Sudo", "sudo", { call: force }));
    expect(free(exec, charlie)).toBe(5n * PHA);
    expect(sudoStorage.Key.get(exec.state)).toEqual(alice);
    const sudoBytes = runtime.encodeCall(call("Sudo", "sudo", { call: force }));
    expect(runtime.decodeCall(sudoBytes)).toEqual(call("Sudo", "sudo", { call: force }));
    runtime.dispatch(
      exec,
      ROOT,
      call("Session", "setAuthorities", { authorities: [[new Uint8Array(32).fill(9), 1n]] }),
    );
    expect(sessionStorage.PendingChange.get(exec.state)).toHaveLength(1);
  });

  it("accepts offchain messages only with the next sequence and a valid worker signature", () => {
    const { runtime, exec } = setup();
    const { keypair } = ed25519Generate();
    const sender: MessageOrigin = { type: "Worker", value: keypair.publicKey };
    const message = { sender, destination: topicFromString("phala/test"), payload: Uint8Array.of(1, 2, 3) };
    const sync = (sequence: bigint, signed = signMessage(keypair, message, sequence)) =>
      runtime.dispatch(exec, signedOrigin(bob), call("PhalaMq", "syncOffchainMessage", { signedMessage: signed }));
    expect(() => sync(1n)).toThrowError(expect.objectContaining({ label: "PhalaMq.BadSequence" }));
    const forged = { ...signMessage(keypair, message, 0n), signature: new Uint8Array(64) };
    expect(() => sync(0n, forged)).toThrowError(expect.objectContaining({ label: "PhalaMq.BadSignature" }));
    sync(0n);
    expect(() => sync(0n)).toThrowError(expect.objectContaining({ label: "PhalaMq.BadSequence" }));
    sync(1n);
    expect(mqStorage.OffchainIngress.get(exec.state, sender)).toBe(2n);
    expect(mqStorage.OutboundMessages.get(exec.state)).toHaveLength(2);
    runtime.dispatch(
      exec,
      signedOrigin(alice),
      call("PhalaMq", "pushMessage", { destination: topicFromString("phala/x"), payload: Uint8Array.of(9) }),
    );
    expect(mqStorage.OutboundMessages.get(exec.state).at(-1)?.sender).toEqual({ type: "AccountId", value: alice });
  });
});
