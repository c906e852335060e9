export type { AuthoritySet } from "./authoritySet.js";
export { isSupermajority, totalWeight } from "./authoritySet.js";
export type { JustificationErrorCode, PrecommitSigner } from "./justification.js";
export { createJustification, JustificationError, verifyJustification } from "./justification.js";
export type { AuthorityList } from "./scheduledChange.js";
export {
  GRANDPA_ENGINE_ID,
  ScheduledChangeError,
  scheduledChangeDigest,
  scheduledChangeOf,
} from "./scheduledChange.js";
