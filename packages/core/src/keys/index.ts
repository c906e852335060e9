export type { DeriveJunction } from "./deriveJunction.js";
export { deriveJunction, hardJunction, junctionChainCode, softJunction } from "./deriveJunction.js";
export type { DevAccountName, DevAccounts } from "./devAccounts.js";
export { DEV_ACCOUNT_NAMES, devAccount, devAccounts } from "./devAccounts.js";
export type { EcdsaKeypair } from "./ecdsa.js";
export {
  ecdsaAccountId,
  ecdsaFromSeed,
  ecdsaRecover,
  ecdsaRecoverPrehashed,
  ecdsaVerify,
  secp256k1EcdsaRecoverCompressed,
} from "./ecdsa.js";
export type { Ed25519Keypair } from "./ed25519.js";
export {
  assertLength,
  ed25519FromSeed,
  ed25519Generate,
  ed25519SignAsync,
  ed25519Verify,
  ed25519VerifyAsync,
  InvalidKeyError,
} from "./ed25519.js";
export {
  InvalidKeyMaterialError,
  KeyDerivationError,
  KeyUriError,
  UnknownKeyTypeError,
} from "./keyErrors.js";
export type { Ed25519AccountKeypair, Keypair, KeypairOf, KeypairType } from "./keypair.js";
export { ed25519Keypair, isKeypairType, KEYPAIR_TYPES, keypairFromSeed } from "./keypair.js";
export type { KeypairFromUriOptions } from "./keyring.js";
export { keypairFromUri } from "./keyring.js";
export { miniSecretFromMnemonic } from "./mnemonic.js";
export type { MultiSignature, MultiSignatureType } from "./multiSignature.js";
export {
  decodeMultiSignature,
  encodeMultiSignature,
  MultiSignatureCodec,
  MultiSignatureError,
  multiSign,
  verifyMultiSignature,
} from "./multiSignature.js";
export type { SecretUri } from "./secretUri.js";
export { DEV_PHRASE, parseSecretUri } from "./secretUri.js";
export { ecdsaDeriveHardSeed, ed25519DeriveHardSeed } from "./seedDerivation.js";
export type { Sr25519Backend, Sr25519Keypair } from "./sr25519.js";
export {
  sr25519Backend,
  sr25519DerivePublicSoft,
  sr25519FromSeed,
  sr25519Ready,
  sr25519Verify,
} from "./sr25519.js";
export type { Ss58Address, Ss58DecodeOptions, Ss58ErrorCode, Ss58PayloadLength } from "./ss58.js";
export { PHALA_SS58_PREFIX, Ss58Error, SUBSTRATE_SS58_PREFIX, ss58Decode, ss58Encode } from "./ss58.js";
