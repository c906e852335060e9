import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keypairFromUri } from "@phala-ts/core";
import { type Command, InvalidArgumentError, Option } from "commander";
import { createLogger, type LogFormat } from "./logger.js";
import { nonNegativeInteger, port } from "./options.js";
import { stopped, stopSignal } from "./stopSignal.js";

const pruning = (value: string) => {
  if (value === "archive") return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 256) throw new InvalidArgumentError('must be "archive" or a number of blocks ≥ 256');
  return n;
};

interface NodeFlags {
  dev?: boolean;
  chain?: string;
  basePath?: string;
  tmp?: boolean;
  rpcHost: string;
  rpcPort: number;
  validator?: boolean;
  key?: string;
  pruning?: number | undefined;
  verifyThreads?: number;
  logFormat: LogFormat;
}

export function addNodeCommand(program: Command): void {
  program
    .command("node")
    .description("run a chain node: produce blocks (as an authority) and serve Substrate JSON-RPC")
    .option("--dev", "development chain: --chain dev, --tmp unless --base-path, and author blocks as //Alice")
    .option("--chain <spec>", "dev, local or a chain spec JSON file (see `phala build-spec`)")
    .option("--base-path <dir>", "where the database lives")
    .option("--tmp", "use a fresh temporary directory, deleted on exit")
    .option("--rpc-host <host>", "interface for JSON-RPC (WebSocket and HTTP on one port)", "127.0.0.1")
    .option("--rpc-port <port>", "port for JSON-RPC", port, 9944)
    .option("--validator", "author blocks with the authority key given by --key")
    .option("--key <uri>", "secret URI of this node's Ed25519 authority key (e.g. //Alice)")
    .option("--pruning <mode>", 'keep the change sets of this many recent blocks, or "archive"', pruning)
    .option(
      "--verify-threads <n>",
      "threads verifying submitted transactions' signatures; 0 verifies on the event loop (default: cores - 1, 1 to 4)",
      nonNegativeInteger,
    )
    .addOption(new Option("--log-format <format>", "log output").choices(["pretty", "json"]).default("pretty"))
    .addHelpText(
      "after",
      `
Examples:
  $ phala node --dev                          # a fresh dev chain, blocks every second, RPC on ws://127.0.0.1:9944
  $ phala node --chain dev --base-path ./data --validator --key //Alice
  $ phala node --chain ./spec.json --base-path ./data --rpc-port 9945 --log-format json`,
    )
    .action(async (flags: NodeFlags) => {
      // Loaded on use, so that `phala pruntime` (in an enclave) never loads the chain's code.
      const { startNode } = await import("@phala-ts/node");
      const { loadSpec } = await import("./loadSpec.js");
      const logger = createLogger(flags.logFormat);
      const spec = loadSpec(flags.chain ?? (flags.dev ? "dev" : "local"));
      const temporary = flags.tmp || (flags.dev && flags.basePath === undefined);
      const basePath = temporary ? mkdtempSync(join(tmpdir(), "phala-node-")) : flags.basePath;
      if (basePath === undefined) throw new InvalidArgumentError("--base-path is required (or --tmp / --dev)");
      const keyUri = flags.key ?? (flags.dev ? "//Alice" : undefined);
      if (flags.validator && keyUri === undefined) throw new InvalidArgumentError("--validator needs --key");
      const author =
        (flags.validator || flags.dev) && keyUri !== undefined ? keypairFromUri(keyUri, "ed25519") : undefined;
      const node = await startNode({
        spec,
        basePath,
        rpcHost: flags.rpcHost,
        rpcPort: flags.rpcPort,
        author,
        pruning: flags.pruning,
        ...(flags.verifyThreads === undefined ? {} : { verifyThreads: flags.verifyThreads }),
        logger,
      });
      const stop = stopSignal();
      logger.info({ basePath }, "ready");
      await stopped(stop);
      logger.info("shutting down");
      await node.stop();
      if (temporary) rmSync(basePath, { recursive: true, force: true });
    });
}
