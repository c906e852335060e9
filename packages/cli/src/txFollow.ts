import type { ChainEvent, PhalaClient, TxResult, TxStatusEvent } from "@phala-ts/sdk";
import { Option } from "commander";
import { phaText } from "./amount.js";
import { field } from "./chainQuery.js";

export type WaitFor = "inBlock" | "finalized";

/** `--wait inBlock|finalized`, finalized unless given; `what` is what is waited for ("the transfer"). */
export function waitOption(what: string): Option {
  return new Option("--wait <status>", `return once ${what} is in a block or once that block is final`)
    .choices(["inBlock", "finalized"])
    .default("finalized");
}

/** A status as printed: with the block's number once it is in one. */
export interface StatusView {
  readonly type: TxStatusEvent["type"];
  readonly txHash: string;
  readonly blockHash?: string;
  readonly blockNumber?: number;
}

/** The line a status prints, or none for the statuses that end in an error (the error says it). */
export function statusLine(status: StatusView): string | undefined {
  const block = `#${status.blockNumber ?? "?"} ${status.blockHash ?? ""}`;
  switch (status.type) {
    case "ready":
      return field(0, "submitted", status.txHash);
    case "future":
      return field(0, "waiting", "the nonce is ahead of the account's (an earlier transaction is missing)");
    case "inBlock":
      return field(0, "in block", block);
    case "retracted":
      return field(0, "retracted", `${block} (no longer on the best chain: waiting for another block)`);
    case "finalized":
      return field(0, "finalized", block);
    default:
      return undefined;
  }
}

/**
 * Follows a transaction's statuses: each with its block's number (read from the node), printed as it
 * comes in order unless `quiet`, and kept for the JSON result.
 */
export class StatusFeed {
  readonly statuses: StatusView[] = [];
  #printed: Promise<void> = Promise.resolve();

  constructor(
    readonly client: Pick<PhalaClient, "blockNumber">,
    readonly quiet: boolean,
  ) {}

  readonly onStatus = (status: TxStatusEvent): void => {
    const blockHash = "blockHash" in status ? status.blockHash : undefined;
    const numbered: Promise<StatusView> =
      blockHash === undefined
        ? Promise.resolve({ type: status.type, txHash: status.txHash })
        : this.client.blockNumber(blockHash).then(
            (blockNumber) => ({ type: status.type, txHash: status.txHash, blockHash, blockNumber }),
            () => ({ type: status.type, txHash: status.txHash, blockHash }),
          );
    this.#printed = this.#printed.then(async () => {
      const view = await numbered;
      this.statuses.push(view);
      const line = statusLine(view);
      if (!this.quiet && line !== undefined) process.stdout.write(`${line}\n`);
    });
  };

  /** Resolves once every status so far is printed. */
  settled(): Promise<void> {
    return this.#printed;
  }
}

/** A transaction followed to the status waited for. */
export interface FollowedTx {
  readonly waitedFor: WaitFor;
  readonly result: TxResult;
  readonly statuses: readonly StatusView[];
}

/** The options `send` passes on to the SDK's submitting call. */
export interface FollowOptions {
  readonly waitFor: WaitFor;
  readonly onStatus: (status: TxStatusEvent) => void;
}

/**
 * Sends a transaction with `send` (`transfer`, `tx`) and follows it until `waitFor`, printing its
 * statuses unless `quiet`. Whether it succeeds or fails, every status that came is printed before this settles, so
 * that an error is reported after them.
 */
export async function followTx(
  client: Pick<PhalaClient, "blockNumber">,
  waitFor: WaitFor,
  quiet: boolean,
  send: (options: FollowOptions) => Promise<TxResult>,
): Promise<FollowedTx> {
  const feed = new StatusFeed(client, quiet);
  try {
    const result = await send({ waitFor, onStatus: feed.onStatus });
    return { waitedFor: waitFor, result, statuses: feed.statuses };
  } finally {
    await feed.settled();
  }
}

/** The fee the transaction paid, from its `TransactionPayment.TransactionFeePaid` event (fields as metadata names them). */
export function feeOf(events: readonly ChainEvent[]): bigint | undefined {
  const paid = events.find((event) => event.pallet === "TransactionPayment" && event.name === "TransactionFeePaid");
  const fee = (paid?.data as { actual_fee?: unknown } | undefined)?.actual_fee;
  return typeof fee === "bigint" ? fee : undefined;
}

/** `fee: 0.0000015 PHA`, or `not reported` when no event says it. */
export function feeLine(events: readonly ChainEvent[]): string {
  const fee = feeOf(events);
  return field(0, "fee", fee === undefined ? "not reported" : phaText(fee));
}

/** The transaction's part of a command's JSON result, after the command's own fields. */
export function followedJson({ waitedFor, result, statuses }: FollowedTx): Record<string, unknown> {
  return {
    status: waitedFor,
    txHash: result.txHash,
    blockHash: result.blockHash,
    blockNumber: result.blockNumber,
    index: result.index,
    fee: feeOf(result.events) ?? null,
    statuses,
    events: result.events.map(({ pallet, name, data }) => ({ pallet, name, data })),
  };
}
