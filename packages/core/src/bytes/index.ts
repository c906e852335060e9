export type { HexString } from "./bytes.js";
export { compareBytes, concatBytes, equalBytes, fromHex, InvalidHexError, toHex, utf8 } from "./bytes.js";
