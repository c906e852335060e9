export type { ScaleErrorCode } from "./decodeExact.js";
export { decodeExact, ScaleDecodeError } from "./decodeExact.js";
export type { DigestItem, Header, RpcHeader } from "./header.js";
export { decodeHeader, encodeHeader, headerFromRpc, headerHash, headerToRpc } from "./header.js";
export type { Justification, Precommit } from "./justification.js";
export {
  decodeFinalityProof,
  decodeJustification,
  encodeJustification,
  finalityProofCodec,
  justificationCodec,
  precommitSigningPayload,
} from "./justification.js";
