import { PhalaError } from "@phala-ts/core";
import type { ChainEvent, PhalaClient } from "@phala-ts/sdk";
import type { Command } from "commander";
import { field, item, listLines } from "./chainQuery.js";
import { CliError } from "./cliError.js";
import {
  ACCOUNT_FORMS,
  clientAction,
  helpText,
  jsonOption,
  NODE_FAILURE,
  nodeOption,
  printResult,
  signerOption,
  withClient,
} from "./clientCommand.js";
import { jsonText, parseJsonArg } from "./jsonOutput.js";
import { type FollowedTx, feeLine, followedJson, followTx, type WaitFor, waitOption } from "./txFollow.js";

interface TxFlags {
  node: string;
  json?: boolean;
  from: string;
  sudo?: boolean;
  wait: WaitFor;
}

/** The call's arguments: one JSON object (none: `{}`), or `CLI_BAD_JSON`. */
export function parseCallArgs(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  const args = parseJsonArg(text, "the call's arguments");
  if (typeof args !== "object" || args === null || Array.isArray(args)) {
    throw new CliError(
      "CLI_BAD_JSON",
      `the call's arguments must be one JSON object of its fields ('{"field":value}'), not ${
        Array.isArray(args) ? "an array" : args === null ? "null" : `a ${typeof args}`
      }`,
      { what: "the call's arguments", text },
    );
  }
  return args as Record<string, unknown>;
}

const squashed = (name: string) => name.toLowerCase().replaceAll("_", "");

/** The names among `known` close to `given`: the same but for case and underscores, or one inside the other. */
export function closeNames(given: string, known: readonly string[]): string[] {
  const wanted = squashed(given);
  if (wanted === "") return [];
  return known.filter((name) => {
    const candidate = squashed(name);
    return candidate !== "" && (candidate.includes(wanted) || wanted.includes(candidate));
  });
}

/**
 * The SDK's refusal of a pallet or call the chain does not have (`METADATA_MISMATCH`, with the names
 * it has), as bad input: the close names, else all of them. Undefined for other errors.
 */
export function unknownCallError(error: unknown, pallet: string, call: string): CliError | undefined {
  if (!(error instanceof PhalaError) || error.code !== "METADATA_MISMATCH") return undefined;
  const { details } = error;
  const [given, known, whose] = Array.isArray(details["calls"])
    ? [call, details["calls"] as string[], `${pallet}'s calls`]
    : Array.isArray(details["pallets"])
      ? [pallet, details["pallets"] as string[], "the chain's pallets"]
      : [];
  if (given === undefined || known === undefined) return undefined;
  const close = closeNames(given, known);
  const hint = close.length > 0 ? `did you mean ${close.join(" or ")}?` : `${whose}: ${known.join(", ") || "none"}`;
  return new CliError("CLI_UNKNOWN_CALL", `${error.message}; ${hint}`, { ...details, close }, { cause: error });
}

/** An event as one line: `Pallet.Name {data}` (bigints as decimal strings, bytes as 0x hex). */
export function eventLine({ pallet, name, data }: Pick<ChainEvent, "pallet" | "name" | "data">): string {
  return data === undefined ? `${pallet}.${name}` : `${pallet}.${name} ${jsonText(data)}`;
}

export interface TxView extends FollowedTx {
  /** `Pallet.call` as the chain's metadata names it. */
  readonly call: string;
  readonly sudo: boolean;
  /** The signer, SS58. */
  readonly from: string;
}

/** What is printed before the transaction is submitted. */
export function txHeadLines(call: string, sudo: boolean, from: string): string[] {
  return [field(0, "call", sudo ? `${call}, wrapped in Sudo.sudo` : call), field(0, "from", from)];
}

export function txJson({ call, sudo, from, ...followed }: TxView): Record<string, unknown> {
  return { call, sudo, from, ...followedJson(followed) };
}

/** What is printed once the transaction is in: its events and its fee (the statuses came before). */
export function txLines({ result }: Pick<TxView, "result">): string[] {
  return [
    ...listLines(
      0,
      "events",
      result.events.map((event) => item(1, eventLine(event))),
    ),
    feeLine(result.events),
  ];
}

/** A call that needs the root origin, sent without --sudo, fails with BadOrigin: the error says what to do. */
async function withSudoHint(error: unknown): Promise<unknown> {
  const { isSdkError, SdkError } = await import("@phala-ts/sdk");
  if (!isSdkError(error, "TX_FAILED") || error.details["error"] !== "BadOrigin") return error;
  return new SdkError("TX_FAILED", `${error.message}; if it is a governance (root) call, add --sudo`, error.details, {
    cause: error,
  });
}

