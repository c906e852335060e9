import { decodeExact, PhalaError } from "@phala-ts/core";
import type { CallContext, ExecutionContext } from "./context.js";
import { DispatchError } from "./dispatchError.js";
import type { Origin } from "./origin.js";
import type { AnyCallDecl, Pallet } from "./pallet.js";
import { type AnyScaleType, H256, type ScaleType, t } from "./scaleType.js";
import { StorageValue, storageValue } from "./storageItem.js";
import type { DispatchInfo } from "./weight.js";

export interface RuntimeVersion {
  readonly specName: string;
  readonly implName: string;
  readonly authoringVersion: number;
  readonly specVersion: number;
  readonly implVersion: number;
  readonly transactionVersion: number;
  /** 1: the state trie uses LayoutV1; extrinsics roots stay LayoutV0 (see core's orderedTrieRoot). */
  readonly stateVersion: 1;
}

/** `{ type: palletName, value: { type: callName, value: args } }`. */
export interface RuntimeCall {
  readonly type: string;
  readonly value: { readonly type: string; readonly value: unknown };
}

export interface EventRecord {
  readonly phase: ExecutionContext["phase"];
  readonly event: { readonly type: string; readonly value: unknown };
  readonly topics: readonly Uint8Array[];
}

export class CallDecodeError extends PhalaError<"CALL_UNDECODABLE"> {
  override readonly name = "CallDecodeError";
}

const PhaseType = t.variant(["frame_system", "Phase"], {
  ApplyExtrinsic: [0, t.u32],
  Finalization: [1],
  Initialization: [2],
});

/** A runtime: the pallets, and the `RuntimeCall`/`RuntimeEvent` enums built from them by pallet index. */
export class Runtime {
  readonly pallets: readonly Pallet[];
  readonly callType: ScaleType<RuntimeCall>;
  readonly eventType: ScaleType<EventRecord["event"]>;
  readonly eventRecordType: AnyScaleType;
  /** `System.Events`: written once per block from the event buffer, with this runtime's event type. */
  readonly systemEvents: StorageValue<EventRecord[], EventRecord[]>;
  readonly #byName = new Map<string, Pallet>();

  constructor(
    readonly version: RuntimeVersion,
    pallets: readonly Pallet[],
  ) {
    const indices = new Set<number>();
    for (const pallet of pallets) {
      if (this.#byName.has(pallet.name) || indices.has(pallet.index)) {
        throw new Error(`duplicate pallet ${pallet.name} (index ${pallet.index})`);
      }
      this.#byName.set(pallet.name, pallet);
      indices.add(pallet.index);
    }
    this.pallets = [...pallets].sort((a, b) => a.index - b.index);
    const withCalls = this.pallets.filter((p) => p.callType !== undefined);
    this.callType = t.variant(
      ["RuntimeCall"],
      Object.fromEntries(withCalls.map((p) => [p.name, [p.index, p.callType!] as const])),
    ) as unknown as ScaleType<RuntimeCall>;
    const withEvents = this.pallets.filter((p) => p.events !== undefined);
    this.eventType = t.variant(
      ["RuntimeEvent"],
      Object.fromEntries(withEvents.map((p) => [p.name, [p.index, p.events!] as const])),
    ) as unknown as ScaleType<EventRecord["event"]>;
    this.eventRecordType = t.struct(["frame_system", "EventRecord"], {
      phase: PhaseType,
      event: this.eventType,
      topics: t.vec(H256),
    });
    this.systemEvents = new StorageValue(
      "System",
      "Events",
      storageValue(t.vec(this.eventRecordType), { default: [] }),
    );
  }

  pallet(name: string): Pallet | undefined {
    return this.#byName.get(name);
  }

  decodeCall(bytes: Uint8Array): RuntimeCall {
    try {
      return decodeExact(this.callType.codec.dec, bytes, "call");
    } catch (cause) {
      throw new CallDecodeError(
        "CALL_UNDECODABLE",
        "the call does not decode against this runtime",
        {
          length: bytes.length,
          reason: cause instanceof PhalaError ? cause.code : String(cause),
        },
        { cause },
      );
    }
  }

  encodeCall(call: RuntimeCall): Uint8Array {
    return this.callType.codec.enc(call);
  }

  #declOf(call: RuntimeCall): AnyCallDecl {
    const decl = this.#byName.get(call.type)?.calls?.[call.value.type];
    if (decl === undefined) throw new Error(`unknown call ${call.type}.${call.value.type}`);
    return decl;
  }

  /** Weight, class and whether the call pays a fee, from its declaration. */
  dispatchInfo(call: RuntimeCall): DispatchInfo {
    const decl = this.#declOf(call);
    return {
      weight: decl.weight(call.value.value),
      class: { type: decl.class, value: undefined },
      paysFee: { type: decl.paysFee ? "Yes" : "No", value: undefined },
    };
  }

  /** The origin the call's declaration requires. */
  requiredOrigin(call: RuntimeCall): AnyCallDecl["origin"] {
    return this.#declOf(call).origin;
  }

  /** Runs the call with `origin`; throws DispatchError (storage and events then roll back). */
  dispatch(exec: ExecutionContext, origin: Origin, call: RuntimeCall): void {
    const decl = this.#declOf(call);
    if (decl.origin !== origin.kind) throw DispatchError.badOrigin();
    const ctx: CallContext = { exec, origin };
    exec.transactional(() => decl.execute(ctx, call.value.value));
  }

  encodeEvents(records: readonly EventRecord[]): Uint8Array {
    return this.systemEvents.decl.type.codec.enc(records as EventRecord[]);
  }
}
