import { type Command, InvalidArgumentError, Option } from "commander";
import { createLogger, type LogFormat } from "./logger.js";
import { DEFAULT_NODE_URL, positiveInteger } from "./options.js";
import { stopSignal } from "./stopSignal.js";

interface PherryFlags {
  node: string;
  pruntime: string;
  operator?: string;
  operatorKeyFile?: string;
  operatorScheme: "sr25519" | "ed25519";
  batch: number;
  pollInterval: number;
  register: boolean;
  reregisterAfter: number;
  logFormat: LogFormat;
}

/** The pRuntime operator token and the operator's secret come from the environment, never argv. */
const TOKEN_ENV = "PHALA_OPERATOR_TOKEN";
const OPERATOR_ENV = "PHALA_PHERRY_OPERATOR";

export function addPherryCommand(program: Command): void {
  program
    .command("pherry")
    .description("relay blocks from a node into a pRuntime, and its messages and registration back to the chain")
    .option("--node <url>", "the node's RPC address (ws:// or http://)", DEFAULT_NODE_URL)
    .option("--pruntime <url>", "the pRuntime's API address", "http://127.0.0.1:8000")
    .option("--operator <secret-uri>", `operator account that signs and pays (or set ${OPERATOR_ENV})`)
    .option("--operator-key-file <file>", "a file whose first line is the operator's secret URI")
    .addOption(
      new Option("--operator-scheme <scheme>", "signature scheme of the operator account")
        .choices(["sr25519", "ed25519"])
        .default("sr25519"),
    )
    .option("--batch <blocks>", "most blocks per request to the pRuntime (at most 256)", positiveInteger, 256)
    .option(
      "--poll-interval <ms>",
      "when caught up, how often to ask the node for its finalized head (a round when it moves)",
      positiveInteger,
      500,
    )
    .option("--no-register", "do not register the worker on chain")
    .option(
      "--reregister-after <seconds>",
      "register again once the chain's record is this old",
      positiveInteger,
      6 * 3600,
    )
    .addOption(new Option("--log-format <format>", "log output").choices(["pretty", "json"]).default("pretty"))
    .addHelpText(
      "after",
      `
pherry is trusted by nobody: the pRuntime verifies every block it relays, and the chain verifies
every message and attestation it submits. Give the operator's secret by key file or ${OPERATOR_ENV}
so it stays out of the process list; ${TOKEN_ENV} is sent to a pRuntime that requires a token.

Examples:
  $ phala pherry --operator-key-file ./operator.key
  $ ${OPERATOR_ENV}=//Alice phala pherry --node ws://127.0.0.1:9944 --pruntime http://127.0.0.1:8001`,
    )
    .action(async (flags: PherryFlags) => {
      const { loadOperatorAccount, Pherry } = await import("@phala-ts/pherry");
      const logger = createLogger(flags.logFormat);
      const secretUri = flags.operator ?? (flags.operatorKeyFile === undefined ? process.env[OPERATOR_ENV] : undefined);
      if (secretUri === undefined && flags.operatorKeyFile === undefined) {
        throw new InvalidArgumentError(
          `pherry needs an operator account: --operator-key-file <file>, or ${OPERATOR_ENV}=<secret URI>`,
        );
      }
      if (flags.operator !== undefined && flags.operatorKeyFile !== undefined) {
        throw new InvalidArgumentError("give --operator or --operator-key-file, not both");
      }
      const operator = loadOperatorAccount({
        secretUri,
        keyFile: flags.operatorKeyFile,
        scheme: flags.operatorScheme,
      });
      const pherry = new Pherry({
        nodeUrl: flags.node,
        pruntimeUrl: flags.pruntime,
        operatorToken: process.env[TOKEN_ENV] || undefined,
        operator,
        batchSize: flags.batch,
        pollIntervalMs: flags.pollInterval,
        register: flags.register,
        reregisterAfterMs: flags.reregisterAfter * 1000,
        logger,
      });
      const stop = stopSignal();
      logger.info({ node: pherry.rpc.url, pruntime: pherry.pruntime.url }, "ready");
      await pherry.run(stop);
      logger.info("pherry stopped");
    });
}
