import pretty from "pino-pretty";

/** A pino JSON log line, as the roles write them with `--log-format json`. */
export interface LogRecord {
  readonly level?: number;
  readonly time?: number;
  readonly msg?: string;
  readonly [field: string]: unknown;
}

/** The record on one line of a child's output; undefined for a line that is not a JSON object. */
export function parseLogLine(line: string): LogRecord | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as LogRecord) : undefined;
  } catch {
    return undefined;
  }
}

/** pino's levels: 50 is error, 60 fatal. */
export const ERROR_LEVEL = 50;

/** The address a role logged it listens on ("RPC listening on …", "pRuntime API listening on …"). */
export function listeningUrl(record: LogRecord): string | undefined {
  return typeof record.msg === "string" && record.msg.includes("listening") && typeof record["url"] === "string"
    ? record["url"]
    : undefined;
}

export const isReady = (record: LogRecord): boolean => record.msg === "ready";

/**
 * Splits a stream of chunks into lines: `push` returns the complete lines so far and keeps the
 * rest for the next chunk.
 */
export class LineSplitter {
  #rest = "";

  push(chunk: string): string[] {
    const lines = (this.#rest + chunk).split("\n");
    this.#rest = lines.pop()!;
    return lines;
  }

  /** What is left after the last newline. */
  flush(): string[] {
    const rest = this.#rest;
    this.#rest = "";
    return rest === "" ? [] : [rest];
  }
}

/**
 * Formats one line of a log file for people: time, level, message and fields (pino-pretty), the
 * line itself when it is not JSON.
 */
export function logLinePrinter(options: { colorize: boolean }): (line: string) => string {
  const format = pretty.prettyFactory({
    colorize: options.colorize,
    translateTime: "SYS:yyyy-mm-dd HH:MM:ss.l",
    ignore: "pid,hostname",
    singleLine: true,
  });
  return (line) => (parseLogLine(line) === undefined ? `${line}\n` : format(line));
}
