import { createSimulatedQuote, encodeAttestation, simQuotingPublicKey } from "@phala-ts/attestation";
import {
  blake2_256,
  decodeExact,
  devAccounts,
  type Ed25519Keypair,
  equalBytes,
  gatekeeperOrigin,
  keypairFromUri,
  keypairsFromSeed,
  MASTER_KEY_LAUNCH_TOPIC,
  type MessageOrigin,
  masterKeyLaunchCodec,
  type RuntimeInfo,
  runtimeInfoReportData,
  type SignedMessage,
  signMessage,
  type Topic,
  utf8,
  type WorkerKeys,
  workerOrigin,
} from "@phala-ts/core";
import type { Codec } from "@polkadot-api/substrate-bindings";
import { expect } from "vitest";
import { buildGenesisState } from "../chain/genesisState.js";
import { ExecutionContext } from "../runtime/context.js";
import { ROOT, signedOrigin } from "../runtime/origin.js";
import { StateOverlay } from "../runtime/overlay.js";
import type { RuntimeCall } from "../runtime/runtime.js";
import { mqStorage } from "./mq.js";
import { createPhalaRuntime } from "./phalaRuntime.js";
import { systemStorage } from "./system.js";

/**
 * An in-process chain for the key hierarchy's tests: one block's execution context over a genesis
 * that takes simulated attestation, workers registered with it, root and signed calls, and offchain
 * messages relayed through `PhalaMq.sync_offchain_message` as pherry would.
 */

export const alice = devAccounts("sr25519").Alice.accountId;
export const bob = devAccounts("sr25519").Bob.accountId;
const genesisHash = new Uint8Array(32).fill(0x6e);
const measurement = new Uint8Array(32).fill(0x4d);

export const call = (pallet: string, name: string, args: unknown): RuntimeCall => ({
  type: pallet,
  value: { type: name, value: args },
});

/** The label of the DispatchError `run` throws (`PhalaRegistry.NoGatekeeper`, `BadOrigin`). */
export function labelOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return String((error as { label?: unknown }).label);
  }
  throw new Error("the call succeeded");
}

/** A worker identity from a secret URI, with a distinct ECDH key. */
export function workerIdentity(uri: string): { readonly keypair: Ed25519Keypair; readonly keys: WorkerKeys } {
  const keypair = keypairFromUri(uri, "ed25519");
  return { keypair, keys: { pubkey: keypair.publicKey, ecdhPubkey: blake2_256(keypair.publicKey) } };
}

/** A master key (or any key of the hierarchy) from a one-byte seed: its signing keypair. */
export const hierarchyKey = (fill: number): Ed25519Keypair => keypairsFromSeed(new Uint8Array(32).fill(fill)).identity;

export function setupChain() {
  const runtime = createPhalaRuntime();
  const genesis = buildGenesisState(runtime, {
    Session: { authorities: [[new Uint8Array(32).fill(7), 1n]] },
    PhalaRegistry: {
      policy: { allowSimulated: true, simulatedQuotingKeys: [simQuotingPublicKey()] },
      allowList: [measurement],
    },
  });
  const exec = new ExecutionContext(new StateOverlay(genesis), { number: 1, parentHash: genesisHash });
  systemStorage.BlockHash.set(exec.state, 0, genesisHash);

  const registerWorker = ({ keys }: { readonly keys: WorkerKeys }) => {
    const info: RuntimeInfo = {
      version: 1,
      machineId: new Uint8Array(16),
      identityPublicKey: keys.pubkey,
      ecdhPublicKey: keys.ecdhPubkey,
      genesisHash,
      features: [1, 0],
      operator: undefined,
    };
    const attestation = encodeAttestation({
      type: "Simulated",
      value: createSimulatedQuote({ measurement, reportData: runtimeInfoReportData(info), debug: false }),
    });
    runtime.dispatch(
      exec,
      signedOrigin(alice),
      call("PhalaRegistry", "registerWorker", { pruntimeInfo: info, attestation }),
    );
  };
  const root = (pallet: string, name: string, args: unknown) => runtime.dispatch(exec, ROOT, call(pallet, name, args));
  const signed = (who: Uint8Array, pallet: string, name: string, args: unknown) =>
    runtime.dispatch(exec, signedOrigin(who), call(pallet, name, args));

  /** Submits `signedMessage` as pherry would; throws the mq's refusal. */
  const submit = (signedMessage: SignedMessage) => signed(bob, "PhalaMq", "syncOffchainMessage", { signedMessage });
  /** `payload` from `sender` signed by `signer` at the sender's next sequence (or `sequence`). */
  const sign = (
    signer: Ed25519Keypair,
    sender: MessageOrigin,
    destination: Topic,
    payload: Uint8Array,
    sequence?: bigint,
  ) =>
    signMessage(
      signer,
      { sender, destination, payload },
      sequence ?? mqStorage.OffchainIngress.get(exec.state, sender),
    );
  /**
   * Relays a message the mq must take (its sequence is consumed, whatever the handler thinks of
   * it) and returns the pallet events it caused, as `{type, value}`.
   */
  const relay = (signer: Ed25519Keypair, sender: MessageOrigin, destination: Topic, payload: Uint8Array) => {
    const signedMessage = sign(signer, sender, destination, payload);
    const mark = exec.events.length;
    submit(signedMessage);
    expect(mqStorage.OffchainIngress.get(exec.state, sender)).toBe(signedMessage.sequence + 1n);
    return {
      signedMessage,
      events: exec.events
        .slice(mark)
        .filter((e) => e.event.type !== "PhalaMq")
        .map((e) => e.event.value),
    };
  };
  /** The payloads the chain has queued for pRuntimes in this block on `topic`, decoded. */
  const outbound = <T>(topic: Topic, codec: Codec<T>, sender: string): T[] =>
    mqStorage.OutboundMessages.get(exec.state)
      .filter((m) => equalBytes(m.destination, topic))
      .map((m) => {
        expect(m.sender).toEqual({ type: "Pallet", value: utf8(sender) });
        return decodeExact(codec.dec, m.payload, "outbound");
      });

  /**
   * Registers `gatekeeper` (a registered worker) as the first gatekeeper and relays its launch
   * of `master`, sealed (as far as the chain can tell) to itself.
   */
  const launch = (gatekeeper: ReturnType<typeof workerIdentity>, master: Ed25519Keypair) => {
    root("PhalaRegistry", "registerGatekeeper", { gatekeeper: gatekeeper.keys.pubkey });
    const share = { recipient: gatekeeper.keys.pubkey, envelope: Uint8Array.of(1, 2, 3) };
    return relay(
      gatekeeper.keypair,
      workerOrigin(gatekeeper.keys.pubkey),
      MASTER_KEY_LAUNCH_TOPIC,
      masterKeyLaunchCodec.enc({ masterPubkey: master.publicKey, share }),
    );
  };
  return { runtime, exec, registerWorker, root, signed, submit, sign, relay, outbound, launch };
}

export const GATEKEEPER: MessageOrigin = gatekeeperOrigin();
