import { DispatchError } from "../runtime/dispatchError.js";
import { bindStorage, call, definePallet } from "../runtime/pallet.js";
import { t } from "../runtime/scaleType.js";
import { storageValue } from "../runtime/storageItem.js";
import { DB_READ, DB_WRITE, weight } from "../runtime/weight.js";
import { PALLET_INDEX } from "./palletIndices.js";

/** Half the 1 s block time: consecutive timestamps must be at least this far apart. */
export const MINIMUM_PERIOD_MS = 500n;

const storage = bindStorage("Timestamp", {
  Now: storageValue(t.u64, { default: 0n, docs: "The current time for the current block, in milliseconds." }),
  DidUpdate: storageValue(t.bool, { default: false, docs: "Whether the timestamp has been updated in this block." }),
});

export const timestamp = definePallet({
  name: "Timestamp",
  index: PALLET_INDEX.Timestamp,
  docs: "The block's time, set once per block by the author as an inherent.",
  storage,
  constants: {
    MinimumPeriod: {
      type: t.u64,
      value: MINIMUM_PERIOD_MS,
      docs: "The minimum period between blocks, in milliseconds.",
    },
  },
  calls: {
    set: call({
      index: 0,
      args: { now: t.compactU64 },
      origin: "none",
      class: "Mandatory",
      paysFee: false,
      weight: weight(DB_READ.refTime + DB_WRITE.refTime * 2n),
      docs: "Set the current time (an inherent: the block author includes it first in every block).",
      execute({ exec }, { now }) {
        if (storage.DidUpdate.get(exec.state))
          throw DispatchError.other("Timestamp must be updated only once in the block");
        const previous = storage.Now.get(exec.state);
        if (previous !== 0n && now < previous + MINIMUM_PERIOD_MS) {
          throw DispatchError.other("Timestamp must increment by at least MinimumPeriod between sequential blocks");
        }
        storage.Now.set(exec.state, now);
        storage.DidUpdate.set(exec.state, true);
      },
    }),
  },
  hooks: {
    onFinalize(exec) {
      if (!storage.DidUpdate.get(exec.state)) throw new Error("Timestamp must be updated once in the block");
      storage.DidUpdate.remove(exec.state);
    },
  },
});

export const timestampStorage = storage;
