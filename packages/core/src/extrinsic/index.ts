export type { Era } from "./era.js";
export {
  decodeEra,
  EraCodec,
  encodeEra,
  eraBirth,
  eraDeath,
  IMMORTAL_ERA,
  isEraValidAt,
  MAX_ERA_PERIOD,
  MIN_ERA_PERIOD,
  mortalEra,
} from "./era.js";
export type { DecodeExtrinsicOptions, Extrinsic, ExtrinsicSignature } from "./extrinsic.js";
export {
  DEFAULT_MAX_EXTRINSIC_SIZE,
  decodeExtrinsic,
  EXTRINSIC_FORMAT_VERSION,
  encodeExtrinsic,
  extrinsicHash,
  SIGNED_EXTRINSIC_VERSION,
  UNSIGNED_EXTRINSIC_VERSION,
} from "./extrinsic.js";
export type { ExtrinsicErrorCode } from "./extrinsicError.js";
export { ExtrinsicError } from "./extrinsicError.js";
export type { MultiAddress, MultiAddressType } from "./multiAddress.js";
export {
  decodeMultiAddress,
  encodeMultiAddress,
  idAddress,
  MultiAddressCodec,
  signerAccountId,
} from "./multiAddress.js";
export type {
  AdditionalSigned,
  Extra,
  SignedExtension,
  SignedExtensionFieldType,
  SignedExtensionIdentifier,
} from "./signedExtensions.js";
export {
  AdditionalSignedCodec,
  decodeAdditionalSigned,
  decodeExtra,
  ExtraCodec,
  encodeAdditionalSigned,
  encodeExtra,
  SIGNED_EXTENSION_IDENTIFIERS,
  SIGNED_EXTENSIONS,
} from "./signedExtensions.js";
export {
  extrinsicSignatureCheck,
  MAX_UNHASHED_PAYLOAD_LENGTH,
  type SignatureCheck,
  signExtrinsic,
  signingPayload,
  verifyExtrinsicSignature,
} from "./signing.js";
