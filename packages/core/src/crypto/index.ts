export type { Envelope, EnvelopeErrorCode, OpenEnvelopeOptions, SealEnvelopeOptions } from "./envelope.js";
export {
  decodeEnvelope,
  ENVELOPE_DOMAIN,
  ENVELOPE_IV_LENGTH,
  ENVELOPE_MAX_PURPOSE_LENGTH,
  ENVELOPE_TAG_LENGTH,
  EnvelopeError,
  encodeEnvelope,
  envelopeCodec,
  openEnvelope,
  sealEnvelope,
} from "./envelope.js";
export { EnvelopeChannel } from "./envelopeChannel.js";
export type { KdfErrorCode } from "./hkdf.js";
export { HKDF_MAX_INFO_LENGTH, HKDF_SHA256_MAX_LENGTH, hkdfSha256, KdfError } from "./hkdf.js";
export type { KdfPathSegment } from "./kdf.js";
export {
  clusterKeySeed,
  contractId,
  contractKeySeed,
  DERIVED_KEY_LENGTH,
  deriveKey,
  KDF_DOMAIN,
  kdfInfo,
} from "./kdf.js";
export type { X25519Keypair } from "./x25519.js";
export {
  X25519_KEY_LENGTH,
  X25519Error,
  x25519Ephemeral,
  x25519FromSecret,
  x25519Generate,
  x25519PublicKey,
  x25519SharedSecret,
} from "./x25519.js";
