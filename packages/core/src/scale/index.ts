export type { ScaleErrorCode } from "./decodeExact.js";
export { decodeExact, ScaleDecodeError } from "./decodeExact.js";
export type { DigestItem, Header } from "./header.js";
export { decodeHeader, encodeHeader, headerHash } from "./header.js";
export type { Justification, Precommit } from "./justification.js";
export {
  decodeJustification,
  encodeJustification,
  justificationCodec,
  precommitSigningPayload,
} from "./justification.js";
