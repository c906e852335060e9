import type { VerifiedWorker, WorkerInfo } from "@phala-ts/sdk";
import { describe, expect, it } from "vitest";
import { jsonText } from "./jsonOutput.js";
import { verifiedJson, verifiedLines, workerListJson, workerListLines } from "./workerCommand.js";

const hex32 = (byte: number) => `0x${byte.toString(16).padStart(2, "0").repeat(32)}`;
const at = { number: 42, hash: hex32(0xab) };

const worker = (byte: number, overrides: Partial<WorkerInfo> = {}): WorkerInfo => ({
  identity: hex32(byte),
  ecdhPubkey: hex32(byte + 0x10),
  runtimeVersion: 1,
  machineId: "0x",
  features: [],
  operator: "45R2pfjQUW2s9PQRHU48HQKLKHVMaDja7N3wpBtmF28UYDs2",
  attestation: { kind: "Simulated", confidenceLevel: 5 },
  measurement: hex32(0x77),
  registeredAtMs: Date.UTC(2025, 0, 2, 3, 4, 5),
  ...overrides,
});

describe("worker list / verify output", () => {
  const view = {
    at,
    workers: [worker(1), worker(2, { operator: undefined, attestation: { kind: "SgxDcap", confidenceLevel: 1 } })],
    gatekeepers: [hex32(1)],
  };

  it("lists each worker with its keys, attestation, operator and registration, gatekeepers marked", () => {
    expect(workerListLines(view)).toEqual([
      `finalized block:        #42 ${at.hash}`,
      "workers:                2",
      `  1. ${hex32(1)} (gatekeeper)`,
      `    ecdh pubkey:        ${hex32(0x11)}`,
      "    attestation:        Simulated, confidence 5 (out of date, or simulated)",
      "    operator:           45R2pfjQUW2s9PQRHU48HQKLKHVMaDja7N3wpBtmF28UYDs2",
      `    measurement:        ${hex32(0x77)}`,
      "    registered:         2025-01-02T03:04:05.000Z",
      `  2. ${hex32(2)}`,
      `    ecdh pubkey:        ${hex32(0x12)}`,
      "    attestation:        SgxDcap, confidence 1 (up to date)",
      "    operator:           none",
      `    measurement:        ${hex32(0x77)}`,
      "    registered:         2025-01-02T03:04:05.000Z",
    ]);
    expect(workerListLines({ at, workers: [], gatekeepers: [] }).at(-1)).toBe("workers:                none");
  });

  it("prints the list as JSON with null for what is absent", () => {
    const json = JSON.parse(jsonText(workerListJson(view)));
    expect(json.at).toEqual(at);
    expect(json.workers[1]).toEqual({
      identity: hex32(2),
      ecdhPubkey: hex32(0x12),
      attestationProvider: "SgxDcap",
      confidenceLevel: 1,
      operator: null,
      gatekeeper: false,
      measurement: hex32(0x77),
      runtimeVersion: 1,
      registeredAtMs: Date.UTC(2025, 0, 2, 3, 4, 5),
    });
  });

  it("says what a verified worker is: identity, attestation, registered", () => {
    const verified = {
      endpoint: "http://127.0.0.1:8001",
      identity: hex32(1),
      ecdhPubkey: hex32(0x11),
      attestation: { kind: "Simulated", confidenceLevel: 5 },
      measurement: hex32(0x77),
      registration: worker(1),
    } as VerifiedWorker;
    expect(verifiedLines(verified)).toEqual([
      "verified:               http://127.0.0.1:8001",
      `identity:               ${hex32(1)}`,
      `ecdh pubkey:            ${hex32(0x11)}`,
      "attestation:            Simulated, confidence 5 (out of date, or simulated)",
      `measurement:            ${hex32(0x77)}`,
      "registered:             yes, by 45R2pfjQUW2s9PQRHU48HQKLKHVMaDja7N3wpBtmF28UYDs2",
    ]);
    expect(verifiedJson(verified)).toEqual({
      verified: true,
      endpoint: "http://127.0.0.1:8001",
      identity: hex32(1),
      ecdhPubkey: hex32(0x11),
      attestation: { kind: "Simulated", confidenceLevel: 5 },
      measurement: hex32(0x77),
      registered: true,
      operator: "45R2pfjQUW2s9PQRHU48HQKLKHVMaDja7N3wpBtmF28UYDs2",
    });
  });
});
