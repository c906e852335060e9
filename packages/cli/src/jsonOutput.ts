import { toHex } from "@phala-ts/core";
import { CliError } from "./cliError.js";

/** JSON for `--json` output: bigints as decimal strings, bytes as 0x hex. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === "bigint") return item.toString();
    if (item instanceof Uint8Array) return toHex(item);
    return item;
  });
}

/** A JSON argument (init args, a command, a query), or `CLI_BAD_JSON` naming what it was for. */
export function parseJsonArg(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(
      "CLI_BAD_JSON",
      `${what} is not JSON: ${(error as Error).message} (quote it for the shell: '{"key":"value"}')`,
      { what, text },
    );
  }
}
