import { type Logger, pino } from "pino";
import pretty from "pino-pretty";

export type LogFormat = "pretty" | "json";

/** Human-readable lines by default; one JSON object per line with `json`, for log shippers. */
export function createLogger(
  format: LogFormat,
  level = "info",
  destination: NodeJS.WritableStream = process.stderr,
): Logger {
  if (format === "json") return pino({ level }, destination);
  return pino(
    { level },
    pretty({
      destination,
      colorize: "isTTY" in destination && destination.isTTY === true,
      translateTime: "SYS:yyyy-mm-dd HH:MM:ss.l",
      ignore: "pid,hostname",
      hideObject: true,
      sync: true,
    }),
  );
}
