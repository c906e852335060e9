import { resolve } from "node:path";
import type { PlatformKind } from "@phala-ts/pruntime";
import { type Command, InvalidArgumentError, Option } from "commander";
import { createLogger, type LogFormat } from "./logger.js";
import { port, positiveInteger } from "./options.js";
import { stopped, stopSignal } from "./stopSignal.js";

interface PRuntimeFlags {
  platform: PlatformKind;
  dataDir: string;
  host: string;
  port: number;
  checkpointEvery: number;
  bodyLimit: number;
  queryTimeoutMs: number;
  queryRate: number;
  queryBodyLimit: number;
  sealedDir?: string;
  logFormat: LogFormat;
}

/** The operator token comes from the environment so it never shows in `ps`. */
const TOKEN_ENV = "PHALA_OPERATOR_TOKEN";

export function addPRuntimeCommand(program: Command): void {
  program
    .command("pruntime")
    .description("run a pRuntime: the enclave runtime that verifies every block and holds the secrets")
    .addOption(
      new Option("--platform <kind>", "enclave platform: sim (no SGX) or gramine (SGX under Gramine)")
        .choices(["sim", "gramine"])
        .default("sim"),
    )
    .option("--data-dir <dir>", "where sealed keys and checkpoints live (sim)", "./pruntime-data")
    .option("--sealed-dir <dir>", "the Gramine encrypted mount for sealed files (gramine)")
    .option("--host <host>", "interface for the HTTP API", "127.0.0.1")
    .option("--port <port>", "port for the HTTP API", port, 8000)
    .option("--checkpoint-every <blocks>", "seal a checkpoint every this many dispatched blocks", positiveInteger, 1000)
    .option("--body-limit <bytes>", "largest request body accepted", positiveInteger, 64 * 1024 * 1024)
    .option("--query-timeout-ms <ms>", "longest a contract query may run", positiveInteger, 10_000)
    .option(
      "--query-rate <n>",
      "contract queries a second per account (bursts of twice as many)",
      positiveInteger,
      1000,
    )
    .option("--query-body-limit <bytes>", "largest POST /contract/query body", positiveInteger, 128 * 1024)
    .addOption(new Option("--log-format <format>", "log output").choices(["pretty", "json"]).default("pretty"))
    .addHelpText(
      "after",
      `
Operator endpoints (/operator/*) answer only on loopback unless ${TOKEN_ENV} is set, in which case
they require "Authorization: Bearer <token>" from anywhere.

Examples:
  $ phala pruntime                                   # sim platform, API on http://127.0.0.1:8000
  $ phala pruntime --data-dir ./worker1 --port 8001
  $ ${TOKEN_ENV}=s3cret phala pruntime --host 0.0.0.0 --log-format json`,
    )
    .action(async (flags: PRuntimeFlags) => {
      const { openPlatform, startPRuntime } = await import("@phala-ts/pruntime");
      const logger = createLogger(flags.logFormat);
      if (flags.platform === "sim" && flags.sealedDir !== undefined) {
        throw new InvalidArgumentError("--sealed-dir applies to --platform gramine only");
      }
      const platform = await openPlatform(flags.platform, {
        dataDir: resolve(flags.dataDir),
        ...(flags.sealedDir === undefined ? {} : { sealedDir: flags.sealedDir }),
      });
      const running = await startPRuntime({
        platform,
        host: flags.host,
        port: flags.port,
        operatorToken: process.env[TOKEN_ENV] || undefined,
        bodyLimit: flags.bodyLimit,
        queryTimeoutMs: flags.queryTimeoutMs,
        queryRatePerSecond: flags.queryRate,
        queryBodyLimit: flags.queryBodyLimit,
        checkpointEvery: flags.checkpointEvery,
        logger,
      });
      const stop = stopSignal();
      logger.info({ dataDir: resolve(flags.dataDir) }, "ready");
      await stopped(stop);
      logger.info("shutting down");
      await running.stop();
    });
}
