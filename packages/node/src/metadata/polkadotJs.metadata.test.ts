import {
  clusterInfoCodec,
  clusterInfoKey,
  clusterKeysKey,
  contractInfoCodec,
  contractInfoKey,
  contractKeysKey,
  devAccounts,
  encodeExtrinsic,
  IMMORTAL_ERA,
  MAX_REPLIES_PER_MESSAGE,
  publicKeysCodec,
  signExtrinsic,
  toHex,
  topicFromString,
} from "@phala-ts/core";
import { Keyring } from "@polkadot/keyring";
import type { KeyringPair } from "@polkadot/keyring/types";
import { Metadata, TypeRegistry } from "@polkadot/types";
import type { Call, DispatchError, EventRecord, RuntimeVersion } from "@polkadot/types/interfaces";
import { expandMetadata } from "@polkadot/types/metadata";
import type { DecoratedMeta } from "@polkadot/types/metadata/decorate/types";
import type { StorageEntry } from "@polkadot/types/primitive/types";
import type { Codec } from "@polkadot/types/types";
import { cryptoWaitReady } from "@polkadot/util-crypto";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { BlockExecution, type ParentBlock } from "../chain/blockExecution.js";
import { checkExtrinsic } from "../chain/checkExtrinsic.js";
import { buildGenesisState } from "../chain/genesisState.js";
import { balancesStorage, EXISTENTIAL_DEPOSIT, PHA } from "../pallets/balances.js";
import { MAX_PAYLOAD_BYTES, mqStorage } from "../pallets/mq.js";
import { PALLET_INDEX } from "../pallets/palletIndices.js";
import { createPhalaRuntime } from "../pallets/phalaRuntime.js";
import {
  GAS_PRICE,
  MAX_COMMAND_BYTES,
  MAX_GAS_PER_COMMAND,
  MAX_REPLY_BYTES,
  phatContractsStorage,
} from "../pallets/phatContracts.js";
import { systemStorage } from "../pallets/system.js";
import { MINIMUM_PERIOD_MS, timestampStorage } from "../pallets/timestamp.js";
import { addressOf } from "../runtime/multiAddress.js";
import type { RuntimeCall } from "../runtime/runtime.js";
import { buildMetadata } from "./index.js";

const runtime = createPhalaRuntime();
const sr = devAccounts("sr25519");
const ed = devAccounts("ed25519");
const alice = sr.Alice.accountId;
const bob = sr.Bob.accountId;
const charlie = sr.Charlie.accountId;
const chain = { genesisHash: new Uint8Array(32).fill(0x42), maxExtrinsicSize: 64 * 1024 };
const genesisState = buildGenesisState(runtime, {
  Balances: {
    balances: [
      [alice, 1_000n * PHA],
      [ed.Alice.accountId, 1_000n * PHA],
    ],
  },
  Sudo: { key: alice },
  Session: { authorities: [[ed.Alice.publicKey, 1n]] },
});
const genesis: ParentBlock = { hash: chain.genesisHash, number: 0, state: genesisState };

/** An item of one of polkadot.js' decorated sections (`tx.balances.transferKeepAlive`), which must exist. */
function pick<T>(sections: Readonly<Record<string, Readonly<Record<string, T>>>>, section: string, item: string): T {
  const found = sections[section]?.[item];
  if (found === undefined) throw new Error(`polkadot.js has no ${section}.${item}`);
  return found;
}

const txOf = (section: string, method: string) => pick(tx, section, method);
const queryOf = (section: string, item: string) => pick(query, section, item);
const constOf = (section: string, name: string) => pick(consts, section, name);

const call = (pallet: string, name: string, args: unknown): RuntimeCall => ({
  type: pallet,
  value: { type: name, value: args },
});

let registry: TypeRegistry;
let tx: DecoratedMeta["tx"];
let query: DecoratedMeta["query"];
let consts: DecoratedMeta["consts"];
const warnings: unknown[][] = [];
let pairs: { readonly sr25519: KeyringPair; readonly ed25519: KeyringPair };

