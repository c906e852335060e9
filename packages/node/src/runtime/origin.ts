/** Who dispatches a call: a signed account, root (sudo, governance) or nobody (inherents, unsigned). */
export type Origin =
  | { readonly kind: "signed"; readonly who: Uint8Array }
  | { readonly kind: "root" }
  | { readonly kind: "none" };

export type OriginRequirement = "signed" | "root" | "none";

export const signedOrigin = (who: Uint8Array): Origin => ({ kind: "signed", who });
export const ROOT: Origin = { kind: "root" };
export const NONE: Origin = { kind: "none" };
