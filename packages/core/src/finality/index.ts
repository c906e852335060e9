export type { AuthoritySet } from "./authoritySet.js";
export { isSupermajority, totalWeight } from "./authoritySet.js";
export type { JustificationErrorCode, PrecommitSigner } from "./justification.js";
export { createJustification, JustificationError, verifyJustification } from "./justification.js";
