import type { AnyScaleType, VariantDef } from "../runtime/scaleType.js";

/** A generic parameter of a type (`T` of `Option<T>`); `type` is undefined for an unused one. */
export interface TypeParam {
  readonly name: string;
  readonly type: AnyScaleType | undefined;
}

/**
 * A ScaleType with what metadata can say that the runtime's declarations do not carry: generic
 * parameters and docs. Types built inside metadata/ (Call enums with docs, the extrinsic's types)
 * use it; the portable registry reads these fields when present.
 */
export interface MetaScaleType extends AnyScaleType {
  readonly params?: readonly TypeParam[];
  readonly docs?: readonly string[];
}

export interface DocumentedVariantDef extends VariantDef {
  readonly docs?: readonly string[];
}

/** Doc lines as Substrate metadata lists them; an empty doc string gives none. */
export function docLines(docs: string | undefined): string[] {
  return docs === undefined || docs === "" ? [] : docs.split("\n");
}
