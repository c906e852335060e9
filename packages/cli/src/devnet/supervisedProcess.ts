import type { ChildProcess } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";
import { DevnetError } from "./devnetError.js";
import type { ProcessName } from "./devnetLayout.js";
import { ERROR_LEVEL, isReady, LineSplitter, listeningUrl, parseLogLine } from "./logRecord.js";
import { spawnPhala } from "./phalaChild.js";
import { type BackoffOptions, RestartBackoff } from "./restartBackoff.js";

export type ChildEvent =
  /** Logged "ready"; `restart` is 0 on the first start. */
  | {
      readonly type: "ready";
      readonly name: ProcessName;
      readonly pid: number;
      readonly url: string | undefined;
      readonly restart: number;
      /** After an unexpected exit: how it ended ("signal SIGKILL", "code 1"); absent after `restart()`. */
      readonly after?: string;
    }
  /** Exited while it should be running; it starts again in `restartInMs`. */
  | {
      readonly type: "exited";
      readonly name: ProcessName;
      readonly pid: number;
      readonly how: string;
      readonly uptimeMs: number;
      /** Whether it had logged "ready" (false: a restart that failed). */
      readonly wasReady: boolean;
      readonly restartInMs: number;
      readonly lastError: string | undefined;
    }
  /** A record it logged at error level or above. */
  | { readonly type: "error"; readonly name: ProcessName; readonly msg: string; readonly record: object };

export interface SupervisedProcessOptions {
  readonly name: ProcessName;
  /**
   * The role's arguments, environment and Node.js flags, read at each start (a port chosen by the
   * kernel is kept).
   */
  readonly command: () => {
    readonly args: readonly string[];
    readonly env?: NodeJS.ProcessEnv;
    readonly execArgv?: readonly string[];
  };
  /** Appended to, across restarts. */
  readonly logFile: string;
  /** Awaited before every start: what this child needs up first. */
  readonly before?: () => Promise<void>;
  readonly onEvent?: (event: ChildEvent) => void;
  readonly backoff?: BackoffOptions;
  /** SIGTERM, then SIGKILL after this long (default 10,000 ms). */
  readonly stopTimeoutMs?: number;
}

/** How a process ended, for people: "code 1", "signal SIGKILL". */
export const exitDescription = (code: number | null, signal: NodeJS.Signals | null): string =>
  signal !== null ? `signal ${signal}` : `code ${code}`;

const RECENT_LINES = 20;

/**
 * One `phala` child under supervision: its output is appended to its log file and read for its
 * "listening" address and "ready"; when it exits unexpectedly it is started again, with the same
 * arguments, after a backoff. `start` resolves on the first "ready" and rejects if the first
 * start exits before it.
 */
export class SupervisedProcess {
  readonly name: ProcessName;
  readonly #options: SupervisedProcessOptions;
  readonly #backoff: RestartBackoff;
  readonly #log: WriteStream;
  readonly #recent: string[] = [];
  #child: ChildProcess | undefined;
  #childExited: Promise<void> = Promise.resolve();
  #url: string | undefined;
  #readyAt: number | undefined;
  #restarts = 0;
  #stopping = false;
  #restartTimer: NodeJS.Timeout | undefined;
  #readyWaiters: { resolve: () => void; reject: (error: Error) => void }[] = [];
  #lastExit: string | undefined;
  /** A child being stopped by `restart()`: its exit is expected. */
  #replaced: ChildProcess | undefined;
  #lastError: string | undefined;

  constructor(options: SupervisedProcessOptions) {
    this.name = options.name;
    this.#options = options;
    this.#backoff = new RestartBackoff(options.backoff);
    this.#log = createWriteStream(options.logFile, { flags: "a" });
  }

  get pid(): number | undefined {
    return this.#child?.exitCode === null && this.#child.signalCode === null ? this.#child.pid : undefined;
  }

  /** The address of its last "listening" line. */
  get url(): string | undefined {
    return this.#url;
  }

  get restarts(): number {
    return this.#restarts;
  }

  get ready(): boolean {
    return this.#readyAt !== undefined;
  }

  /** The last lines it wrote, for error messages. */
  get recentLines(): readonly string[] {
    return this.#recent;
  }

