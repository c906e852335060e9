import { type WorkerKeys, workerKeysCodec } from "@phala-ts/core";
import { Bytes, type Codec, Struct, u64, Variant, Vector } from "@polkadot-api/substrate-bindings";

/** What the Gatekeeper origin owes the chain, one message each, numbered by every pRuntime alike. */
export type GatekeeperWork =
  | { readonly type: "MasterKeyShare"; readonly value: WorkerKeys }
  | {
      readonly type: "MasterKeyRotation";
      readonly value: { readonly rotationId: bigint; readonly gatekeepers: WorkerKeys[] };
    }
  | {
      readonly type: "ClusterKeys";
      readonly value: { readonly cluster: Uint8Array; readonly masterRotationId: bigint };
    }
  | {
      readonly type: "ClusterKeyShare";
      readonly value: { readonly cluster: Uint8Array; readonly masterRotationId: bigint; readonly worker: WorkerKeys };
    };

export const gatekeeperWorkCodec = Variant({
  MasterKeyShare: workerKeysCodec,
  MasterKeyRotation: Struct({ rotationId: u64, gatekeepers: Vector(workerKeysCodec) }),
  ClusterKeys: Struct({ cluster: Bytes(32), masterRotationId: u64 }),
  ClusterKeyShare: Struct({ cluster: Bytes(32), masterRotationId: u64, worker: workerKeysCodec }),
}) as unknown as Codec<GatekeeperWork>;
