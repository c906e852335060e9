import { equalBytes } from "@phala-ts/core";
import type { ExecutionContext } from "../runtime/context.js";
import { DispatchError, DispatchErrorType, type DispatchErrorValue, PalletErrors } from "../runtime/dispatchError.js";
import { lookupAccount, MultiAddressType } from "../runtime/multiAddress.js";
import { ROOT, signedOrigin } from "../runtime/origin.js";
import { bindStorage, call, definePallet } from "../runtime/pallet.js";
import type { Runtime } from "../runtime/runtime.js";
import { AccountId32, type TypeOf, t } from "../runtime/scaleType.js";
import { storageValue } from "../runtime/storageItem.js";
import { DB_READ, DB_WRITE, weight } from "../runtime/weight.js";
import { PALLET_INDEX } from "./palletIndices.js";

const storage = bindStorage("Sudo", {
  Key: storageValue(AccountId32, { docs: "The `AccountId` of the sudo key." }),
});

const errors = new PalletErrors("Sudo", PALLET_INDEX.Sudo, ["RequireSudo"]);

const DispatchResultType = t.variant(["Result"], { Ok: [0, t.unit], Err: [1, DispatchErrorType] });

const events = t.variant(["pallet_sudo", "pallet", "Event"], {
  Sudid: [0, { sudoResult: DispatchResultType }],
  KeyChanged: [1, { old: t.option(AccountId32), new: AccountId32 }],
  KeyRemoved: [2],
  SudoAsDone: [3, { sudoResult: DispatchResultType }],
});
type SudoEvent = TypeOf<typeof events>;

const deposit = (exec: ExecutionContext, event: SudoEvent) => exec.deposit("Sudo", event);

function ensureSudo(exec: ExecutionContext, who: Uint8Array | undefined): void {
  const key = storage.Key.get(exec.state);
  if (who === undefined || key === undefined || !equalBytes(key, who)) throw errors.error("RequireSudo");
}

type DispatchResult = { type: "Ok"; value: undefined } | { type: "Err"; value: DispatchErrorValue };

/** Runs an inner dispatch; its failure is reported in the event, not propagated (as FRAME's sudo). */
function run(body: () => void): DispatchResult {
  try {
    body();
    return { type: "Ok", value: undefined };
  } catch (error) {
    if (error instanceof DispatchError) return { type: "Err", value: error.error };
    throw error;
  }
}

/** The sudo pallet needs the runtime it lives in (its calls carry a `RuntimeCall`). */
export function createSudo(getRuntime: () => Runtime) {
  const RuntimeCallType = t.lazy(() => getRuntime().callType);
  const innerWeight = (inner: TypeOf<typeof RuntimeCallType>) =>
    weight(getRuntime().dispatchInfo(inner).weight.refTime + DB_READ.refTime);
  return definePallet({
    name: "Sudo",
    index: PALLET_INDEX.Sudo,
    docs: "A single account that may dispatch calls as root (development governance).",
    storage,
    events,
    errors,
    calls: {
      sudo: call({
        index: 0,
        args: { call: RuntimeCallType },
        origin: "signed",
        weight: (args) => innerWeight(args.call),
        docs: "Authenticates the sudo key and dispatches a function call with `Root` origin.",
        execute({ exec, origin }, args) {
          ensureSudo(exec, origin.kind === "signed" ? origin.who : undefined);
          const sudoResult = run(() => getRuntime().dispatch(exec, ROOT, args.call));
          deposit(exec, { type: "Sudid", value: { sudoResult } });
        },
      }),
      setKey: call({
        index: 2,
        args: { new: MultiAddressType },
        origin: "signed",
        weight: weight(DB_READ.refTime + DB_WRITE.refTime),
        docs: "Authenticates the current sudo key and sets the given account as the new sudo key.",
        execute({ exec, origin }, args) {
          ensureSudo(exec, origin.kind === "signed" ? origin.who : undefined);
          const next = lookupAccount(args.new);
          const old = storage.Key.get(exec.state);
          storage.Key.set(exec.state, next);
          deposit(exec, { type: "KeyChanged", value: { old, new: next } });
        },
      }),
      sudoAs: call({
        index: 3,
        args: { who: MultiAddressType, call: RuntimeCallType },
        origin: "signed",
        weight: (args) => innerWeight(args.call),
        docs: "Authenticates the sudo key and dispatches a function call with `Signed` origin from a given account.",
        execute({ exec, origin }, args) {
          ensureSudo(exec, origin.kind === "signed" ? origin.who : undefined);
          const who = lookupAccount(args.who);
          const sudoResult = run(() => getRuntime().dispatch(exec, signedOrigin(who), args.call));
          deposit(exec, { type: "SudoAsDone", value: { sudoResult } });
        },
      }),
    },
    genesis(state, config) {
      const { key } = config as SudoGenesis;
      if (key !== undefined) storage.Key.set(state, key);
    },
  });
}

export interface SudoGenesis {
  readonly key?: Uint8Array;
}

export const sudoStorage = storage;
