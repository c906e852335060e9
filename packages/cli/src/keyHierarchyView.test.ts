import {
  clusterIdFromIndex,
  gatekeeperListCodec,
  KEY_HIERARCHY_STORAGE,
  launchPendingCodec,
  rotationCounterCodec,
  rotationLockCodec,
  ScaleDecodeError,
  toHex,
} from "@phala-ts/core";
import { describe, expect, it } from "vitest";
import {
  bytes32,
  fixtureState,
  launchPendingState,
  memoryReader,
  memoryState,
} from "./keyHierarchyFixture.test-util.js";
import { readClusterView, readGatekeeperView } from "./keyHierarchyView.js";

describe("readGatekeeperView", () => {
  it("reads the gatekeepers in order with their worker records, the master key and the rotation state", async () => {
    const view = await readGatekeeperView(memoryReader(fixtureState()));
    expect(view.gatekeepers.map((g) => g.pubkey)).toEqual([bytes32(1), bytes32(2)]);
    expect(view.gatekeepers.map((g) => g.worker?.ecdhPubkey)).toEqual([bytes32(0x11), bytes32(0x12)]);
    expect(view.gatekeepers.map((g) => [g.worker?.attestationProvider.type, g.worker?.confidenceLevel])).toEqual([
      ["SgxDcap", 1],
      ["Simulated", 5],
    ]);
    expect(view.masterPubkey).toEqual(bytes32(0xaa));
    expect(view.rotationId).toBe(2n);
    expect(view.rotationInProgress).toBe(3n);
    expect(view.launchPending).toBeUndefined();
  });

  it("reads a pending first launch", async () => {
    const view = await readGatekeeperView(memoryReader(launchPendingState()));
    expect(view.launchPending).toEqual(bytes32(1));
    expect(view.masterPubkey).toBeUndefined();
    expect(view.gatekeepers[0]?.worker?.attestationProvider.type).toBe("SgxIas");
  });

  it("gives the defaults on an empty chain", async () => {
    expect(await readGatekeeperView(memoryReader(memoryState([])))).toEqual({
      gatekeepers: [],
      masterPubkey: undefined,
      rotationId: 0n,
      rotationInProgress: undefined,
      launchPending: undefined,
    });
  });

  it("keeps a gatekeeper whose worker record is missing", async () => {
    const state = memoryState([[KEY_HIERARCHY_STORAGE.gatekeepers, gatekeeperListCodec.enc([bytes32(1)])]]);
    const view = await readGatekeeperView(memoryReader(state));
    expect(view.gatekeepers).toEqual([{ pubkey: bytes32(1), worker: undefined }]);
  });

  it("refuses a value it cannot decode exactly", async () => {
    const state = memoryState([[KEY_HIERARCHY_STORAGE.rotationCounter, new Uint8Array([1, 2, 3])]]);
    await expect(readGatekeeperView(memoryReader(state))).rejects.toThrowError(ScaleDecodeError);
  });

  it("encodes the local codecs as the node stores them", () => {
    expect(toHex(rotationCounterCodec.enc(2n))).toBe("0x0200000000000000");
    expect(toHex(rotationLockCodec.enc(3n))).toBe("0x010300000000000000");
    expect(toHex(rotationLockCodec.enc(undefined))).toBe("0x00");
    expect(launchPendingCodec.enc(bytes32(1))).toEqual(new Uint8Array([1, ...bytes32(1)]));
  });
});

describe("readClusterView", () => {
  it("reads every cluster by id with its keys and its own contracts", async () => {
    const clusters = await readClusterView(memoryReader(fixtureState()));
    expect(clusters.map((c) => c.id)).toEqual([clusterIdFromIndex(0n), clusterIdFromIndex(1n)]);
    const [first, second] = clusters;
    expect(first?.info).toEqual({
      permission: { type: "Public", value: undefined },
      workers: [bytes32(3), bytes32(4)],
      masterRotationId: 0n,
    });
    expect(first?.keys).toEqual({ pubkey: bytes32(0xc0), ecdhPubkey: bytes32(0xc1) });
    expect(first?.contracts.map((c) => [c.id, c.keys])).toEqual([
      [bytes32(0xd1), { pubkey: bytes32(0xd8), ecdhPubkey: bytes32(0xd9) }],
    ]);
    expect(second?.info.permission).toEqual({ type: "OnlyOwners", value: [bytes32(0x0a)] });
    expect(second?.info.masterRotationId).toBe(1n);
    expect(second?.keys).toBeUndefined();
    expect(second?.contracts.map((c) => [c.id, c.info.salt, c.keys])).toEqual([
      [bytes32(0xd2), new Uint8Array([2]), undefined],
    ]);
  });

  it("finds no clusters on an empty chain", async () => {
    expect(await readClusterView(memoryReader(memoryState([])))).toEqual([]);
  });
});
