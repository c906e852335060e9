import { type Command, Option } from "commander";
import { CommandFailure } from "./commandFailure.js";
import type { DevnetErrorCode } from "./devnet/devnetError.js";
import { DEFAULT_DATA_DIR, LOG_NAMES } from "./devnet/devnetLayout.js";
import type { DevnetEvent } from "./devnet/devnetSupervisor.js";
import { port, positiveInteger } from "./options.js";

interface DevnetFlags {
  dataDir: string;
  fresh?: boolean;
  rpcPort?: number;
  pruntimePort?: number;
  blockTime?: number;
  deploy: boolean;
  json?: boolean;
}

interface LogsFlags {
  follow?: boolean;
  lines?: number;
  raw?: boolean;
}

/** Refusals before anything started: bad usage (exit 2). Any other failure to come up exits 1. */
const USAGE_ERRORS: readonly DevnetErrorCode[] = [
  "DEVNET_BAD_OPTION",
  "DEVNET_PORT_IN_USE",
  "DEVNET_LOCKED",
  "DEVNET_NOT_A_DEVNET_DIR",
  "DEVNET_BAD_STATE",
];

export function addDevnetCommand(program: Command): void {
  const devnet = program
    .command("devnet")
    .description("run a whole network on this machine: node, gatekeeper, two workers, pherries, example contracts")
    .option(
      "--data-dir <dir>",
      "where the network lives (chain, pRuntime data, logs, contracts.json)",
      DEFAULT_DATA_DIR,
    )
    .option("--fresh", "delete the data directory first and start a new network")
    .option("--rpc-port <port>", "the node's RPC port (default 9944; 0: the system picks, kept for resumes)", port)
    .option(
      "--pruntime-port <port>",
      "the gatekeeper's API port; w1 and w2 take the next two (default 8000; 0 as above)",
      port,
    )
    .option("--block-time <ms>", "block time of a new network (default 500; fixed once created)", positiveInteger)
    .option("--no-deploy", "do not deploy the example contracts")
    .option("--json", "JSON lines on stdout (ready, restarts, stopped); progress goes to stderr")
    .addHelpText(
      "after",
      `
It starts three pRuntimes (gatekeeper gk, workers w1 and w2), a validator node (//Alice, sudo) and a
pherry for each pRuntime (operators //Bob, //Charlie, //Dave), as child processes with their data in
the data directory; then registers the workers, makes gk the gatekeeper, waits for the master key,
creates cluster 0 of w1 and w2 and deploys examples/private-token, web3-analytics and
sealed-bid-auction (by //Alice, fixed salts: the same code gets the same ids on every fresh network),
naming them in <data dir>/contracts.json for \`phala contract\`. Each stage reads the chain first, so
running the command again resumes the same network and skips what is done. Once all is up it
prints the endpoints, the dev accounts, the contracts and commands to paste, then a line "ready".
With --json, stdout holds JSON lines only: {"ready":true,…} (endpoints, pids, contract ids), then
{"event":"restarted",…} for each restart and {"stopped":true} at the end.

A child that exits is restarted (after 0.5 s, doubling to 10 s) and the restart is printed. Logs:
<data dir>/logs/<process>.log, or \`phala devnet logs <process>\`. Ctrl-C stops the pherries, the
pRuntimes, then the node; a second Ctrl-C kills them at once. Children exit by themselves if this
process dies. A second devnet on the same data directory is refused.

The dev accounts are the well-known public dev keys: never use them on another network.

Exit codes: 0 stopped (Ctrl-C or SIGTERM), 1 the network did not come up (a stage failed or timed
out: see the logs), 2 bad usage (a flag, a port in use, a data directory in use or not a devnet's),
130 killed by a second Ctrl-C.

Examples:
  $ npm run devnet                                    # from the repository: builds, then runs this
  $ phala devnet --fresh                              # a new network in ./.devnet
  $ phala devnet --data-dir /tmp/net --rpc-port 0 --pruntime-port 0 --block-time 100 --json
  $ phala devnet logs w1 --follow`,
    )
    .action(async (flags: DevnetFlags) => runDevnet(flags));

  devnet
    .command("logs <process>")
    .description(`print the log of a devnet process: ${LOG_NAMES.join(", ")}`)
    .option("-f, --follow", "keep printing what is appended (Ctrl-C ends)")
    .option("-n, --lines <count>", "only the last <count> lines", positiveInteger)
    .option("--raw", "the JSON lines as written, not formatted")
    .addOption(new Option("--data-dir <dir>", "the devnet's data directory (default ./.devnet)"))
    .addHelpText(
      "after",
      `
Lines are shown as time, level, message and fields; devnet is the supervisor's own log (starts,
restarts, stages).

Exit codes: 0 shown, 1 there is no such log yet (has the devnet run in this data directory?), 2 bad
usage (an unknown process name).

Examples:
  $ phala devnet logs w1
  $ phala devnet logs node -n 50 --follow
  $ phala devnet logs gk-pherry --raw --data-dir /tmp/net | jq .msg`,
    )
    .action(async (name: string, flags: LogsFlags, command: Command) =>
      showLogs(name, flags, (command.optsWithGlobals() as { dataDir: string }).dataDir),
    );
}

