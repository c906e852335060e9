import type { Command } from "commander";
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
import { type FollowedTx, feeLine, followedJson, followTx, type WaitFor, waitOption } from "./txFollow.js";

interface TransferFlags {
  node: string;
  json?: boolean;
  planck?: boolean;
  wait: WaitFor;
}

export interface TransferView extends FollowedTx {
  readonly from: string;
  readonly to: string;
  readonly amount: bigint;
}

export function transferJson({ from, to, amount, ...followed }: TransferView): Record<string, unknown> {
  return { from, to, amount, ...followedJson(followed) };
}

export function addTransferCommand(program: Command): void {
  program
    .command("transfer")
    .argument("<from>", "the account that signs and pays: //URI, keystore name or key file")
    .argument("<to>", "the account paid: SS58 address, 0x account id, keystore name or //URI")
    .argument("<amount>", "in PHA (decimals allowed: 2.5), or in planck with --planck")
    .description("transfer PHA (Balances.transfer_keep_alive) and follow it: submitted, in block, finalized")
    .option("--planck", "the amount is in planck (10^-12 PHA), a whole number")
    .addOption(waitOption("the transfer"))
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
        const view = await withClient(flags.node, async (client): Promise<TransferView> => {
          if (!flags.json)
            process.stdout.write(
              `${[field(0, "from", from.address), field(0, "to", to.address), field(0, "amount", phaText(amount))].join("\n")}\n`,
            );
          const followed = await followTx(client, flags.wait, flags.json === true, (options) =>
            client.transfer(from.signer, to.address, amount, options),
          );
          return { from: from.address, to: to.address, amount, ...followed };
        });
        printResult(
          flags.json,
          () => transferJson(view),
          () => [feeLine(view.result.events)],
        );
      }),
    );
}
