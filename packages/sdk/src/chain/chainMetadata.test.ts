import {
  clusterInfoCodec,
  clusterInfoKey,
  devAccounts,
  fromHex,
  storageKey,
  toHex,
  type WorkerRecord,
  workerRecordCodec,
  workerRecordKey,
} from "@phala-ts/core";
import { addressOf, buildMetadata } from "@phala-ts/node";
import { describe, expect, it } from "vitest";
import { errorCodeOf } from "../../../core/src/testing/errorCode.test-util.js";
import { nodeMetadata as metadata, runtime } from "../nodeMetadata.test-util.js";
import { SdkError } from "../sdkError.js";
import { ChainMetadata, snakeCase } from "./chainMetadata.js";

const { Alice, Bob } = devAccounts("sr25519");

const detailsOf = (run: () => unknown): Record<string, unknown> => {
  try {
    run();
  } catch (error) {
    if (error instanceof SdkError) return { code: error.code, message: error.message, ...error.details };
    throw error;
  }
  throw new Error("did not throw");
};

describe("the chain's metadata", () => {
  it("decodes the node's metadata and reads Phala's SS58 prefix from it", () => {
    expect(metadata.ss58Prefix).toBe(30);
    expect(ChainMetadata.decode(toHex(buildMetadata(runtime))).ss58Prefix).toBe(30);
    expect(errorCodeOf(() => ChainMetadata.decode(new Uint8Array([1, 2, 3])))).toBe("NODE_BAD_REPLY");
  });

  it("encodes calls byte for byte as the node's runtime does", () => {
    const transfer = runtime.encodeCall({
      type: "Balances",
      value: { type: "transferKeepAlive", value: { dest: addressOf(Bob.accountId), value: 12_345n } },
    });
    // By metadata name, by camelCase name; the destination as { Id }, as an address, as bytes.
    expect(
      metadata.encodeCall("Balances", "transfer_keep_alive", {
        dest: { type: "Id", value: Bob.accountId },
        value: 12_345n,
      }),
    ).toEqual(transfer);
    expect(metadata.encodeCall("Balances", "transferKeepAlive", { dest: toHex(Bob.accountId), value: 12_345 })).toEqual(
      transfer,
    );
    const bobAddress = metadata.encodeCall("Balances", "transfer_keep_alive", {
      dest: "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty",
      value: "12345",
    });
    expect(bobAddress).toEqual(transfer);

    const code = new Uint8Array([1, 2, 3]);
    const instantiate = {
      codeHash: new Uint8Array(32).fill(1),
      cluster: new Uint8Array(32).fill(2),
      args: new Uint8Array([4]),
      salt: new Uint8Array([5]),
      gasLimit: 7n,
      deposit: 70n,
    };
    expect(metadata.encodeCall("PhalaPhatContracts", "upload_code", { code })).toEqual(
      runtime.encodeCall({ type: "PhalaPhatContracts", value: { type: "uploadCode", value: { code } } }),
    );
    expect(
      metadata.encodeCall("PhalaPhatContracts", "instantiate", { ...instantiate, gas_limit: 7, gasLimit: undefined }),
    ).toEqual(runtime.encodeCall({ type: "PhalaPhatContracts", value: { type: "instantiate", value: instantiate } }));
  });

  it("encodes nested calls and enums given by name", () => {
    const inner = {
      type: "Balances",
      value: { type: "force_set_balance", value: { who: Alice.accountId, new_free: 1n } },
    };
    const sudo = metadata.encodeCall("Sudo", "sudo", { call: inner });
    expect(sudo).toEqual(
      runtime.encodeCall({
        type: "Sudo",
        value: {
          type: "sudo",
          value: {
            call: {
              type: "Balances",
              value: { type: "forceSetBalance", value: { who: addressOf(Alice.accountId), newFree: 1n } },
            },
          },
        },
      }),
    );
    expect(metadata.encodeCall("PhalaPhatContracts", "add_cluster", { workers: [], permission: "Public" })).toEqual(
      runtime.encodeCall({
        type: "PhalaPhatContracts",
        value: { type: "addCluster", value: { workers: [], permission: { type: "Public", value: undefined } } },
      }),
    );
  });

  it("refuses unknown calls and arguments that do not fit, naming where", () => {
    expect(detailsOf(() => metadata.encodeCall("Nope", "x"))).toMatchObject({
      code: "METADATA_MISMATCH",
      pallet: "Nope",
    });
    expect(detailsOf(() => metadata.encodeCall("Balances", "mint"))).toMatchObject({
      code: "METADATA_MISMATCH",
      calls: expect.arrayContaining(["transfer_keep_alive"]),
    });
    const transfer = (args: Record<string, unknown>) => () =>
      metadata.encodeCall("Balances", "transfer_keep_alive", args);
    expect(detailsOf(transfer({ dest: Bob.accountId }))).toMatchObject({ code: "ARGS_INVALID", path: "value" });
    expect(detailsOf(transfer({ dest: Bob.accountId, value: 1n, memo: "x" }))).toMatchObject({
      code: "ARGS_INVALID",
      unknown: ["memo"],
    });
    expect(detailsOf(transfer({ dest: Bob.accountId, value: -1n }))).toMatchObject({
      code: "ARGS_INVALID",
      path: "value",
    });
    expect(detailsOf(transfer({ dest: Bob.accountId, value: 1n << 128n }))).toMatchObject({ code: "ARGS_INVALID" });
    expect(detailsOf(transfer({ dest: Bob.accountId, value: 1.5 }))).toMatchObject({ code: "ARGS_INVALID" });
    expect(detailsOf(transfer({ dest: "0x1234", value: 1n }))).toMatchObject({ code: "ARGS_INVALID", path: "dest.Id" });
    expect(detailsOf(transfer({ dest: { type: "Nope", value: 1 }, value: 1n }))).toMatchObject({
      code: "ARGS_INVALID",
      path: "dest",
    });
    const instantiate = () =>
      metadata.encodeCall("PhalaPhatContracts", "instantiate", {
        code_hash: new Uint8Array(31),
        cluster: new Uint8Array(32),
        args: new Uint8Array(),
        salt: new Uint8Array(),
        gas_limit: 1n,
        deposit: 1n,
      });
    expect(detailsOf(instantiate)).toMatchObject({ code: "ARGS_INVALID", path: "code_hash" });
  });

  it("builds the storage keys core and the node use, and decodes their values", () => {
    expect(fromHex(metadata.storageKey("System", "Account", Alice.accountId))).toEqual(
      storageKey("System", "Account", ["Blake2_128Concat", Alice.accountId]),
    );
    const identity = new Uint8Array(32).fill(0xab);
    expect(fromHex(metadata.storageKey("PhalaRegistry", "Workers", identity))).toEqual(workerRecordKey(identity));
    expect(fromHex(metadata.storageKey("PhalaPhatContracts", "Clusters", toHex(identity)))).toEqual(
      clusterInfoKey(identity),
    );
    expect(errorCodeOf(() => metadata.storageKey("System", "Account", Alice.accountId, 1))).toBe("ARGS_INVALID");
    expect(errorCodeOf(() => metadata.storageKey("System", "Nope"))).toBe("METADATA_MISMATCH");

    const record: WorkerRecord = {
      pubkey: identity,
      ecdhPubkey: new Uint8Array(32).fill(2),
      runtimeVersion: 1,
      machineId: new Uint8Array([9, 9]),
      features: [1, 4],
      operator: Bob.accountId,
      attestationProvider: { type: "SgxDcap", value: undefined },
      measurement: new Uint8Array(32).fill(3),
      confidenceLevel: 2,
      lastUpdated: 1_700_000_000_000n,
    };
    expect(metadata.decodeStorage("PhalaRegistry", "Workers", workerRecordCodec.enc(record))).toEqual({
      pubkey: toHex(identity),
      ecdh_pubkey: toHex(record.ecdhPubkey),
      runtime_version: 1,
      machine_id: new Uint8Array([9, 9]),
      features: [1, 4],
      operator: metadata.builder.buildDefinition(0).dec(Bob.accountId),
      attestation_provider: { type: "SgxDcap", value: undefined },
      measurement: toHex(record.measurement),
      confidence_level: 2,
      last_updated: 1_700_000_000_000n,
    });
    const cluster = clusterInfoCodec.enc({
      permission: { type: "OnlyOwners", value: [Alice.accountId] },
      workers: [identity],
      masterRotationId: 3n,
    });
    expect(metadata.decodeStorage("PhalaPhatContracts", "Clusters", toHex(cluster))).toMatchObject({
      workers: [toHex(identity)],
      master_rotation_id: 3n,
    });
    // Absent values: a ValueQuery's default, an OptionQuery's undefined.
    expect(metadata.decodeStorage("System", "Account", null)).toMatchObject({ nonce: 0, data: { free: 0n } });
    expect(metadata.decodeStorage("PhalaRegistry", "Workers", null)).toBeUndefined();
    expect(metadata.decodeStorageKey("PhalaRegistry", "Workers", toHex(workerRecordKey(identity)))).toEqual([
      toHex(identity),
    ]);
  });

  it("reads constants and spells names as Rust does", () => {
    expect(metadata.constant("PhalaPhatContracts", "GasPrice")).toBe(10n);
    expect(errorCodeOf(() => metadata.constant("Balances", "Nope"))).toBe("METADATA_MISMATCH");
    expect(snakeCase("transferKeepAlive")).toBe("transfer_keep_alive");
    expect(snakeCase("push_command")).toBe("push_command");
  });
});
