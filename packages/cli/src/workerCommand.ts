import type { BlockRef, VerifiedWorker, WorkerInfo } from "@phala-ts/sdk";
import type { Command } from "commander";
import { field, item, listLines } from "./chainQuery.js";
import {
  type ClientFlags,
  clientAction,
  helpText,
  jsonOption,
  NODE_FAILURE,
  nodeOption,
  printResult,
  withClient,
} from "./clientCommand.js";
import { workerUrl } from "./options.js";

export interface WorkerListView {
  readonly at: BlockRef;
  readonly workers: readonly WorkerInfo[];
  /** Identity keys of the gatekeepers. */
  readonly gatekeepers: readonly string[];
}

const CONFIDENCE_NOTE: Record<number, string> = { 1: "up to date", 5: "out of date, or simulated" };

const attestationText = ({ kind, confidenceLevel }: WorkerInfo["attestation"]) =>
  `${kind}, confidence ${confidenceLevel}${CONFIDENCE_NOTE[confidenceLevel] === undefined ? "" : ` (${CONFIDENCE_NOTE[confidenceLevel]})`}`;

const registeredText = (ms: number) => (ms > 0 ? new Date(ms).toISOString() : "at genesis");

export function workerListJson({ at, workers, gatekeepers }: WorkerListView): Record<string, unknown> {
  return {
    at: { number: at.number, hash: at.hash },
    workers: workers.map((worker) => ({
      identity: worker.identity,
      ecdhPubkey: worker.ecdhPubkey,
      attestationProvider: worker.attestation.kind,
      confidenceLevel: worker.attestation.confidenceLevel,
      operator: worker.operator ?? null,
      gatekeeper: gatekeepers.includes(worker.identity),
      measurement: worker.measurement,
      runtimeVersion: worker.runtimeVersion,
      registeredAtMs: worker.registeredAtMs,
    })),
  };
}

function workerLines(worker: WorkerInfo, index: number, gatekeepers: readonly string[]): string[] {
  return [
    item(1, `${index + 1}. ${worker.identity}${gatekeepers.includes(worker.identity) ? " (gatekeeper)" : ""}`),
    field(2, "ecdh pubkey", worker.ecdhPubkey),
    field(2, "attestation", attestationText(worker.attestation)),
    field(2, "operator", worker.operator ?? "none"),
    field(2, "measurement", worker.measurement),
    field(2, "registered", registeredText(worker.registeredAtMs)),
  ];
}

export function workerListLines({ at, workers, gatekeepers }: WorkerListView): string[] {
  return [
    field(0, "finalized block", `#${at.number} ${at.hash}`),
    ...listLines(
      0,
      "workers",
      workers.flatMap((worker, index) => workerLines(worker, index, gatekeepers)),
      workers.length,
    ),
  ];
}

export function verifiedJson(worker: VerifiedWorker): Record<string, unknown> {
  return {
    verified: true,
    endpoint: worker.endpoint,
    identity: worker.identity,
    ecdhPubkey: worker.ecdhPubkey,
    attestation: worker.attestation,
    measurement: worker.measurement,
    registered: true,
    operator: worker.registration.operator ?? null,
  };
}

export function verifiedLines(worker: VerifiedWorker): string[] {
  const operator = worker.registration.operator;
  return [
    field(0, "verified", worker.endpoint),
    field(0, "identity", worker.identity),
    field(0, "ecdh pubkey", worker.ecdhPubkey),
    field(0, "attestation", attestationText(worker.attestation)),
    field(0, "measurement", worker.measurement),
    field(0, "registered", `yes${operator === undefined ? "" : `, by ${operator}`}`),
  ];
}

export function addWorkerCommand(program: Command): void {
  const worker = program.command("worker").description("the chain's registered workers, and checking one");
  worker
    .command("list")
    .description("show the registered workers: identity and ECDH keys, attestation, operator, as finalized")
    .addOption(nodeOption())
    .addOption(jsonOption())
    .addHelpText(
      "after",
      helpText({
        about: `Reads PhalaRegistry.Workers at the node's finalized head, by identity key. The attestation is what
the chain verified at registration: its kind and confidence (1 up to date … 5 out of date or simulated).`,
        failure: NODE_FAILURE,
        examples: ["phala worker list", "phala worker list --json"],
      }),
    )
    .action(
      clientAction(async (flags: ClientFlags) => {
        const view = await withClient(flags.node, async (client) => {
          const at = await client.finalizedBlock();
          const [workers, { gatekeepers }] = await Promise.all([
            client.workers({ at: at.hash }),
            client.gatekeepers({ at: at.hash }),
          ]);
          return { at, workers, gatekeepers: gatekeepers.map((gatekeeper) => gatekeeper.identity) };
        });
        printResult(
          flags.json,
          () => workerListJson(view),
          () => workerListLines(view),
        );
      }),
    );
  worker
    .command("verify")
    .argument("<url>", "the worker's (pRuntime's) API address", workerUrl)
    .description("check that a worker is the registered, attested worker it claims to be")
    .addOption(nodeOption())
    .addOption(jsonOption())
    .addHelpText(
      "after",
      helpText({
        about: `Fetches the worker's /info and checks that it is signed by the identity key it names, that the chain
registered that key (with attestation evidence it verified), and that the ECDH key, measurement and
genesis the worker reports are the registered ones.`,
        failure: "the node or the worker cannot be reached or does not answer in time, or another failure",
        refused:
          "the worker is not what it claims: unsigned or wrongly signed /info, not registered, or a key, measurement or genesis that differs (the error names it)",
        examples: [
          "phala worker verify http://127.0.0.1:8001",
          "phala worker verify https://worker.example.com --json",
        ],
      }),
    )
    .action(
      clientAction(async (url: string, flags: ClientFlags) => {
        const verified = await withClient(flags.node, (client) => client.verifyWorker(url));
        printResult(
          flags.json,
          () => verifiedJson(verified),
          () => verifiedLines(verified),
        );
      }),
    );
}
