import { Metadata, TypeRegistry } from "@polkadot/types";
import { SIGNED_EXTENSION_IDENTIFIERS } from "./signedExtensions.js";

/** Pallet 5 (`Test`), call 0 `remark(Vec<u8>)`: the only call polkadot.js can build in this registry. */
export const REMARK_CALL_INDEX = [5, 0] as const;

interface TypeDef {
  path?: string[];
  params?: { name: string; type: number }[];
  def: Record<string, unknown>;
}

const field = (type: number, name: string | null = null) => ({ name, type, typeName: null, docs: [] });
const variant = (name: string, index: number, fields: ReturnType<typeof field>[] = []) => ({
  name,
  fields,
  index,
  docs: [],
});

/**
 * A metadata v14 lookup just large enough for polkadot.js to build and decode v4 extrinsics: the
 * UncheckedExtrinsic parameters tell it the address is a MultiAddress and the signature a
 * MultiSignature, and the EventRecord parameters keep it from warning.
 */
const TYPES: TypeDef[] = [
  /* 0 */ { def: { primitive: "U8" } },
  /* 1 */ { def: { sequence: { type: 0 } } },
  /* 2 */ { def: { array: { len: 32, type: 0 } } },
  /* 3 */ { path: ["sp_core", "crypto", "AccountId32"], def: { composite: { fields: [field(2)] } } },
  /* 4 */ { def: { primitive: "U32" } },
  /* 5 */ { def: { compact: { type: 4 } } },
  /* 6 */ { def: { array: { len: 20, type: 0 } } },
  /* 7 */ {
    path: ["sp_runtime", "multiaddress", "MultiAddress"],
    params: [
      { name: "AccountId", type: 3 },
      { name: "AccountIndex", type: 4 },
    ],
    def: {
      variant: {
        variants: [
          variant("Id", 0, [field(3)]),
          variant("Index", 1, [field(5)]),
          variant("Raw", 2, [field(1)]),
          variant("Address32", 3, [field(2)]),
          variant("Address20", 4, [field(6)]),
        ],
      },
    },
  },
  /* 8 */ { def: { array: { len: 64, type: 0 } } },
  /* 9 */ { def: { array: { len: 65, type: 0 } } },
  /* 10 */ { path: ["sp_core", "ed25519", "Signature"], def: { composite: { fields: [field(8)] } } },
  /* 11 */ { path: ["sp_core", "sr25519", "Signature"], def: { composite: { fields: [field(8)] } } },
  /* 12 */ { path: ["sp_core", "ecdsa", "Signature"], def: { composite: { fields: [field(9)] } } },
  /* 13 */ {
    path: ["sp_runtime", "MultiSignature"],
    def: {
      variant: {
        variants: [
          variant("Ed25519", 0, [field(10)]),
          variant("Sr25519", 1, [field(11)]),
          variant("Ecdsa", 2, [field(12)]),
        ],
      },
    },
  },
  /* 14 */ {
    path: ["pallet_test", "pallet", "Call"],
    def: { variant: { variants: [variant("remark", 0, [field(1, "remark")])] } },
  },
  /* 15 */ {
    path: ["phala_runtime", "RuntimeCall"],
    def: { variant: { variants: [variant("Test", REMARK_CALL_INDEX[0], [field(14)])] } },
  },
  /* 16 */ { def: { tuple: [] } },
  /* 17 */ {
    path: ["sp_runtime", "generic", "unchecked_extrinsic", "UncheckedExtrinsic"],
    params: [
      { name: "Address", type: 7 },
      { name: "Call", type: 15 },
      { name: "Signature", type: 13 },
      { name: "Extra", type: 16 },
    ],
    def: { composite: { fields: [field(1)] } },
  },
  /* 18 */ { path: ["phala_runtime", "RuntimeEvent"], def: { variant: { variants: [] } } },
  /* 19 */ { path: ["primitive_types", "H256"], def: { composite: { fields: [field(2)] } } },
  /* 20 */ {
    path: ["frame_system", "EventRecord"],
    params: [
      { name: "E", type: 18 },
      { name: "T", type: 19 },
    ],
    def: { composite: { fields: [field(18, "event")] } },
  },
];

/**
 * A polkadot.js registry for our chain's extrinsic format. The signed extensions are known to
 * polkadot.js by identifier, so it takes their extra and additional-signed types from its own
 * definitions, not from this metadata (their types here are all `()`).
 */
export function polkadotJsRegistry(): TypeRegistry {
  const registry = new TypeRegistry();
  const metadata = new Metadata(registry, {
    magicNumber: 0x6174656d,
    metadata: {
      v14: {
        lookup: {
          types: TYPES.map((type, id) => ({
            id,
            type: { path: type.path ?? [], params: type.params ?? [], def: type.def, docs: [] },
          })),
        },
        pallets: [
          { name: "Test", storage: null, calls: { type: 14 }, events: null, constants: [], errors: null, index: 5 },
        ],
        extrinsic: {
          type: 17,
          version: 4,
          signedExtensions: SIGNED_EXTENSION_IDENTIFIERS.map((identifier) => ({
            identifier,
            type: 16,
            additionalSigned: 16,
          })),
        },
        type: 16,
      },
    },
  });
  registry.setMetadata(metadata);
  return registry;
}
