import type { ChainMetadata } from "./chainMetadata.js";

/** A failed call's `DispatchError`, named as people read it. */
export interface DispatchErrorInfo {
  /** `Pallet.Error` for a module error (`Balances.InsufficientBalance`); otherwise the variant path (`BadOrigin`, `Token.FundsUnavailable`). */
  readonly name: string;
  /** The pallet of a module error. */
  readonly pallet?: string;
  /** The error's docs in metadata, if it has any. */
  readonly docs: string;
  /** As decoded through metadata. */
  readonly raw: unknown;
}

type Variant = { readonly type: string; readonly value?: unknown };

const isVariant = (value: unknown): value is Variant =>
  typeof value === "object" && value !== null && typeof (value as Variant).type === "string";

/**
 * Names a `DispatchError` decoded through metadata. The builders decode `Module(ModuleError)` as
 * the pallet's own error enum, so module errors come out as `{ Module: { Pallet: { Error } } }`.
 */
export function describeDispatchError(metadata: ChainMetadata, raw: unknown): DispatchErrorInfo {
  if (!isVariant(raw)) return { name: "Unknown", docs: "", raw };
  if (raw.type === "Module" && isVariant(raw.value)) {
    const pallet = raw.value.type;
    const error = isVariant(raw.value.value) ? raw.value.value.type : undefined;
    if (error === undefined) return { name: pallet, pallet, docs: "", raw };
    return { name: `${pallet}.${error}`, pallet, docs: metadata.docs(pallet, "errors", error), raw };
  }
  const path: string[] = [];
  for (let node: unknown = raw; isVariant(node); node = node.value) path.push(node.type);
  return { name: path.join("."), docs: "", raw };
}
