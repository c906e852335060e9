import type { Balance, BlockRef } from "@phala-ts/sdk";
import type { Command } from "commander";
import { phaText } from "./amount.js";
import { field } from "./chainQuery.js";
import {
  ACCOUNT_FORMS,
  type ClientFlags,
  clientAction,
  helpText,
  jsonOption,
  NODE_FAILURE,
  nodeOption,
  printResult,
  withClient,
} from "./clientCommand.js";

export interface BalanceView extends Balance {
  /** SS58. */
  readonly account: string;
  readonly at: BlockRef;
}

/** Amounts in planck (decimal strings once printed). */
export function balanceJson({ account, at, free, reserved, frozen }: BalanceView): Record<string, unknown> {
  return { account, at: { number: at.number, hash: at.hash }, free, reserved, frozen };
}

export function balanceLines({ account, at, free, reserved, frozen }: BalanceView): string[] {
  return [
    field(0, "account", account),
    field(0, "free", phaText(free)),
    field(0, "reserved", phaText(reserved)),
    field(0, "frozen", phaText(frozen)),
    field(0, "best block", `#${at.number} ${at.hash}`),
  ];
}

export function addBalanceCommand(program: Command): void {
  program
    .command("balance")
    .argument("<account>", "an SS58 address, 0x account id, keystore name, //URI or key file")
    .description("show an account's free, reserved and frozen balance (PHA; planck with --json)")
    .addOption(nodeOption())
    .addOption(jsonOption())
    .addHelpText(
      "after",
      helpText({
        about: `Reads System.Account at the node's best block. 1 PHA = 10^12 planck.\n${ACCOUNT_FORMS}`,
        failure: NODE_FAILURE,
        examples: ["phala balance //Alice", "phala balance 45R2pfjQUW2s9PQRHU48HQKLKHVMaDja7N3wpBtmF28UYDs2 --json"],
      }),
    )
    .action(
      clientAction(async (arg: string, flags: ClientFlags) => {
        const { resolveAccount } = await import("./accountArg.js");
        const { address } = await resolveAccount(arg);
        const view = await withClient(flags.node, async (client) => {
          const at = await client.bestBlock();
          return { account: address, at, ...(await client.balance(address, { at: at.hash })) };
        });
        printResult(
          flags.json,
          () => balanceJson(view),
          () => balanceLines(view),
        );
      }),
    );
}