beforeAll(async () => {
  await cryptoWaitReady();
  const warn = vi.spyOn(console, "warn").mockImplementation((...args: unknown[]) => {
    warnings.push(args);
  });
  try {
    registry = new TypeRegistry();
    const metadata = new Metadata(registry, buildMetadata(runtime));
    registry.setMetadata(metadata);
    ({ tx, query, consts } = expandMetadata(registry, metadata));
    // polkadot.js resolves types lazily: build every one, so a type it cannot resolve warns now.
    for (const { id } of metadata.asLatest.lookup.types) registry.createType(registry.createLookupType(id)).toU8a();
  } finally {
    warn.mockRestore();
  }
  pairs = {
    sr25519: new Keyring({ type: "sr25519" }).addFromUri("//Alice"),
    ed25519: new Keyring({ type: "ed25519" }).addFromUri("//Alice"),
  };
});

describe("polkadot.js with our metadata", () => {
  it("loads it without a warning and knows our chain's account, address and signature types", () => {
    expect(warnings).toEqual([]);
    expect(registry.createType("AccountId").toU8a().length).toBe(32);
    expect(registry.createType("Address").toRawType()).toBe(registry.createType("MultiAddress").toRawType());
    expect(registry.signedExtensions).toEqual([
      "CheckNonZeroSender",
      "CheckSpecVersion",
      "CheckTxVersion",
      "CheckGenesis",
      "CheckMortality",
      "CheckNonce",
      "CheckWeight",
      "ChargeTransactionPayment",
    ]);
  });

  it("builds calls to the same bytes runtime.encodeCall gives, and decodes ours back", () => {
    const remark = Uint8Array.of(1, 2, 3);
    // polkadot.js reads a Uint8Array given for `Bytes` as already length-prefixed; hex is the raw bytes.
    const hex = toHex;
    const worker = ed.Bob.publicKey;
    const signedMessage = {
      message: {
        sender: { type: "Worker", value: worker },
        destination: topicFromString("phala/test"),
        payload: remark,
      },
      sequence: 7n,
      signature: new Uint8Array(64).fill(9),
    };
    const forceSet = call("Balances", "forceSetBalance", { who: addressOf(bob), newFree: 5n * PHA });
    const cases: [RuntimeCall, () => Call][] = [
      [call("System", "remark", { remark }), () => txOf("system", "remark")(hex(remark))],
      [call("System", "remarkWithEvent", { remark }), () => txOf("system", "remarkWithEvent")(hex(remark))],
      [call("Timestamp", "set", { now: 1_700_000_000_000n }), () => txOf("timestamp", "set")(1_700_000_000_000n)],
      [
        call("Balances", "transferAllowDeath", { dest: addressOf(bob), value: 3n * PHA }),
        () => txOf("balances", "transferAllowDeath")({ Id: bob }, 3n * PHA),
      ],
      [
        call("Balances", "forceTransfer", { source: addressOf(alice), dest: addressOf(bob), value: 1n }),
        () => txOf("balances", "forceTransfer")({ Id: alice }, { Id: bob }, 1n),
      ],
      [
        call("Balances", "transferKeepAlive", { dest: addressOf(bob), value: (1n << 100n) + 1n }),
        () => txOf("balances", "transferKeepAlive")({ Id: bob }, (1n << 100n) + 1n),
      ],
      [
        call("Balances", "transferAll", { dest: addressOf(bob), keepAlive: true }),
        () => txOf("balances", "transferAll")({ Id: bob }, true),
      ],
      [forceSet, () => txOf("balances", "forceSetBalance")({ Id: bob }, 5n * PHA)],
      [
        call("Sudo", "sudo", { call: forceSet }),
        () => txOf("sudo", "sudo")(txOf("balances", "forceSetBalance")({ Id: bob }, 5n * PHA)),
      ],
      [
        call("Sudo", "sudo", { call: call("Sudo", "sudo", { call: forceSet }) }),
        () => txOf("sudo", "sudo")(txOf("sudo", "sudo")(txOf("balances", "forceSetBalance")({ Id: bob }, 5n * PHA))),
      ],
      [
        call("Sudo", "sudoAs", { who: addressOf(bob), call: call("System", "remark", { remark }) }),
        () => txOf("sudo", "sudoAs")({ Id: bob }, txOf("system", "remark")(hex(remark))),
      ],
      [call("Sudo", "setKey", { new: addressOf(charlie) }), () => txOf("sudo", "setKey")({ Id: charlie })],
      [
        call("Session", "setAuthorities", { authorities: [[worker, 3n]] }),
        () => txOf("session", "setAuthorities")([[worker, 3n]]),
      ],
      [
        call("PhalaMq", "pushMessage", { destination: topicFromString("phala/contract/x/command"), payload: remark }),
        () => txOf("phalaMq", "pushMessage")(hex(topicFromString("phala/contract/x/command")), hex(remark)),
      ],
      [
        call("PhalaMq", "syncOffchainMessage", { signedMessage }),
        () =>
          txOf(
            "phalaMq",
            "syncOffchainMessage",
          )({
            message: {
              sender: { Worker: worker },
              destination: hex(topicFromString("phala/test")),
              payload: hex(remark),
            },
            sequence: 7n,
            signature: new Uint8Array(64).fill(9),
          }),
      ],
      [call("PhalaRegistry", "rotateMasterKey", {}), () => txOf("phalaRegistry", "rotateMasterKey")()],
      [
        call("PhalaPhatContracts", "addCluster", {
          workers: [worker],
          permission: { type: "OnlyOwners", value: [alice, bob] },
        }),
        () => txOf("phalaPhatContracts", "addCluster")([worker], { OnlyOwners: [alice, bob] }),
      ],
      [
        call("PhalaPhatContracts", "addCluster", { workers: [], permission: { type: "Public", value: undefined } }),
        () => txOf("phalaPhatContracts", "addCluster")([], "Public"),
      ],
      [
        call("PhalaPhatContracts", "instantiate", {
          codeHash: worker,
          cluster: alice,
          args: Uint8Array.of(9, 8),
          salt: remark,
          gasLimit: (1n << 63n) + 5n,
          deposit: (1n << 100n) + 3n,
        }),
        () =>
          txOf("phalaPhatContracts", "instantiate")(
            worker,
            alice,
            "0x0908",
            hex(remark),
            (1n << 63n) + 5n,
            (1n << 100n) + 3n,
          ),
      ],
      [
        call("PhalaPhatContracts", "pushCommand", {
          contractId: bob,
          payload: remark,
          gasLimit: 2_000_000_000n,
          deposit: 20_000_000_000n,
        }),
        () => txOf("phalaPhatContracts", "pushCommand")(bob, hex(remark), 2_000_000_000n, 20_000_000_000n),
      ],
    ];
    for (const [ours, theirs] of cases) {
      const label = `${ours.type}.${ours.value.type}`;
      const bytes = runtime.encodeCall(ours);
      expect(theirs().toHex(), label).toBe(toHex(bytes));
      const decoded = registry.createType("Call", bytes);
      expect(`${decoded.section}.${decoded.method}`, label).toBe(
        `${ours.type[0]!.toLowerCase()}${ours.type.slice(1)}.${ours.value.type}`,
      );
      expect(decoded.toHex(), label).toBe(toHex(bytes));
    }
    // Only built, not re-encoded: polkadot.js itself re-encodes a decoded MultiAddress::Index differently.
    const toIndex = call("Balances", "transferKeepAlive", { dest: { type: "Index", value: 70_000 }, value: 0n });
    expect(txOf("balances", "transferKeepAlive")({ Index: 70_000 }, 0n).toHex()).toBe(
      toHex(runtime.encodeCall(toIndex)),
    );
    const transferKeepAlive = registry.findMetaCall(Uint8Array.of(PALLET_INDEX.Balances, 3));
    expect([transferKeepAlive.section, transferKeepAlive.method]).toEqual(["balances", "transferKeepAlive"]);
    expect(transferKeepAlive.meta.args.map((a) => a.name.toString())).toEqual(["dest", "value"]);
    expect(transferKeepAlive({ Id: bob }, PHA).toHex()).toBe(
      toHex(runtime.encodeCall(call("Balances", "transferKeepAlive", { dest: addressOf(bob), value: PHA }))),
    );
  });

  it("derives the same storage keys, and decodes our values and the declared defaults", () => {
    const key = (entry: StorageEntry, ...args: unknown[]) => registry.createType("StorageKey", [entry, args]);
    const account = key(queryOf("system", "account"), alice);
    expect(toHex(account.toU8a(true))).toBe(toHex(systemStorage.Account.keyFor(alice)));
    const info = registry.createType(account.outputType, genesisState.get(systemStorage.Account.keyFor(alice)));
    expect(info.toJSON()).toMatchObject({ nonce: 0, providers: 1, data: { free: Number(1_000n * PHA) } });
    const fallback = registry.createType(account.outputType, queryOf("system", "account").meta.fallback.toU8a(true));
    expect(fallback.toJSON()).toMatchObject({
      nonce: 0,
      providers: 0,
      data: { free: 0, flags: `0x8${"0".repeat(31)}` },
    });

    expect(toHex(key(queryOf("timestamp", "now")).toU8a(true))).toBe(toHex(timestampStorage.Now.key));
    expect(toHex(key(queryOf("system", "blockHash"), 5).toU8a(true))).toBe(toHex(systemStorage.BlockHash.keyFor(5)));
    const worker = { type: "Worker", value: ed.Bob.publicKey } as const;
    expect(toHex(key(queryOf("phalaMq", "offchainIngress"), { Worker: ed.Bob.publicKey }).toU8a(true))).toBe(
      toHex(mqStorage.OffchainIngress.keyFor(worker)),
    );
    const issuance = key(queryOf("balances", "totalIssuance"));
    expect(toHex(issuance.toU8a(true))).toBe(toHex(balancesStorage.TotalIssuance.key));
    expect(
      registry.createType(issuance.outputType, genesisState.get(balancesStorage.TotalIssuance.key)).toString(),
    ).toBe((2_000n * PHA).toString());
  });

  it("reads the key hierarchy's records, as core writes them, with the metadata's types", () => {
    const id = new Uint8Array(32).fill(3);
    const aliceJson = registry.createType("AccountId", alice).toJSON();
    const keys = { pubkey: new Uint8Array(32).fill(4), ecdhPubkey: new Uint8Array(32).fill(5) };
    const keysJson = { pubkey: toHex(keys.pubkey), ecdhPubkey: toHex(keys.ecdhPubkey) };
    const records: [item: string, coreKey: Uint8Array, value: Uint8Array, json: unknown][] = [
      [
        "clusters",
        clusterInfoKey(id),
        clusterInfoCodec.enc({
          permission: { type: "OnlyOwners", value: [alice] },
          workers: [ed.Bob.publicKey],
          masterRotationId: 7n,
        }),
        { permission: { onlyOwners: [aliceJson] }, workers: [toHex(ed.Bob.publicKey)], masterRotationId: 7 },
      ],
      [
        "clusters",
        clusterInfoKey(id),
        clusterInfoCodec.enc({ permission: { type: "Public", value: undefined }, workers: [], masterRotationId: 0n }),
        { permission: { public: null }, workers: [], masterRotationId: 0 },
      ],
      ["clusterKeys", clusterKeysKey(id), publicKeysCodec.enc(keys), keysJson],
      [
        "contracts",
        contractInfoKey(id),
        contractInfoCodec.enc({ deployer: alice, codeHash: id, cluster: id, salt: Uint8Array.of(1, 2) }),
        {
          deployer: registry.createType("AccountId", alice).toJSON(),
          codeHash: toHex(id),
          cluster: toHex(id),
          salt: "0x0102",
        },
      ],
      ["contractKeys", contractKeysKey(id), publicKeysCodec.enc(keys), keysJson],
    ];
    for (const [item, coreKey, value, json] of records) {
      const storageKey = registry.createType("StorageKey", [queryOf("phalaPhatContracts", item), [id]]);
      expect(toHex(storageKey.toU8a(true)), item).toBe(toHex(coreKey));
      const decoded = registry.createType(storageKey.outputType, value);
      expect(decoded.toHex(), item).toBe(toHex(value));
      expect(decoded.toJSON(), item).toEqual(json);
    }
  });

  it("reads contract commands' records under the keys we write them, (contract, index) included", () => {
    const id = new Uint8Array(32).fill(3);
    const item = (name: string, ...args: unknown[]) =>
      registry.createType("StorageKey", [queryOf("phalaPhatContracts", name), args]);
    const pendingKey = item("pendingCommands", [id, 7n]);
    expect(toHex(pendingKey.toU8a(true))).toBe(toHex(phatContractsStorage.PendingCommands.keyFor([id, 7n])));
    const pending = { caller: alice, gasLimit: 5n, deposit: 50n };
    const pendingValue = phatContractsStorage.PendingCommands.decl.value.codec.enc(pending);
    expect(registry.createType(pendingKey.outputType, pendingValue).toJSON()).toEqual({
      caller: registry.createType("AccountId", alice).toJSON(),
      gasLimit: 5,
      deposit: 50,
    });
    const rootKey = item("stateRoots", id);
    expect(toHex(rootKey.toU8a(true))).toBe(toHex(phatContractsStorage.StateRoots.keyFor(id)));
    const record = { index: 32n, stateRoot: new Uint8Array(32).fill(1), reporter: ed.Bob.publicKey };
    const rootValue = phatContractsStorage.StateRoots.decl.value.codec.enc(record);
    expect(registry.createType(rootKey.outputType, rootValue).toJSON()).toEqual({
      index: 32,
      stateRoot: toHex(record.stateRoot),
      reporter: toHex(ed.Bob.publicKey),
    });
    expect(toHex(item("commandCounter", id).toU8a(true))).toBe(toHex(phatContractsStorage.CommandCounter.keyFor(id)));
    expect(toHex(item("diverged", id).toU8a(true))).toBe(toHex(phatContractsStorage.Diverged.keyFor(id)));
  });

  it("reads our constants as their declared values", () => {
    expect(constOf("balances", "existentialDeposit").toString()).toBe(EXISTENTIAL_DEPOSIT.toString());
    expect(constOf("timestamp", "minimumPeriod").toString()).toBe(MINIMUM_PERIOD_MS.toString());
    expect(constOf("system", "ss58Prefix").toString()).toBe("30");
    expect(constOf("phalaMq", "maxPayloadBytes").toString()).toBe(String(MAX_PAYLOAD_BYTES));
    expect(constOf("transactionPayment", "operationalFeeMultiplier").toString()).toBe("5");
    const phat = (name: string) => constOf("phalaPhatContracts", name).toString();
    expect(
      ["maxCommandBytes", "maxReplyBytes", "maxRepliesPerMessage", "maxGasPerCommand", "gasPrice"].map(phat),
    ).toEqual(
      [MAX_COMMAND_BYTES, MAX_REPLY_BYTES, MAX_REPLIES_PER_MESSAGE, MAX_GAS_PER_COMMAND, GAS_PRICE].map(String),
    );
  });

  it("decodes a block's System.Events with the right pallets, events, phases and data", () => {
    const block = new BlockExecution(runtime, chain, genesis, []);
    const timestamp = encodeExtrinsic({ call: runtime.encodeCall(call("Timestamp", "set", { now: 1_000_000n })) });
    block.apply(block.check(timestamp));
    const signed = (nonce: number, inner: RuntimeCall) =>
      signExtrinsic(
        sr.Alice,
        runtime.encodeCall(inner),
        { era: IMMORTAL_ERA, nonce, tip: 0n },
        { specVersion: 1, transactionVersion: 1, genesisHash: chain.genesisHash, birthHash: chain.genesisHash },
      );
    const transfer = (value: bigint) => call("Balances", "transferKeepAlive", { dest: addressOf(charlie), value });
    const calls = [
      transfer(2n * PHA),
      transfer(5_000n * PHA),
      call("Sudo", "sudo", { call: call("Balances", "forceSetBalance", { who: addressOf(bob), newFree: PHA }) }),
      call("Sudo", "sudo", { call: call("Session", "setAuthorities", { authorities: [] }) }),
      call("PhalaMq", "pushMessage", { destination: topicFromString("phala/test"), payload: Uint8Array.of(1) }),
    ];
    calls.forEach((inner, nonce) => {
      block.apply(block.check(signed(nonce, inner)));
    });
    const built = block.finalize();
    const raw = built.state.get(runtime.systemEvents.key)!;
    const ours = runtime.systemEvents.get(built.state);
    const theirs = registry.createType<Codec & EventRecord[]>("Vec<EventRecord>", raw);
    expect(toHex(theirs.toU8a())).toBe(toHex(raw));
    expect(theirs.length).toBe(ours.length);
    theirs.forEach((record, i) => {
      const our = ours[i]!;
      const pallet = our.event.type;
      expect(`${record.event.section}.${record.event.method}`).toBe(
        `${pallet[0]!.toLowerCase()}${pallet.slice(1)}.${(our.event.value as { type: string }).type}`,
      );
      expect(record.phase.type).toBe(our.phase.type);
      if (our.phase.type === "ApplyExtrinsic") expect(record.phase.asApplyExtrinsic.toNumber()).toBe(our.phase.value);
      expect(record.topics.length).toBe(our.topics.length);
    });
    const named = (section: string, method: string) =>
      theirs.filter((r) => r.event.section === section && r.event.method === method).map((r) => r.event);
    const [transferEvent] = named("balances", "Transfer");
    expect(transferEvent?.data.names).toEqual(["from", "to", "amount"]);
    expect(transferEvent?.data.map((d) => d.toHex())).toEqual([
      toHex(alice),
      toHex(charlie),
      registry.createType("u128", 2n * PHA).toHex(),
    ]);
    const [endowed] = named("balances", "Endowed");
    expect(endowed?.data.names).toEqual(["account", "freeBalance"]);
    expect(endowed?.data[1]?.toString()).toBe((2n * PHA).toString());
    const [failed] = named("system", "ExtrinsicFailed");
    const dispatchError = failed?.data[0] as DispatchError;
    expect(dispatchError.isModule).toBe(true);
    const meta = registry.findMetaError(dispatchError.asModule);
    expect([meta.section, meta.name]).toEqual(["balances", "InsufficientBalance"]);
    const sudid = named("sudo", "Sudid").map((e) => e.data[0]?.toJSON());
    expect(sudid).toEqual([{ ok: null }, { err: { module: { index: PALLET_INDEX.Session, error: "0x00000000" } } }]);
    const [success] = named("system", "ExtrinsicSuccess");
    expect(success?.data.toJSON()).toMatchObject([{ class: "Mandatory", paysFee: "No" }]);
    const [queued] = named("phalaMq", "MessageQueued");
    expect(queued?.data.toJSON()).toEqual([
      { accountId: registry.createType("AccountId", alice).toJSON() },
      toHex(topicFromString("phala/test")),
      null,
    ]);
    expect(named("transactionPayment", "TransactionFeePaid")).toHaveLength(calls.length);
  });

  it("signs extrinsics that our checkExtrinsic accepts and decodes to the same call", () => {
    const runtimeVersion = registry.createType<RuntimeVersion>("RuntimeVersion", {
      specVersion: runtime.version.specVersion,
      transactionVersion: runtime.version.transactionVersion,
    });
    const options = (nonce: number, mortal: boolean) => ({
      blockHash: chain.genesisHash,
      genesisHash: chain.genesisHash,
      era: mortal
        ? registry.createType("ExtrinsicEra", { current: 0, period: 64 })
        : registry.createType("ExtrinsicEra"),
      nonce,
      tip: 7n,
      runtimeVersion,
      signedExtensions: registry.signedExtensions,
    });
    const block = new BlockExecution(runtime, chain, genesis, []);
    block.apply(
      block.check(encodeExtrinsic({ call: runtime.encodeCall(call("Timestamp", "set", { now: 1_000_000n })) })),
    );
    const transfer = {
      ours: call("Balances", "transferKeepAlive", { dest: addressOf(charlie), value: 3n * PHA }),
      theirs: () => txOf("balances", "transferKeepAlive")({ Id: charlie }, 3n * PHA),
    };
    const sudo = {
      ours: call("Sudo", "sudo", {
        call: call("Balances", "forceSetBalance", { who: addressOf(bob), newFree: 9n * PHA }),
      }),
      theirs: () => txOf("sudo", "sudo")(txOf("balances", "forceSetBalance")({ Id: bob }, 9n * PHA)),
    };
    const cases = [
      { pair: pairs.sr25519, nonce: 0, mortal: true, ...transfer },
      { pair: pairs.sr25519, nonce: 1, mortal: false, ...sudo },
      { pair: pairs.ed25519, nonce: 0, mortal: true, ...transfer },
    ];
    for (const { pair, nonce, mortal, ours, theirs } of cases) {
      const extrinsic = registry.createType("Extrinsic", theirs());
      extrinsic.sign(pair, options(nonce, mortal));
      const bytes = extrinsic.toU8a();
      const checked = checkExtrinsic(runtime, chain, genesisState, 1, bytes);
      expect(checked.call).toEqual(ours);
      expect(checked.signed?.signer).toEqual(pair.publicKey);
      expect(checked.signed?.signature.type).toBe(pair.type === "sr25519" ? "Sr25519" : "Ed25519");
      expect(checked.signed?.extra).toEqual({
        era: mortal ? { type: "Mortal", period: 64, phase: 0 } : IMMORTAL_ERA,
        nonce,
        tip: 7n,
      });
      expect(toHex(checked.hash)).toBe(extrinsic.hash.toHex());
      expect(block.apply(block.check(bytes)).dispatchError).toBeUndefined();
    }
    const after = block.finalize().state;
    expect(systemStorage.Account.get(after, charlie).data.free).toBe(6n * PHA);
    expect(systemStorage.Account.get(after, bob).data.free).toBe(9n * PHA);

    const tampered = registry.createType("Extrinsic", transfer.theirs());
    tampered.sign(pairs.sr25519, { ...options(0, false), genesisHash: new Uint8Array(32) });
    expect(() => checkExtrinsic(runtime, chain, genesisState, 1, tampered.toU8a())).toThrow(
      expect.objectContaining({ reason: "BadProof" }),
    );
  });

  it("decodes an extrinsic we sign into the call we signed", () => {
    const inner = call("PhalaMq", "pushMessage", {
      destination: topicFromString("phala/x"),
      payload: Uint8Array.of(5),
    });
    const bytes = signExtrinsic(
      sr.Alice,
      runtime.encodeCall(inner),
      { era: IMMORTAL_ERA, nonce: 4, tip: 0n },
      { specVersion: 1, transactionVersion: 1, genesisHash: chain.genesisHash, birthHash: chain.genesisHash },
    );
    const theirs = registry.createType("Extrinsic", bytes);
    expect([theirs.method.section, theirs.method.method]).toEqual(["phalaMq", "pushMessage"]);
    expect(theirs.method.toHex()).toBe(toHex(runtime.encodeCall(inner)));
    expect(theirs.method.args.map((a) => toHex(a.toU8a(true)))).toEqual([toHex(topicFromString("phala/x")), "0x05"]);
    expect(theirs.signer.toString()).toBe(registry.createType("Address", { Id: alice }).toString());
    expect(theirs.nonce.toNumber()).toBe(4);
  });
});
