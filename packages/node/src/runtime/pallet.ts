import type { CallContext, ExecutionContext } from "./context.js";
import type { PalletErrors } from "./dispatchError.js";
import type { OriginRequirement } from "./origin.js";
import type { StateOverlay } from "./overlay.js";
import { type AnyScaleType, type ScaleType, type TypeOf, t } from "./scaleType.js";
import {
  type AnyStorageDecl,
  StorageMap,
  type StorageMapDecl,
  StorageValue,
  type StorageValueDecl,
} from "./storageItem.js";
import type { DispatchClass, Weight } from "./weight.js";

type Args<F extends Record<string, AnyScaleType>> = { [K in keyof F]: TypeOf<F[K]> };

export interface CallDecl<A> {
  readonly index: number;
  readonly args: ScaleType<A>;
  readonly argFields: Readonly<Record<string, AnyScaleType>>;
  readonly origin: OriginRequirement;
  readonly weight: (args: A) => Weight;
  readonly class: DispatchClass;
  readonly paysFee: boolean;
  readonly docs: string;
  execute(ctx: CallContext, args: A): void;
}

// biome-ignore lint/suspicious/noExplicitAny: calls of any argument type, as pallets list them
export type AnyCallDecl = CallDecl<any>;

/** Declares a call: its index, arguments, required origin, weight and body, in one place. */
export function call<F extends Record<string, AnyScaleType>>(spec: {
  index: number;
  args: F;
  origin: OriginRequirement;
  weight: Weight | ((args: Args<F>) => Weight);
  class?: DispatchClass;
  paysFee?: boolean;
  docs?: string;
  execute(ctx: CallContext, args: Args<F>): void;
}): CallDecl<Args<F>> {
  const { weight } = spec;
  return {
    index: spec.index,
    args: t.struct([], spec.args) as ScaleType<Args<F>>,
    argFields: spec.args,
    origin: spec.origin,
    weight: typeof weight === "function" ? weight : () => weight,
    class: spec.class ?? "Normal",
    paysFee: spec.paysFee ?? true,
    docs: spec.docs ?? "",
    execute: spec.execute,
  };
}

export type BoundStorage<D extends Record<string, AnyStorageDecl>> = {
  [K in keyof D]: D[K] extends StorageValueDecl<infer T, infer Q>
    ? StorageValue<T, Q>
    : D[K] extends StorageMapDecl<infer Key, infer V, infer Q>
      ? StorageMap<Key, V, Q>
      : never;
};

/** Binds a pallet's storage declarations to its name, so each item knows its key prefix. */
export function bindStorage<D extends Record<string, AnyStorageDecl>>(pallet: string, decls: D): BoundStorage<D> {
  const bound: Record<string, unknown> = {};
  for (const [name, decl] of Object.entries(decls)) {
    bound[name] = decl.kind === "value" ? new StorageValue(pallet, name, decl) : new StorageMap(pallet, name, decl);
  }
  return bound as BoundStorage<D>;
}

// biome-ignore lint/suspicious/noExplicitAny: bound items of any type, as the pallet lists them
export type AnyStorageItem = StorageValue<any, any> | StorageMap<any, any, any>;

export interface PalletConstant {
  readonly type: AnyScaleType;
  readonly value: unknown;
  readonly docs?: string;
}

export interface PalletHooks {
  /** At the start of each block, before any extrinsic. */
  onInitialize?(exec: ExecutionContext): void;
  /** At the end of each block, after every extrinsic. */
  onFinalize?(exec: ExecutionContext): void;
}

export interface PalletDecl {
  readonly name: string;
  readonly index: number;
  readonly storage?: Record<string, AnyStorageItem>;
  readonly calls?: Record<string, AnyCallDecl>;
  readonly events?: AnyScaleType;
  readonly errors?: PalletErrors<string>;
  readonly constants?: Record<string, PalletConstant>;
  readonly hooks?: PalletHooks;
  /** Writes the pallet's genesis state from its part of the chain spec. */
  readonly genesis?: (state: StateOverlay, config: unknown) => void;
  readonly docs?: string;
}

export interface Pallet extends PalletDecl {
  /** The pallet's `Call` enum, one variant per call with its index. */
  readonly callType: AnyScaleType | undefined;
}

/** A pallet: storage, calls, events, errors and constants declared in one place. */
export function definePallet<const D extends PalletDecl>(decl: D): D & Pallet {
  let callType: AnyScaleType | undefined;
  if (decl.calls !== undefined && Object.keys(decl.calls).length > 0) {
    const variants = Object.fromEntries(
      Object.entries(decl.calls).map(([name, c]) => [name, [c.index, c.args] as const]),
    );
    callType = t.variant([decl.name, "Call"], variants);
  }
  return { ...decl, callType };
}
