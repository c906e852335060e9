import { Bytes, type Codec, createCodec, Struct, u64 } from "@polkadot-api/substrate-bindings";
import { concatBytes, utf8 } from "../bytes/bytes.js";
import { PhalaError } from "../errors/phalaError.js";
import { type Ed25519Keypair, ed25519Verify } from "../keys/ed25519.js";
import { decodeExact } from "../scale/decodeExact.js";
import { type Message, messageCodec } from "./message.js";
import { MqError } from "./mqError.js";
import { assertValidTopic } from "./topic.js";

export interface SignedMessage {
  readonly message: Message;
  readonly sequence: bigint;
  readonly signature: Uint8Array;
}

export const MQ_SIGNING_DOMAIN = "phala/mq/signed-message/v1";
export const MQ_SIGNATURE_LENGTH = 64;
const U64_MAX = (1n << 64n) - 1n;

function assertSequence(sequence: bigint): void {
  if (typeof sequence !== "bigint" || sequence < 0n || sequence > U64_MAX) {
    throw new MqError("MQ_INVALID_SEQUENCE", "sequence must be a bigint in 0..2^64-1", { sequence: String(sequence) });
  }
}

// u64's encoder would wrap a negative or oversized bigint modulo 2^64; refuse instead.
export const sequenceCodec: Codec<bigint> = createCodec((sequence: bigint) => {
  assertSequence(sequence);
  return u64.enc(sequence);
}, u64.dec);

const signatureCodec: Codec<Uint8Array> = createCodec((signature: Uint8Array) => {
  if (!(signature instanceof Uint8Array) || signature.length !== MQ_SIGNATURE_LENGTH) {
    throw new MqError("MQ_INVALID_SIGNATURE", `signature must be ${MQ_SIGNATURE_LENGTH} bytes`, {
      length: signature instanceof Uint8Array ? signature.length : -1,
    });
  }
  return signature;
}, Bytes(MQ_SIGNATURE_LENGTH).dec);

/** SCALE `{message: Message, sequence: u64, signature: [u8; 64]}`. */
export const signedMessageCodec: Codec<SignedMessage> = Struct({
  message: messageCodec,
  sequence: sequenceCodec,
  signature: signatureCodec,
});

const DOMAIN_PREFIX = Bytes().enc(utf8(MQ_SIGNING_DOMAIN));

/** The signed bytes: SCALE(Vec<u8> MQ_SIGNING_DOMAIN) ++ SCALE(message) ++ SCALE(u64 sequence). */
export function messageSigningPayload(message: Message, sequence: bigint): Uint8Array {
  return concatBytes(DOMAIN_PREFIX, messageCodec.enc(message), sequenceCodec.enc(sequence));
}

/** Refuses to sign a message with an invalid topic: no dispatcher would accept it. */
export function signMessage(keypair: Ed25519Keypair, message: Message, sequence: bigint): SignedMessage {
  assertValidTopic(message.destination);
  const signature = keypair.sign(messageSigningPayload(message, sequence));
  return { message, sequence, signature };
}

/** The bytes `signed`'s signature is over, or undefined when its message cannot be encoded (nothing verifies then). */
export function signedMessagePayload(signed: SignedMessage): Uint8Array | undefined {
  try {
    return messageSigningPayload(signed.message, signed.sequence);
  } catch (cause) {
    if (cause instanceof PhalaError) return undefined;
    throw cause;
  }
}

/** True only for a valid Ed25519 signature by `publicKey` over this message and sequence. */
export function verifySignedMessage(signed: SignedMessage, publicKey: Uint8Array): boolean {
  const payload = signedMessagePayload(signed);
  return payload !== undefined && ed25519Verify(signed.signature, payload, publicKey);
}

export function encodeSignedMessage(signed: SignedMessage): Uint8Array {
  return signedMessageCodec.enc(signed);
}

export function decodeSignedMessage(bytes: Uint8Array): SignedMessage {
  return decodeExact(signedMessageCodec.dec, bytes, "SignedMessage");
}
