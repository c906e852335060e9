import { decodeEnvelope, encodeEnvelope, openEnvelope, sealEnvelope } from "../crypto/envelope.js";
import { type X25519Keypair, x25519Ephemeral } from "../crypto/x25519.js";
import { PhalaError } from "../errors/phalaError.js";
import { CONTRACT_COMMAND_PURPOSE, CONTRACT_INIT_PURPOSE, CONTRACT_REPLY_PURPOSE } from "./contractMessages.js";

/** Why a command did not run, as its reply says (besides the contract's own `CONTRACT_*` outcomes). */
export type CommandRefusalCode =
  /** The envelope does not open with the contract's key: sealed to another key, or altered. */
  | "COMMAND_UNREADABLE"
  /** The plaintext is not UTF-8 JSON. */
  | "COMMAND_NOT_JSON"
  /** The sealed reply would pass the chain's MaxReplyBytes. */
  | "COMMAND_REPLY_TOO_LARGE";

/** An event a command emitted that its caller may see: public, or addressed to the caller. */
export interface CommandReplyEvent {
  readonly data: unknown;
  readonly to?: string;
}

/** The plaintext of a CommandReply's `sealedReply`: JSON, sealed to the command's envelope key. */
export type CommandReplyBody =
  | { readonly ok: true; readonly output: unknown; readonly events: CommandReplyEvent[] }
  | { readonly ok: false; readonly error: { readonly code: string; readonly message: string } };

export type CommandEnvelopeErrorCode = "COMMAND_REPLY_UNREADABLE";

export class CommandEnvelopeError extends PhalaError<CommandEnvelopeErrorCode> {
  override readonly name = "CommandEnvelopeError";
}

export interface SealedCommand {
  /** What `instantiate` takes as `args` or `push_command` as `payload`. */
  readonly envelope: Uint8Array;
  /** The only key that opens the command's reply; keep it until the reply comes. */
  readonly replyKey: X25519Keypair;
}

/**
 * Seals a command's JSON input: init arguments to the cluster's ECDH key, a command to the
 * contract's. The envelope's fresh sender key is the reply's recipient.
 */
export function sealContractCommand(
  kind: "init" | "command",
  recipientPublic: Uint8Array,
  input: unknown,
): SealedCommand {
  const replyKey = x25519Ephemeral();
  const plaintext = new TextEncoder().encode(JSON.stringify(input ?? null));
  const purpose = kind === "init" ? CONTRACT_INIT_PURPOSE : CONTRACT_COMMAND_PURPOSE;
  const envelope = encodeEnvelope(sealEnvelope({ recipientPublic, purpose, plaintext, senderSecret: replyKey }));
  return { envelope, replyKey };
}

/**
 * Opens the reply to a command sealed with `sealContractCommand`. Workers seal replies with the
 * contract's ECDH key: pass its public key (`ContractKeys`) to check that the reply came from the
 * contract's cluster.
 */
export function openCommandReply(
  sealedReply: Uint8Array,
  replyKey: X25519Keypair,
  contractEcdhPubkey?: Uint8Array,
): CommandReplyBody {
  try {
    const plaintext = openEnvelope({
      recipientSecret: replyKey,
      envelope: decodeEnvelope(sealedReply),
      purpose: CONTRACT_REPLY_PURPOSE,
      ...(contractEcdhPubkey === undefined ? {} : { expectedSender: contractEcdhPubkey }),
    });
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(plaintext)) as CommandReplyBody;
  } catch (cause) {
    throw new CommandEnvelopeError(
      "COMMAND_REPLY_UNREADABLE",
      "the reply does not open with this command's key",
      {},
      { cause },
    );
  }
}