async function runDevnet(flags: DevnetFlags): Promise<void> {
  const { DevnetSupervisor } = await import("./devnet/devnetSupervisor.js");
  const { plainProgress, ttyProgress, formatSeconds } = await import("./devnet/progressReporter.js");
  const { readyJson, readyLines } = await import("./devnet/readyReport.js");
  const { isPhalaError } = await import("@phala-ts/core");
  // With --json, stdout carries JSON lines only; people read stderr.
  const human = flags.json ? process.stderr : process.stdout;
  const json = (value: unknown) => flags.json && process.stdout.write(`${JSON.stringify(value)}\n`);
  const progress = human.isTTY ? ttyProgress(human) : plainProgress(human);
  let ready = false;
  const errorsShown = new Map<string, number>();
  const onEvent = (event: DevnetEvent) => {
    if (event.type === "warning") progress.line(`warning: ${event.message}`);
    else if (event.type === "ready" && event.restart > 0) {
      progress.line(`${event.name} exited (${event.after}); restarted (pid ${event.pid})`);
      json({ event: "restarted", process: event.name, pid: event.pid, after: event.after });
    } else if (event.type === "exited") {
      json({ event: "exited", process: event.name, pid: event.pid, how: event.how, restartInMs: event.restartInMs });
      if (!event.wasReady)
        progress.line(
          `${event.name} failed to restart (${event.how}${event.lastError === undefined ? "" : `: ${event.lastError}`}); trying again in ${formatSeconds(event.restartInMs)}`,
        );
    } else if (event.type === "error" && ready) {
      // The same error again and again (a pherry retrying) is shown once a minute.
      const key = `${event.name}\n${event.msg}`;
      const now = Date.now();
      if (now - (errorsShown.get(key) ?? 0) < 60_000) return;
      errorsShown.set(key, now);
      progress.line(`${event.name}: ${event.msg}`);
    }
  };

  const supervisor = new DevnetSupervisor({
    dataDir: flags.dataDir,
    fresh: flags.fresh === true,
    rpcPort: flags.rpcPort,
    pruntimePort: flags.pruntimePort,
    blockTimeMs: flags.blockTime,
    deploy: flags.deploy,
    progress,
    onEvent,
  });
  let interrupts = 0;
  let onSignal = () => {};
  const stopped = new Promise<void>((resolve) => {
    onSignal = () => {
      if (++interrupts > 1) {
        supervisor.kill();
        progress.close();
        human.write("killed\n");
        process.exit(130);
      }
      progress.line("stopping: pherries, pRuntimes, then the node (Ctrl-C again to kill them at once)");
      void supervisor.stop().then(resolve);
    };
  });
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    try {
      const summary = await supervisor.start();
      ready = true;
      progress.close();
      if (flags.json) json(readyJson(summary, supervisor.pids()));
      else human.write(`${readyLines(summary).join("\n")}\nready\n`);
    } catch (error) {
      progress.close();
      if (!isPhalaError(error, "DEVNET_STOPPED")) {
        if (isPhalaError(error) && (USAGE_ERRORS as readonly string[]).includes(error.code)) throw error;
        human.write(`error: ${(error as Error).message}${isPhalaError(error) ? ` (${error.code})` : ""}\n`);
        throw new CommandFailure(1);
      }
    }
    await stopped;
    human.write("stopped\n");
    json({ stopped: true });
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

async function showLogs(name: string, flags: LogsFlags, dataDir: string): Promise<void> {
  const { DevnetError, isLogName, devnetPaths, lastLines, followLines, logLinePrinter } = {
    ...(await import("./devnet/devnetError.js")),
    ...(await import("./devnet/devnetLayout.js")),
    ...(await import("./devnet/logTail.js")),
    ...(await import("./devnet/logRecord.js")),
  };
  if (!isLogName(name)) {
    throw new DevnetError(
      "DEVNET_UNKNOWN_PROCESS",
      `"${name}" is not a devnet process; one of: ${LOG_NAMES.join(", ")}`,
      {
        name,
        valid: LOG_NAMES,
      },
    );
  }
  const path = devnetPaths(dataDir).log(name);
  const format = flags.raw
    ? (line: string) => `${line}\n`
    : logLinePrinter({ colorize: process.stdout.isTTY === true });
  let tail: Awaited<ReturnType<typeof lastLines>>;
  try {
    tail = await lastLines(path, flags.lines);
  } catch (error) {
    if (!(error instanceof DevnetError) || error.code !== "DEVNET_NO_LOG") throw error;
    process.stderr.write(
      `error: there is no log of ${name} in ${devnetPaths(dataDir).logs} (has the devnet run there?)\n`,
    );
    throw new CommandFailure(1);
  }
  for (const line of tail.lines) process.stdout.write(format(line));
  if (!flags.follow) return;
  const stop = new AbortController();
  process.once("SIGINT", () => stop.abort());
  process.once("SIGTERM", () => stop.abort());
  await followLines(path, tail.end, (line) => process.stdout.write(format(line)), stop.signal);
}
