export type { ScaleErrorCode } from "./decodeExact.js";
export { decodeExact, ScaleDecodeError } from "./decodeExact.js";
