import type { Pallet } from "../runtime/pallet.js";
import { type AnyScaleType, t } from "../runtime/scaleType.js";
import { type DocumentedVariantDef, docLines, type MetaScaleType } from "./metaType.js";
import { snakeCase } from "./snakeCase.js";

/**
 * The pallet's `Call` enum as metadata describes it: one variant per call, named in snake_case,
 * with the call's arguments as its fields and its docs. The runtime's own `callType` wraps each
 * call's arguments in one anonymous struct, which encodes the same bytes.
 */
export function palletCallType(pallet: Pallet): MetaScaleType | undefined {
  const { callType, calls } = pallet;
  if (callType === undefined || calls === undefined) return undefined;
  const variants: DocumentedVariantDef[] = Object.entries(calls).map(([name, decl]) => ({
    name: snakeCase(name),
    index: decl.index,
    fields: Object.entries(decl.argFields).map(([field, type]) => ({ name: field, type })),
    unnamed: false,
    docs: docLines(decl.docs),
  }));
  return { codec: callType.codec, path: callType.path, def: { kind: "variant", variants } };
}

/** Next to the pallet's `Event` enum when it has one (`frame_system::pallet::Error`), else `<Pallet>::Error`. */
function errorPath(pallet: Pallet): string[] {
  const eventPath = pallet.events?.path;
  if (eventPath !== undefined && eventPath.at(-1) === "Event") return [...eventPath.slice(0, -1), "Error"];
  return [pallet.name, "Error"];
}

/** The pallet's `Error` enum: the error names, indexed by position as FRAME's `#[pallet::error]`. */
export function palletErrorType(pallet: Pallet): AnyScaleType | undefined {
  const { errors } = pallet;
  if (errors === undefined) return undefined;
  return t.variant(errorPath(pallet), Object.fromEntries(errors.names.map((name, index) => [name, [index] as const])));
}
