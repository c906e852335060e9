import { toHex } from "@phala-ts/core";
import type { Command } from "commander";
import { addChainQuery, blockJson, blockLine, field, item, listLines } from "./chainQuery.js";
import type { GatekeeperEntry, GatekeeperView } from "./keyHierarchyView.js";
import type { Snapshot } from "./nodeStorage.js";

const hexOrNull = (bytes: Uint8Array | undefined) => (bytes === undefined ? null : toHex(bytes));

function gatekeeperEntryJson({ pubkey, worker }: GatekeeperEntry): Record<string, unknown> {
  return {
    pubkey: toHex(pubkey),
    ecdhPubkey: hexOrNull(worker?.ecdhPubkey),
    attestationProvider: worker?.attestationProvider.type ?? null,
    confidenceLevel: worker?.confidenceLevel ?? null,
  };
}

/** The view as one JSON object: bytes in hex, u64 as decimal strings, null for what is absent. */
export function gatekeeperJson({ at, value }: Snapshot<GatekeeperView>): Record<string, unknown> {
  return {
    at: blockJson(at),
    gatekeepers: value.gatekeepers.map(gatekeeperEntryJson),
    masterPubkey: hexOrNull(value.masterPubkey),
    rotationId: value.rotationId.toString(),
    rotationInProgress: value.rotationInProgress?.toString() ?? null,
    launchPending: hexOrNull(value.launchPending),
  };
}

function entryLines({ pubkey, worker }: GatekeeperEntry, index: number): string[] {
  const head = item(1, `${index + 1}. ${toHex(pubkey)}`);
  if (worker === undefined) return [head, field(2, "worker record", "missing from PhalaRegistry.Workers")];
  return [
    head,
    field(2, "ecdh pubkey", toHex(worker.ecdhPubkey)),
    field(2, "attestation", `${worker.attestationProvider.type}, confidence ${worker.confidenceLevel}`),
  ];
}

export function gatekeeperHuman({ at, value }: Snapshot<GatekeeperView>): string[] {
  return [
    blockLine(at),
    field(0, "master pubkey", value.masterPubkey === undefined ? "not launched" : toHex(value.masterPubkey)),
    field(0, "rotation id", value.rotationId.toString()),
    field(0, "rotation in progress", value.rotationInProgress?.toString() ?? "none"),
    field(
      0,
      "launch pending",
      value.launchPending === undefined ? "none" : `${toHex(value.launchPending)} (asked to launch the master key)`,
    ),
    ...listLines(0, "gatekeepers", value.gatekeepers.flatMap(entryLines), value.gatekeepers.length),
  ];
}

export function addGatekeeperCommand(program: Command): void {
  const gatekeeper = program.command("gatekeeper").description("the chain's gatekeepers and its master key");
  addChainQuery(gatekeeper, "list", {
    description: "show the gatekeepers, the master public key and its rotation, as finalized",
    help: `Reads PhalaRegistry at the node's finalized head: the gatekeepers in the order they were added
(each with its ECDH key and attestation from its worker record), the master public key, the
rotation id of the current master key, a rotation in progress and a pending first launch.`,
    examples: ["phala gatekeeper list", "phala gatekeeper list --node http://127.0.0.1:9945 --json"],
    read: async () => (await import("./keyHierarchyView.js")).readGatekeeperView,
    json: gatekeeperJson,
    lines: gatekeeperHuman,
  });
}
