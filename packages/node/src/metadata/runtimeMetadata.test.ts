import { fromHex, SIGNED_EXTENSION_IDENTIFIERS, toHex } from "@phala-ts/core";
import { decAnyMetadata, unifyMetadata, type V14 } from "@polkadot-api/substrate-bindings";
import { describe, expect, it } from "vitest";
import { createPhalaRuntime } from "../pallets/phalaRuntime.js";
import { EMPTY_ACCOUNT } from "../pallets/system.js";
import { buildMetadata, runtimeMetadataV14 } from "./index.js";
import { snakeCase } from "./snakeCase.js";

const runtime = createPhalaRuntime();
const bytes = buildMetadata(runtime);

function decodeV14(encoded: Uint8Array): V14 {
  const decoded = decAnyMetadata(encoded);
  if (decoded.metadata.tag !== "v14") throw new Error(`expected v14, got ${decoded.metadata.tag}`);
  return decoded.metadata.value;
}

const v14 = decodeV14(bytes);

function lookup(id: number | undefined) {
  const type = id === undefined ? undefined : v14.lookup[id];
  if (type === undefined) throw new Error(`no type ${id}`);
  return type;
}

function variants(id: number | undefined) {
  const { def } = lookup(id);
  if (def.tag !== "variant") throw new Error(`type ${id} is a ${def.tag}`);
  return def.value;
}

const byPath = (path: string) => v14.lookup.filter((type) => type.path.join("::") === path);

