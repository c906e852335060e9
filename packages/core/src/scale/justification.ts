import { Bytes, blockHeader, Struct, u32, u64, Vector } from "@polkadot-api/substrate-bindings";
import { decodeExact } from "./decodeExact.js";

/**
 * The finality proof in GRANDPA's shape (sp-consensus-grandpa `GrandpaJustification`), so that
 * any holder of the authority set can check it: precommits signed by the authorities over
 * SCALE(`Message::Precommit(precommit)`, round, setId).
 */
const hash32 = Bytes(32);

const precommitCodec = Struct({ targetHash: hash32, targetNumber: u32 });

export const justificationCodec = Struct({
  round: u64,
  commit: Struct({
    targetHash: hash32,
    targetNumber: u32,
    precommits: Vector(Struct({ precommit: precommitCodec, signature: Bytes(64), id: hash32 })),
  }),
  votesAncestries: Vector(blockHeader),
});

export type Justification = ReturnType<typeof justificationCodec.dec>;
export type Precommit = ReturnType<typeof precommitCodec.dec>;

export function encodeJustification(justification: Justification): Uint8Array {
  return justificationCodec.enc(justification);
}

export function decodeJustification(bytes: Uint8Array): Justification {
  return decodeExact(justificationCodec.dec, bytes, "justification");
}

// finality-grandpa's `Message` enum: Prevote = 0, Precommit = 1, PrimaryPropose = 2.
const PRECOMMIT_MESSAGE_INDEX = Uint8Array.of(1);
const signingPayloadCodec = Struct({ message: Bytes(1), precommit: precommitCodec, round: u64, setId: u64 });

/** The bytes an authority signs for a precommit: `(Message::Precommit(p), round, set_id)`. */
export function precommitSigningPayload(precommit: Precommit, round: bigint, setId: bigint): Uint8Array {
  return signingPayloadCodec.enc({ message: PRECOMMIT_MESSAGE_INDEX, precommit, round, setId });
}

/** What `grandpa_proveFinality` returns: Substrate's `FinalityProof { block, justification, unknown_headers }`. */
export const finalityProofCodec = Struct({
  block: hash32,
  justification: Bytes(),
  unknownHeaders: Vector(blockHeader),
});

export function decodeFinalityProof(bytes: Uint8Array): ReturnType<typeof finalityProofCodec.dec> {
  return decodeExact(finalityProofCodec.dec, bytes, "finality proof");
}
