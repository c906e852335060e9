import type { Command } from "commander";
import type { StorageReader } from "./keyHierarchyView.js";
import type { FinalizedBlock, Snapshot } from "./nodeStorage.js";
import { DEFAULT_NODE_URL, nodeUrl } from "./options.js";

/**
 * What the read-only chain commands (`gatekeeper list`, `cluster list`) share: `--node` and
 * `--json`, one read at the finalized head, and the layout of their output.
 */
interface ChainQueryFlags {
  node: string;
  json?: boolean;
}

export interface ChainQuery<T> {
  readonly description: string;
  /** What it reads, for `--help`. */
  readonly help: string;
  /** Command lines without the `$ `. */
  readonly examples: readonly string[];
  /** Builds the view from one block's state; loaded when the command runs. */
  readonly read: () => Promise<(reader: StorageReader) => Promise<T>>;
  readonly json: (snapshot: Snapshot<T>) => Record<string, unknown>;
  readonly lines: (snapshot: Snapshot<T>) => string[];
}

const EXIT_CODES = "Exit codes: 0 shown, 1 the node cannot be reached or read, 2 bad usage.";

export function addChainQuery<T>(parent: Command, name: string, query: ChainQuery<T>): void {
  const examples = query.examples.map((example) => `  $ ${example}`).join("\n");
  parent
    .command(name)
    .description(query.description)
    .option("--node <url>", "the node's RPC address (ws:// or http://)", nodeUrl, DEFAULT_NODE_URL)
    .option("--json", "print one JSON object: bytes in 0x hex, u64 numbers as decimal strings")
    .addHelpText("after", `\n${query.help}\n\n${EXIT_CODES}\n\nExamples:\n${examples}`)
    .action(async (flags: ChainQueryFlags) => {
      const { readAtFinalized } = await import("./nodeStorage.js");
      const snapshot = await readAtFinalized(flags.node, await query.read());
      process.stdout.write(
        flags.json ? `${JSON.stringify(query.json(snapshot))}\n` : `${query.lines(snapshot).join("\n")}\n`,
      );
    });
}

/** Values start in this column, whatever the label's depth, so that a whole listing lines up. */
const VALUE_COLUMN = 24;

/** `label: value`, indented two spaces a level. */
export function field(depth: number, label: string, value: string): string {
  return `${`${"  ".repeat(depth)}${label}:`.padEnd(VALUE_COLUMN)}${value}`;
}

/** A line of a list, under a field at `depth - 1`. */
export function item(depth: number, text: string): string {
  return `${"  ".repeat(depth)}${text}`;
}

/** `label: count` (or none), then the lines of its elements. */
export function listLines(depth: number, label: string, lines: string[], count = lines.length): string[] {
  return [field(depth, label, count === 0 ? "none" : String(count)), ...lines];
}

export const blockLine = (at: FinalizedBlock): string => field(0, "finalized block", `#${at.number} ${at.hash}`);

export const blockJson = (at: FinalizedBlock): Record<string, unknown> => ({ hash: at.hash, number: at.number });
