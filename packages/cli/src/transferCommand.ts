import type { ChainEvent, PhalaClient, TxResult, TxStatusEvent } from "@phala-ts/sdk";
import { type Command, Option } from "commander";
import { parsePha, parsePlanck, phaText } from "./amount.js";
import { field } from "./chainQuery.js";
import {
  ACCOUNT_FORMS,
  clientAction,
  helpText,
  jsonOption,
  NODE_FAILURE,
  nodeOption,
  printResult,
  withClient,
} from "./clientCommand.js";

type WaitFor = "inBlock" | "finalized";

interface TransferFlags {
  node: string;
  json?: boolean;
  planck?: boolean;
  wait: WaitFor;
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

/** The fee the transaction paid, from its `TransactionPayment.TransactionFeePaid` event (fields as metadata names them). */
export function feeOf(events: readonly ChainEvent[]): bigint | undefined {
  const paid = events.find((event) => event.pallet === "TransactionPayment" && event.name === "TransactionFeePaid");
  const fee = (paid?.data as { actual_fee?: unknown } | undefined)?.actual_fee;
  return typeof fee === "bigint" ? fee : undefined;
}

export interface TransferView {
  readonly from: string;
  readonly to: string;
  readonly amount: bigint;
  readonly waitedFor: WaitFor;
  readonly result: TxResult;
  readonly statuses: readonly StatusView[];
}

export function transferJson({ from, to, amount, waitedFor, result, statuses }: TransferView): Record<string, unknown> {
  return {
    from,
    to,
    amount,
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

export function addTransferCommand(program: Command): void {
  program
    .command("transfer")
    .argument("<from>", "the account that signs and pays: //URI, keystore name or key file")
    .argument("<to>", "the account paid: SS58 address, 0x account id, keystore name or //URI")
    .argument("<amount>", "in PHA (decimals allowed: 2.5), or in planck with --planck")
    .description("transfer PHA (Balances.transfer_keep_alive) and follow it: submitted, in block, finalized")
    .option("--planck", "the amount is in planck (10^-12 PHA), a whole number")
    .addOption(
      new Option("--wait <status>", "return once the transfer is in a block or once that block is final")
        .choices(["inBlock", "finalized"])
        .default("finalized"),
    )
    .addOption(nodeOption())
    .addOption(jsonOption())
    .addHelpText(
      "after",
      helpText({
        about: `The sender keeps at least the existential deposit (transfer_keep_alive) and pays the fee on top.
Amounts are exact (no floating point): at most 12 decimals.
${ACCOUNT_FORMS}`,
        failure: NODE_FAILURE,
        refused:
          "the node refused the transaction (TX_INVALID: the reason, e.g. Payment) or its call failed (TX_FAILED: the error, e.g. Balances.InsufficientBalance)",
        examples: [
          "phala transfer //Alice alice-ops 100",
          "phala transfer alice-ops 45R2pfjQUW2s9PQRHU48HQKLKHVMaDja7N3wpBtmF28UYDs2 0.25 --wait inBlock",
          "phala transfer ./ops.json 0x8eaf04151687736326c9fea17e25fc5287613693c912909cb226aa4794f26a48 5000 --planck --json",
        ],
      }),
    )
    .action(
      clientAction(async (fromArg: string, toArg: string, amountArg: string, flags: TransferFlags) => {
        const { resolveAccount, resolveSigner } = await import("./accountArg.js");
        const amount = flags.planck ? parsePlanck(amountArg) : parsePha(amountArg);
        const from = await resolveSigner(fromArg);
        const to = await resolveAccount(toArg);
        const view = await withClient(flags.node, async (client) => {
          if (!flags.json)
            process.stdout.write(
              `${[field(0, "from", from.address), field(0, "to", to.address), field(0, "amount", phaText(amount))].join("\n")}\n`,
            );
          const feed = new StatusFeed(client, flags.json === true);
          try {
            const result = await client.transfer(from.signer, to.address, amount, {
              waitFor: flags.wait,
              onStatus: feed.onStatus,
            });
            await feed.settled();
            return {
              from: from.address,
              to: to.address,
              amount,
              waitedFor: flags.wait,
              result,
              statuses: feed.statuses,
            };
          } catch (error) {
            await feed.settled();
            throw error;
          }
        });
        const fee = feeOf(view.result.events);
        printResult(
          flags.json,
          () => transferJson(view),
          () => [field(0, "fee", fee === undefined ? "not reported" : phaText(fee))],
        );
      }),
    );
}
