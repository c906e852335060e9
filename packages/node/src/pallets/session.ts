import { scheduledChangeDigest } from "@phala-ts/core";
import type { ExecutionContext } from "../runtime/context.js";
import { PalletErrors } from "../runtime/dispatchError.js";
import { bindStorage, call, definePallet } from "../runtime/pallet.js";
import { type TypeOf, t } from "../runtime/scaleType.js";
import { storageValue } from "../runtime/storageItem.js";
import { DB_READ, DB_WRITE, weight } from "../runtime/weight.js";
import { PALLET_INDEX } from "./palletIndices.js";

/** An Ed25519 authority key with its voting weight, as sp-consensus-grandpa's `(AuthorityId, u64)`. */
const AuthorityType = t.tuple(t.named(["sp_consensus_grandpa", "app", "Public"], t.fixed(32)), t.u64);
export const AuthorityListType = t.vec(AuthorityType);
export type AuthorityList = TypeOf<typeof AuthorityListType>;

const storage = bindStorage("Session", {
  Authorities: storageValue(AuthorityListType, { default: [], docs: "The current authority set and weights." }),
  CurrentSetId: storageValue(t.u64, { default: 0n, docs: "The number of changes of the authority set." }),
  PendingChange: storageValue(AuthorityListType, { docs: "The authority set that takes over at the next block." }),
});

const errors = new PalletErrors("Session", PALLET_INDEX.Session, [
  "EmptyAuthoritySet",
  "DuplicateAuthority",
  "ChangePending",
]);

const events = t.variant(["pallet_session", "pallet", "Event"], {
  NewAuthorities: [0, { authoritySet: AuthorityListType, setId: t.u64 }],
});

/**
 * The validator (authority) set. A change decided in block N is signalled in N's header as a
 * `ScheduledChange` digest with delay 0 and takes effect from block N + 1, under set id + 1.
 */
export const session = definePallet({
  name: "Session",
  index: PALLET_INDEX.Session,
  docs: "The authority set: which keys produce and finalize blocks, and its changes.",
  storage,
  events,
  errors,
  calls: {
    setAuthorities: call({
      index: 0,
      args: { authorities: AuthorityListType },
      origin: "root",
      weight: weight(DB_READ.refTime * 2n + DB_WRITE.refTime),
      docs: "Schedule a new authority set, effective from the next block.",
      execute({ exec }, { authorities }) {
        if (authorities.length === 0 || authorities.some(([, w]) => w === 0n)) throw errors.error("EmptyAuthoritySet");
        const ids = new Set(authorities.map(([id]) => Buffer.from(id).toString("hex")));
        if (ids.size !== authorities.length) throw errors.error("DuplicateAuthority");
        if (storage.PendingChange.get(exec.state) !== undefined) throw errors.error("ChangePending");
        storage.PendingChange.set(exec.state, authorities);
      },
    }),
  },
  hooks: {
    onInitialize(exec) {
      const pending = storage.PendingChange.get(exec.state);
      if (pending === undefined) return;
      const setId = storage.CurrentSetId.get(exec.state) + 1n;
      storage.Authorities.set(exec.state, pending);
      storage.CurrentSetId.set(exec.state, setId);
      storage.PendingChange.remove(exec.state);
      exec.deposit("Session", { type: "NewAuthorities", value: { authoritySet: pending, setId } });
    },
    onFinalize(exec: ExecutionContext) {
      const pending = storage.PendingChange.get(exec.state);
      if (pending === undefined) return;
      exec.digests.push(scheduledChangeDigest(pending));
    },
  },
  genesis(state, config) {
    const { authorities } = config as SessionGenesis;
    if (authorities.length === 0) throw new Error("genesis needs at least one authority");
    storage.Authorities.set(state, authorities);
  },
});

export interface SessionGenesis {
  readonly authorities: AuthorityList;
}

export const sessionStorage = storage;
