import { Bytes, type Codec, Struct, u64, Variant, Vector } from "@polkadot-api/substrate-bindings";
import { type Topic, topicFromString } from "../mq/topic.js";
import type { PublicKeys } from "./derivedKeys.js";

const key32 = Bytes(32);

/** A registered worker's two public keys, as the registry hands them to gatekeepers. */
export interface WorkerKeys {
  readonly pubkey: Uint8Array;
  readonly ecdhPubkey: Uint8Array;
}
export const workerKeysCodec: Codec<WorkerKeys> = Struct({ pubkey: key32, ecdhPubkey: key32 });
export const publicKeysCodec: Codec<PublicKeys> = Struct({ pubkey: key32, ecdhPubkey: key32 });

/** One secret sealed to one gatekeeper or worker (an encoded `Envelope`). */
export interface KeyShare {
  readonly recipient: Uint8Array;
  readonly envelope: Uint8Array;
}
export const keyShareCodec: Codec<KeyShare> = Struct({ recipient: key32, envelope: Bytes() });

/** The master key and every earlier one, oldest first: rotation id 0 is the launch. */
export interface MasterKeyEntry {
  readonly rotationId: bigint;
  readonly seed: Uint8Array;
}
export const masterKeyHistoryCodec: Codec<MasterKeyEntry[]> = Vector(Struct({ rotationId: u64, seed: key32 }));

/** The first gatekeeper's answer to its launch: the new master key, sealed to itself. */
export interface MasterKeyLaunch {
  readonly masterPubkey: Uint8Array;
  readonly share: KeyShare;
}
export const masterKeyLaunchCodec: Codec<MasterKeyLaunch> = Struct({ masterPubkey: key32, share: keyShareCodec });

/** A gatekeeper's answer to a rotation: the new master key, sealed to each current gatekeeper. */
export interface MasterKeyRotation {
  readonly rotationId: bigint;
  readonly masterPubkey: Uint8Array;
  readonly shares: KeyShare[];
}
export const masterKeyRotationCodec: Codec<MasterKeyRotation> = Struct({
  rotationId: u64,
  masterPubkey: key32,
  shares: Vector(keyShareCodec),
});

/**
 * What the registry tells pRuntimes about gatekeepers (sender `Pallet("PhalaRegistry")`):
 * - `FirstGatekeeper`: that gatekeeper generates the master key and answers with a MasterKeyLaunch;
 * - `MasterKeyLaunched`: the launch the chain recorded (its share lets the launcher, resumed from
 *   any checkpoint, hold exactly the key the chain knows);
 * - `GatekeeperRegistered`: a later gatekeeper, to which key holders send the master key history;
 * - `GatekeeperUnregistered`: it stops acting and learns no later key;
 * - `RotateMasterKey`: each holder may answer with a MasterKeyRotation for these gatekeepers;
 * - `MasterKeyRotated`: the rotation the chain recorded, whose shares carry the new key.
 */
export type GatekeeperEvent =
  | { readonly type: "FirstGatekeeper"; readonly value: WorkerKeys }
  | { readonly type: "MasterKeyLaunched"; readonly value: MasterKeyLaunch & { readonly gatekeeper: Uint8Array } }
  | { readonly type: "GatekeeperRegistered"; readonly value: WorkerKeys }
  | { readonly type: "GatekeeperUnregistered"; readonly value: { readonly pubkey: Uint8Array } }
  | {
      readonly type: "RotateMasterKey";
      readonly value: { readonly rotationId: bigint; readonly gatekeepers: WorkerKeys[] };
    }
  | { readonly type: "MasterKeyRotated"; readonly value: MasterKeyRotation };

export const gatekeeperEventCodec = Variant({
  FirstGatekeeper: workerKeysCodec,
  MasterKeyLaunched: Struct({ gatekeeper: key32, masterPubkey: key32, share: keyShareCodec }),
  GatekeeperRegistered: workerKeysCodec,
  GatekeeperUnregistered: Struct({ pubkey: key32 }),
  RotateMasterKey: Struct({ rotationId: u64, gatekeepers: Vector(workerKeysCodec) }),
  MasterKeyRotated: masterKeyRotationCodec,
}) as unknown as Codec<GatekeeperEvent>;

/** Registry → pRuntimes: GatekeeperEvent. */
export const GATEKEEPER_EVENT_TOPIC: Topic = topicFromString("phala/gatekeeper/event");
/** Gatekeeper → a later gatekeeper: a KeyShare of the master key history (`MASTER_KEY_PURPOSE`). */
export const MASTER_KEY_SHARE_TOPIC: Topic = topicFromString("phala/gatekeeper/master-key");
/** First gatekeeper (Worker origin) → registry, on chain only: MasterKeyLaunch. */
export const MASTER_KEY_LAUNCH_TOPIC: Topic = new TextEncoder().encode("^phala/registry/master-key-launch");
/** Gatekeeper → registry, on chain only: MasterKeyRotation. */
export const MASTER_KEY_ROTATION_TOPIC: Topic = new TextEncoder().encode("^phala/registry/master-key-rotation");

/** Envelope purposes: a sealed key can only be opened as what it was sealed as. */
export const MASTER_KEY_PURPOSE = "phala/gatekeeper/master-key";
export const MASTER_KEY_HISTORY_PURPOSE = "phala/gatekeeper/master-key-history";
export const CLUSTER_KEY_PURPOSE = "phala/cluster/cluster-key";