/** `pallet.call` as metadata names it, or the SDK's refusal as bad input with the names the chain has. */
function callName(client: PhalaClient, pallet: string, call: string, args: Record<string, unknown>): string {
  try {
    client.encodeCall(pallet, call, args);
    return `${pallet}.${client.metadata.call(pallet, call).name}`;
  } catch (error) {
    throw unknownCallError(error, pallet, call) ?? error;
  }
}

const VALUES = `The arguments are one JSON object of the call's fields, named as the chain's metadata names them
(snake_case) or in camelCase; calls may be named either way. Values:
  accounts             an SS58 address (any prefix) or a 0x-hex account id
  [u8; N], Vec<u8>     0x-hex ("0x01ab…"); text is not taken for bytes
  integers             JSON numbers, or decimal strings ("1000000000000"): needed past 2^53 (u64, u128)
  enums                {"type":"Variant","value":…}; a variant without data as its name ("Public")
  MultiAddress         {"type":"Id","value":"<ss58>"}, or the address itself
  Option               null, or leave the field out
  bool, str, structs   JSON booleans, strings, objects; tuples and fixed arrays as JSON arrays
A pallet or call the chain does not have exits 2 naming the close names (or all it has); so do
arguments that do not fit, naming the path to the value (ARGS_INVALID). Nothing is signed then.
Governance (root) calls need --sudo: Sudo.sudo(call) signed by the sudo key (the dev specs':
//Alice). Sudo.sudo succeeds even when its call fails, so its Sudo.Sudid event is read and the
call's failure exits 3 with the call's error; without --sudo a root call fails with BadOrigin.
The statuses print as they come; then the transaction's events (Pallet.Name {data}) and its fee.
${ACCOUNT_FORMS}`;

export function addTxCommand(program: Command): void {
  program
    .command("tx")
    .argument("<pallet>", "the pallet, as the chain's metadata names it: PhalaRegistry, Balances, …")
    .argument("<call>", "the call: register_gatekeeper (or registerGatekeeper)")
    .argument("[args-json]", "the call's arguments, one JSON object (none: {})")
    .description("submit any call, encoded through the chain's metadata; with --sudo as Sudo.sudo(call)")
    .addOption(signerOption("--from <account>", "who signs and pays (with --sudo: the sudo key)"))
    .option("--sudo", "wrap the call in Sudo.sudo and fail (exit 3) when the wrapped call fails")
    .addOption(waitOption("the transaction"))
    .addOption(nodeOption())
    .addOption(jsonOption())
    .addHelpText(
      "after",
      helpText({
        about: VALUES,
        failure: NODE_FAILURE,
        refused:
          "the node refused the transaction (TX_INVALID: the reason, e.g. Payment) or its call failed (TX_FAILED: the error, e.g. PhalaRegistry.GatekeeperAlreadyRegistered; Sudo.RequireSudo when --from is not the sudo key)",
        examples: [
          `phala tx PhalaRegistry register_gatekeeper '{"gatekeeper":"0x…"}' --sudo`,
          `phala tx PhalaPhatContracts add_cluster '{"workers":["0x…"],"permission":"Public"}' --sudo`,
          `phala tx PhalaRegistry add_pruntime '{"measurement":"0x…"}' --sudo --wait inBlock --json`,
          "phala tx PhalaRegistry rotate_master_key --sudo",
          `phala tx Balances transfer_keep_alive '{"dest":{"type":"Id","value":"<ss58>"},"value":"1000000000000"}'`,
        ],
      }),
    )
    .action(
      clientAction(async (pallet: string, call: string, argsText: string | undefined, flags: TxFlags) => {
        const { resolveSigner } = await import("./accountArg.js");
        const args = parseCallArgs(argsText);
        const from = await resolveSigner(flags.from);
        const sudo = flags.sudo === true;
        const view = await withClient(flags.node, async (client): Promise<TxView> => {
          const name = callName(client, pallet, call, args);
          if (!flags.json) process.stdout.write(`${txHeadLines(name, sudo, from.address).join("\n")}\n`);
          const followed = await followTx(client, flags.wait, flags.json === true, (options) =>
            sudo
              ? client.sudo(from.signer, pallet, call, args, options)
              : client.submit(from.signer, pallet, call, args, options),
          ).catch(async (error: unknown) => {
            throw sudo ? error : await withSudoHint(error);
          });
          return { call: name, sudo, from: from.address, ...followed };
        });
        printResult(
          flags.json,
          () => txJson(view),
          () => txLines(view),
        );
      }),
    );
}
