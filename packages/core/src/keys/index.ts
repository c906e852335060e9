export type { Ed25519Keypair } from "./ed25519.js";
export { assertLength, ed25519FromSeed, ed25519Generate, ed25519Verify, InvalidKeyError } from "./ed25519.js";
