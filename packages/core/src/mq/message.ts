import { Bytes, type Codec, Struct } from "@polkadot-api/substrate-bindings";
import { decodeExact } from "../scale/decodeExact.js";
import { type MessageOrigin, messageOriginCodec } from "./messageOrigin.js";
import type { Topic } from "./topic.js";

/** The longest payload the chain's message queue takes (`PhalaMq.MaxPayloadBytes`). */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

export interface Message {
  readonly sender: MessageOrigin;
  readonly destination: Topic;
  readonly payload: Uint8Array;
}

/** SCALE `{sender: MessageOrigin, destination: Vec<u8>, payload: Vec<u8>}`, as phala-mq's Message. */
export const messageCodec: Codec<Message> = Struct({
  sender: messageOriginCodec,
  destination: Bytes(),
  payload: Bytes(),
});

export function encodeMessage(message: Message): Uint8Array {
  return messageCodec.enc(message);
}

/** Structural decode only: topic validity is the dispatcher's check (`assertValidTopic`). */
export function decodeMessage(bytes: Uint8Array): Message {
  return decodeExact(messageCodec.dec, bytes, "Message");
}
