import { readFileSync } from "node:fs";
import type { VerifiedEvidence } from "@phala-ts/attestation";
import { type Command, InvalidArgumentError } from "commander";
import { CommandFailure } from "./commandFailure.js";

interface VerifyFlags {
  collateral?: string;
  now?: number;
  allowAdvisory: string[];
  json?: boolean;
}

const unixSeconds = (value: string): number => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError("must be a unix time in whole seconds");
  return n;
};

function readInput(path: string, what: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch {
    throw new InvalidArgumentError(`cannot read the ${what} file ${path}`);
  }
}

const hex = (bytes: Uint8Array) => `0x${Buffer.from(bytes).toString("hex")}`;

/** The result as plain JSON: byte fields in hex. */
function resultJson(result: VerifiedEvidence): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(result, (_key, value) => (value instanceof Uint8Array ? hex(value) : value)),
  ) as Record<string, unknown>;
}

const CONFIDENCE: Record<number, string> = {
  1: "1 (up to date)",
  2: "2 (SW hardening needed)",
  3: "3 (configuration needed, advisories allowed)",
  4: "4 (configuration needed, advisories outside the allowlist)",
  5: "5 (out of date)",
};

function humanLines(result: VerifiedEvidence): string[] {
  const json = resultJson(result);
  const measurement = json["measurement"] as Record<string, unknown>;
  return [
    `kind:          ${result.kind}`,
    `TCB status:    ${result.tcbStatus}`,
    `advisories:    ${result.advisoryIds.length === 0 ? "none" : result.advisoryIds.join(", ")}`,
    `confidence:    ${CONFIDENCE[result.confidence] ?? result.confidence}`,
    `debug:         ${result.debug ? "yes (not a production enclave)" : "no"}`,
    ...Object.entries(measurement).map(([k, v]) => `${`${k}:`.padEnd(15)}${String(v)}`),
    `report_data:   ${hex(result.reportData)}`,
  ];
}

export function addAttestationCommand(program: Command): void {
  const attestation = program.command("attestation").description("check attestation evidence by hand");
  attestation
    .command("verify <evidence-file>")
    .description("verify an SGX DCAP quote, a TDX quote or an IAS report (JSON), or SCALE Attestation evidence")
    .option("--collateral <json-file>", "DCAP collateral in @phala/dcap-qvl's JSON format")
    .option("--now <unix-seconds>", "verify at this time instead of the clock", unixSeconds)
    .option(
      "--allow-advisory <id>",
      "accept this Intel advisory for confidence 3 (repeatable)",
      (id: string, all: string[]) => [...all, id],
      [],
    )
    .option("--json", "print the result as JSON")
    .addHelpText(
      "after",
      `
Exit codes: 0 verified, 1 the evidence does not verify (the reason is printed), 2 bad usage.

Examples:
  $ phala attestation verify quote.bin --collateral collateral.json --now 1752919277
  $ phala attestation verify ias.json --now 1631441180 --json`,
    )
    .action(async (file: string, flags: VerifyFlags) => {
      const { verifyEvidence } = await import("@phala-ts/attestation");
      const evidence = readInput(file, "evidence");
      const collateral = flags.collateral === undefined ? undefined : readInput(flags.collateral, "collateral");
      let result: VerifiedEvidence;
      try {
        result = verifyEvidence(evidence, {
          now: flags.now ?? Math.floor(Date.now() / 1000),
          ...(collateral === undefined ? {} : { collateral }),
          advisoryAllowlist: flags.allowAdvisory,
        });
      } catch (error) {
        const { code, message, details } = error as { code?: string; message: string; details?: unknown };
        if (flags.json) process.stdout.write(`${JSON.stringify({ verified: false, code, message, details })}\n`);
        process.stderr.write(`not verified: ${message}${code ? ` (${code})` : ""}\n`);
        throw new CommandFailure(1);
      }
      process.stdout.write(
        flags.json
          ? `${JSON.stringify({ verified: true, ...resultJson(result) })}\n`
          : `${["verified", ...humanLines(result)].join("\n")}\n`,
      );
    });
}