describe("buildMetadata", () => {
  it("is RuntimeMetadataPrefixed: magic 'meta', version 14", () => {
    expect(toHex(bytes.slice(0, 5))).toBe("0x6d6574610e");
    expect(decAnyMetadata(bytes).magicNumber).toBe(0x6174656d);
  });

  it("gives the same bytes for the same runtime, and the same value as runtimeMetadataV14", () => {
    expect(toHex(buildMetadata(createPhalaRuntime()))).toBe(toHex(bytes));
    expect(decodeV14(bytes)).toEqual(decodeV14(buildMetadata(runtime)));
    expect(runtimeMetadataV14(runtime).lookup.length).toBe(v14.lookup.length);
  });

  it("lists every pallet in index order with its calls, events and errors", () => {
    expect(v14.pallets.map((p) => [p.name, p.index])).toEqual(runtime.pallets.map((p) => [p.name, p.index]));
    for (const pallet of runtime.pallets) {
      const meta = v14.pallets.find((p) => p.name === pallet.name)!;
      const calls = Object.entries(pallet.calls ?? {});
      if (calls.length === 0) expect(meta.calls).toBeUndefined();
      else {
        const described = variants(meta.calls);
        expect(described.map((v) => [v.name, v.index])).toEqual(calls.map(([name, c]) => [snakeCase(name), c.index]));
        for (const [name, decl] of calls) {
          const variant = described.find((v) => v.name === snakeCase(name))!;
          expect(variant.fields.map((f) => f.name)).toEqual(Object.keys(decl.argFields).map(snakeCase));
          expect(variant.docs).toEqual(decl.docs === "" ? [] : [decl.docs]);
        }
      }
      const events = pallet.events?.def;
      if (events?.kind !== "variant") expect(meta.events).toBeUndefined();
      else expect(variants(meta.events).map((v) => v.name)).toEqual(events.variants.map((v) => v.name));
      if (pallet.errors === undefined) expect(meta.errors).toBeUndefined();
      else
        expect(variants(meta.errors).map((v) => [v.name, v.index])).toEqual(pallet.errors.names.map((n, i) => [n, i]));
    }
    const transfer = variants(v14.pallets.find((p) => p.name === "Balances")!.calls).find(
      (v) => v.name === "transfer_keep_alive",
    )!;
    expect(transfer.fields.map((f) => [f.name, lookup(f.type).path.join("::") || lookup(f.type).def.tag])).toEqual([
      ["dest", "sp_runtime::multiaddress::MultiAddress"],
      ["value", "compact"],
    ]);
  });

  it("lists every storage item under its pallet's prefix, System.Events included", () => {
    for (const pallet of runtime.pallets) {
      const meta = v14.pallets.find((p) => p.name === pallet.name)!;
      const declared = Object.keys(pallet.storage ?? {});
      if (pallet.name === "System") declared.push("Events");
      if (declared.length === 0) expect(meta.storage).toBeUndefined();
      else {
        expect(meta.storage?.prefix).toBe(pallet.name);
        expect(meta.storage?.items.map((i) => i.name)).toEqual(declared);
      }
    }
    const system = v14.pallets.find((p) => p.name === "System")!.storage!.items;
    const account = system.find((i) => i.name === "Account")!;
    expect(account.modifier).toBe(1);
    expect(account.type.tag).toBe("map");
    if (account.type.tag === "map") {
      expect(account.type.value.hashers).toEqual([{ tag: "Blake2128Concat", value: undefined }]);
      expect(lookup(account.type.value.key).path).toEqual(["sp_core", "crypto", "AccountId32"]);
      expect(lookup(account.type.value.value).path).toEqual(["frame_system", "AccountInfo"]);
    }
    const infoCodec = runtime.pallet("System")!.storage!["Account"]!.decl;
    expect(infoCodec.kind === "map" && infoCodec.value.codec.dec(fromHex(account.fallback))).toEqual(EMPTY_ACCOUNT);
    expect(account.docs).toEqual(["The full account information for a particular account ID."]);
    const extrinsicCount = system.find((i) => i.name === "ExtrinsicCount")!;
    expect([extrinsicCount.modifier, extrinsicCount.fallback]).toEqual([0, "0x00"]);
    const events = system.find((i) => i.name === "Events")!;
    expect([events.modifier, events.fallback]).toEqual([1, "0x00"]);
    if (events.type.tag !== "plain") throw new Error("System.Events is a plain value");
    const record = lookup(events.type.value);
    expect(record.def.tag).toBe("sequence");
    if (record.def.tag === "sequence") expect(lookup(record.def.value).path).toEqual(["frame_system", "EventRecord"]);
    const blockHash = system.find((i) => i.name === "BlockHash")!;
    expect(blockHash.type.tag === "map" && blockHash.type.value.hashers[0]?.tag).toBe("Twox64Concat");
  });

  it("encodes every constant's declared value", () => {
    for (const pallet of runtime.pallets) {
      const meta = v14.pallets.find((p) => p.name === pallet.name)!;
      const declared = Object.entries(pallet.constants ?? {});
      expect(meta.constants.map((c) => c.name)).toEqual(declared.map(([name]) => name));
      for (const [name, constant] of declared) {
        const described = meta.constants.find((c) => c.name === name)!;
        expect(constant.type.codec.dec(fromHex(described.value))).toEqual(constant.value);
      }
    }
    const ed = v14.pallets.find((p) => p.name === "Balances")!.constants[0]!;
    expect(ed.value).toBe("0x00e40b54020000000000000000000000");
    expect(lookup(ed.type).def).toEqual({ tag: "primitive", value: { tag: "u128", value: undefined } });
  });

  it("describes the v4 extrinsic: UncheckedExtrinsic with its parameters and our signed extensions", () => {
    expect(v14.extrinsic.version).toBe(4);
    const unchecked = lookup(v14.extrinsic.type);
    expect(unchecked.path).toEqual(["sp_runtime", "generic", "unchecked_extrinsic", "UncheckedExtrinsic"]);
    expect(unchecked.params.map((p) => [p.name, lookup(p.type).path.join("::")])).toEqual([
      ["Address", "sp_runtime::multiaddress::MultiAddress"],
      ["Call", "RuntimeCall"],
      ["Signature", "sp_runtime::MultiSignature"],
      ["Extra", ""],
    ]);
    expect(v14.extrinsic.signedExtensions.map((e) => e.identifier)).toEqual([...SIGNED_EXTENSION_IDENTIFIERS]);
    const additional = Object.fromEntries(
      v14.extrinsic.signedExtensions.map((e) => [e.identifier, lookup(e.additionalSigned).path.join("::")]),
    );
    expect(additional["CheckGenesis"]).toBe("primitive_types::H256");
    expect(lookup(v14.extrinsic.signedExtensions[1]!.additionalSigned).def.tag).toBe("primitive");
    const mortality = lookup(v14.extrinsic.signedExtensions[4]!.type);
    expect(mortality.def.tag === "composite" && lookup(mortality.def.value[0]!.type).path.at(-1)).toBe("Era");
    const era = variants(byPath("sp_runtime::generic::era::Era")[0]!.id);
    expect(era.length).toBe(256);
    expect([era[0]!.name, era[255]!.name, era[255]!.index]).toEqual(["Immortal", "Mortal255", 255]);
  });

  it("reaches DispatchError, EventRecord and the RuntimeCall/RuntimeEvent enums, each once", () => {
    for (const path of [
      "sp_runtime::DispatchError",
      "sp_runtime::ModuleError",
      "frame_system::EventRecord",
      "frame_system::Phase",
      "RuntimeCall",
      "RuntimeEvent",
      "sp_core::crypto::AccountId32",
    ]) {
      expect(byPath(path), path).toHaveLength(1);
    }
    const record = byPath("frame_system::EventRecord")[0]!;
    expect(record.params.map((p) => [p.name, lookup(p.type).path.join("::")])).toEqual([
      ["E", "RuntimeEvent"],
      ["T", "primitive_types::H256"],
    ]);
    const runtimeCall = variants(byPath("RuntimeCall")[0]!.id);
    expect(runtimeCall.map((v) => [v.name, v.index])).toEqual(
      runtime.pallets.filter((p) => p.callType !== undefined).map((p) => [p.name, p.index]),
    );
    expect(v14.lookup.map((t) => t.id)).toEqual(v14.lookup.map((_, i) => i));
  });

  it("is accepted by substrate-bindings' unifyMetadata", () => {
    const unified = unifyMetadata(decAnyMetadata(bytes));
    expect(unified.version).toBe(14);
    expect(unified.pallets.map((p) => p.name)).toEqual(runtime.pallets.map((p) => p.name));
  });
});