  /** Starts it; resolves once it logged "ready". */
  async start(): Promise<void> {
    await this.#options.before?.();
    if (this.#stopping) throw this.#stoppedError();
    const ready = this.whenReady();
    this.#spawn(true);
    await ready;
  }

  /** Resolves once it is ready (at once if it is); rejects if it is stopped first. */
  whenReady(): Promise<void> {
    if (this.#readyAt !== undefined) return Promise.resolve();
    if (this.#stopping) return Promise.reject(this.#stoppedError());
    return new Promise((resolve, reject) => this.#readyWaiters.push({ resolve, reject }));
  }

  /** Stops it for good: SIGTERM, then SIGKILL after the timeout. */
  async stop(): Promise<void> {
    this.#halt();
    const child = this.#child;
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), this.#options.stopTimeoutMs ?? 10_000);
      await this.#childExited;
      clearTimeout(timer);
    }
    await new Promise<void>((resolve) => this.#log.end(resolve));
  }

  /**
   * Stops the running child (SIGTERM, then SIGKILL after the timeout) and starts it again, with
   * the arguments `command` gives now; resolves once it is ready.
   */
  async restart(): Promise<void> {
    if (this.#stopping) throw this.#stoppedError();
    clearTimeout(this.#restartTimer);
    const child = this.#child;
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      this.#replaced = child;
      this.#readyAt = undefined;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), this.#options.stopTimeoutMs ?? 10_000);
      await this.#childExited;
      clearTimeout(timer);
    }
    const ready = this.whenReady();
    await this.#options.before?.();
    if (this.#stopping) throw this.#stoppedError();
    this.#spawn(false);
    await ready;
  }

  /** SIGKILL now, for good (synchronous: usable in an exit handler). */
  kill(): void {
    this.#halt();
    const child = this.#child;
    if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }

  #halt(): void {
    this.#stopping = true;
    clearTimeout(this.#restartTimer);
    for (const waiter of this.#readyWaiters.splice(0)) waiter.reject(this.#stoppedError());
  }

  #stoppedError(): DevnetError {
    return new DevnetError("DEVNET_STOPPED", `${this.name} was stopped`, { process: this.name });
  }

  #spawn(first: boolean): void {
    const { args, env, execArgv } = this.#options.command();
    const child = spawnPhala(args, env, execArgv);
    this.#child = child;
    const startedAt = Date.now();
    this.#readyAt = undefined;
    this.#childExited = new Promise((resolve) => {
      child.once("exit", () => resolve());
      child.once("error", () => child.pid === undefined && resolve());
    });
    for (const stream of [child.stdout!, child.stderr!]) {
      const lines = new LineSplitter();
      stream.on("data", (chunk: Buffer) => {
        this.#log.write(chunk);
        for (const line of lines.push(chunk.toString("utf8"))) this.#line(line, child);
      });
    }
    child.once("error", (error) => {
      // Spawning itself failed (no exit follows when there was no process).
      if (child.pid === undefined) this.#exited(child, first, startedAt, null, null, error.message);
    });
    child.once("exit", (code, signal) => this.#exited(child, first, startedAt, code, signal));
  }

  #line(line: string, child: ChildProcess): void {
    if (line === "") return;
    this.#recent.push(line);
    if (this.#recent.length > RECENT_LINES) this.#recent.shift();
    const record = parseLogLine(line);
    if (record === undefined) return;
    const url = listeningUrl(record);
    if (url !== undefined) this.#url = url;
    if ((record.level ?? 0) >= ERROR_LEVEL) {
      this.#lastError = String(record.msg ?? line);
      this.#options.onEvent?.({ type: "error", name: this.name, msg: this.#lastError, record });
    }
    if (isReady(record) && child === this.#child && this.#readyAt === undefined) {
      this.#readyAt = Date.now();
      this.#options.onEvent?.({
        type: "ready",
        name: this.name,
        pid: child.pid!,
        url: this.#url,
        restart: this.#restarts,
        ...(this.#lastExit === undefined ? {} : { after: this.#lastExit }),
      });
      this.#lastExit = undefined;
      for (const waiter of this.#readyWaiters.splice(0)) waiter.resolve();
    }
  }

  #exited(
    child: ChildProcess,
    first: boolean,
    startedAt: number,
    code: number | null,
    signal: NodeJS.Signals | null,
    spawnError?: string,
  ): void {
    if (child !== this.#child || child === this.#replaced) return;
    const how = spawnError ?? exitDescription(code, signal);
    const wasReady = this.#readyAt !== undefined;
    this.#readyAt = undefined;
    if (this.#stopping) return;
    if (first && !wasReady) {
      const error = new DevnetError(
        "DEVNET_PROCESS_FAILED",
        `${this.name} exited (${how}) before it was ready${this.#lastError === undefined ? "" : `: ${this.#lastError}`}`,
        { process: this.name, how, log: this.#options.logFile, lastLines: this.#recent.slice(-5) },
      );
      const waiters = this.#readyWaiters.splice(0);
      this.#halt();
      for (const waiter of waiters) waiter.reject(error);
      return;
    }
    const uptimeMs = Date.now() - startedAt;
    const restartInMs = this.#backoff.next(wasReady ? uptimeMs : 0);
    this.#lastExit = how;
    this.#options.onEvent?.({
      type: "exited",
      name: this.name,
      pid: child.pid ?? 0,
      how,
      uptimeMs,
      wasReady,
      restartInMs,
      lastError: this.#lastError,
    });
    this.#restartTimer = setTimeout(() => void this.#restart(), restartInMs);
  }

  async #restart(): Promise<void> {
    try {
      await this.#options.before?.();
    } catch {
      return; // stopped while waiting
    }
    if (this.#stopping) return;
    this.#restarts++;
    this.#lastError = undefined;
    this.#spawn(false);
  }
}
