import { _void, Bytes, type Codec, createCodec, Variant } from "@polkadot-api/substrate-bindings";
import { utf8 } from "../bytes/bytes.js";
import { decodeExact } from "../scale/decodeExact.js";
import { MqError } from "./mqError.js";

export type MessageOrigin =
  | { readonly type: "Pallet"; readonly value: Uint8Array }
  | { readonly type: "Contract"; readonly value: Uint8Array }
  | { readonly type: "Worker"; readonly value: Uint8Array }
  | { readonly type: "AccountId"; readonly value: Uint8Array }
  | { readonly type: "Gatekeeper"; readonly value?: undefined }
  | { readonly type: "Cluster"; readonly value: Uint8Array };

export type MessageOriginType = MessageOrigin["type"];

const ID_LENGTH = 32;

// Indices follow Phala's phala-mq MessageOrigin (4 = MultiLocation, 7 = Reserved there); neither is
// accepted here, so those indices decode as unknown variants.
const variant = Variant(
  {
    Pallet: Bytes(),
    Contract: Bytes(ID_LENGTH),
    Worker: Bytes(ID_LENGTH),
    AccountId: Bytes(ID_LENGTH),
    Gatekeeper: _void,
    Cluster: Bytes(ID_LENGTH),
  },
  [0, 1, 2, 3, 5, 6],
);

/** Throws MqError("MQ_INVALID_ORIGIN") for an unknown variant or an id that is not 32 bytes. */
export function assertValidOrigin(origin: MessageOrigin): void {
  switch (origin?.type) {
    case "Gatekeeper":
      return;
    case "Pallet":
      if (origin.value instanceof Uint8Array) return;
      break;
    case "Contract":
    case "Worker":
    case "AccountId":
    case "Cluster":
      if (origin.value instanceof Uint8Array && origin.value.length === ID_LENGTH) return;
      throw new MqError("MQ_INVALID_ORIGIN", `${origin.type} origin id must be ${ID_LENGTH} bytes`, {
        type: origin.type,
        length: origin.value instanceof Uint8Array ? origin.value.length : -1,
      });
  }
  throw new MqError("MQ_INVALID_ORIGIN", "invalid message origin", { type: String(origin?.type) });
}

// Bytes(32) would silently truncate or shorten a wrong-length id, so the encoder checks first.
export const messageOriginCodec: Codec<MessageOrigin> = createCodec((origin: MessageOrigin) => {
  assertValidOrigin(origin);
  return origin.type === "Gatekeeper" ? variant.enc({ type: "Gatekeeper", value: undefined }) : variant.enc(origin);
}, variant.dec);

export function palletOrigin(name: string | Uint8Array): MessageOrigin {
  return { type: "Pallet", value: typeof name === "string" ? utf8(name) : name };
}

function idOrigin(type: "Contract" | "Worker" | "AccountId" | "Cluster", id: Uint8Array): MessageOrigin {
  const origin = { type, value: id };
  assertValidOrigin(origin);
  return origin;
}

export function contractOrigin(contractId: Uint8Array): MessageOrigin {
  return idOrigin("Contract", contractId);
}

export function workerOrigin(workerPublicKey: Uint8Array): MessageOrigin {
  return idOrigin("Worker", workerPublicKey);
}

export function accountOrigin(accountId: Uint8Array): MessageOrigin {
  return idOrigin("AccountId", accountId);
}

export function clusterOrigin(clusterId: Uint8Array): MessageOrigin {
  return idOrigin("Cluster", clusterId);
}

export function gatekeeperOrigin(): MessageOrigin {
  return { type: "Gatekeeper" };
}

export function encodeMessageOrigin(origin: MessageOrigin): Uint8Array {
  return messageOriginCodec.enc(origin);
}

export function decodeMessageOrigin(bytes: Uint8Array): MessageOrigin {
  return decodeExact(messageOriginCodec.dec, bytes, "MessageOrigin");
}
