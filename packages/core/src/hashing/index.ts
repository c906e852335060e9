export { blake2_128, blake2_256, blake2_256Parts, sha256, twox64, twox128, twox256 } from "./hashes.js";
