import { describe, expect, it } from "vitest";
import { gatekeeperHuman, gatekeeperJson } from "./gatekeeperCommand.js";
import { fixtureState, hex32, launchPendingState, memoryReader, memoryState } from "./keyHierarchyFixture.test-util.js";
import { type GatekeeperView, readGatekeeperView, type StorageReader } from "./keyHierarchyView.js";
import type { Snapshot } from "./nodeStorage.js";

const at = { hash: `0x${"ab".repeat(32)}`, number: 42 } as const;
const snapshot = async (reader: StorageReader): Promise<Snapshot<GatekeeperView>> => ({
  at,
  value: await readGatekeeperView(reader),
});

describe("gatekeeper list output", () => {
  it("lines up the labels, and lists each gatekeeper with its keys and attestation", async () => {
    expect(gatekeeperHuman(await snapshot(memoryReader(fixtureState())))).toEqual([
      `finalized block:        #42 ${at.hash}`,
      `master pubkey:          ${hex32(0xaa)}`,
      "rotation id:            2",
      "rotation in progress:   3",
      "launch pending:         none",
      "gatekeepers:            2",
      `  1. ${hex32(1)}`,
      `    ecdh pubkey:        ${hex32(0x11)}`,
      "    attestation:        SgxDcap, confidence 1",
      `  2. ${hex32(2)}`,
      `    ecdh pubkey:        ${hex32(0x12)}`,
      "    attestation:        Simulated, confidence 5",
    ]);
  });

  it("says what is not there yet", async () => {
    const lines = gatekeeperHuman(await snapshot(memoryReader(launchPendingState())));
    expect(lines.slice(1, 5)).toEqual([
      "master pubkey:          not launched",
      "rotation id:            0",
      "rotation in progress:   none",
      `launch pending:         ${hex32(1)} (asked to launch the master key)`,
    ]);
    const empty = gatekeeperHuman(await snapshot(memoryReader(memoryState([]))));
    expect(empty.at(-1)).toBe("gatekeepers:            none");
  });

  it("prints JSON with hex bytes, decimal u64 and null for what is absent", async () => {
    expect(gatekeeperJson(await snapshot(memoryReader(fixtureState())))).toEqual({
      at: { hash: at.hash, number: 42 },
      gatekeepers: [
        { pubkey: hex32(1), ecdhPubkey: hex32(0x11), attestationProvider: "SgxDcap", confidenceLevel: 1 },
        { pubkey: hex32(2), ecdhPubkey: hex32(0x12), attestationProvider: "Simulated", confidenceLevel: 5 },
      ],
      masterPubkey: hex32(0xaa),
      rotationId: "2",
      rotationInProgress: "3",
      launchPending: null,
    });
    expect(gatekeeperJson(await snapshot(memoryReader(memoryState([]))))).toEqual({
      at: { hash: at.hash, number: 42 },
      gatekeepers: [],
      masterPubkey: null,
      rotationId: "0",
      rotationInProgress: null,
      launchPending: null,
    });
  });
});
