export type { HexString } from "./bytes.js";
export { byteKey, compareBytes, concatBytes, equalBytes, fromHex, InvalidHexError, toHex, utf8 } from "./bytes.js";
