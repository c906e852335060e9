import { utf8 } from "../bytes/bytes.js";
import { MqError } from "./mqError.js";

/** A destination in the message queue: a non-empty byte path such as `phala/system/event`. */
export type Topic = Uint8Array;

const ON_CHAIN_ONLY = 0x5e; // "^"
const SEPARATOR = "/";
// As in Phala's phala-mq: these first bytes are reserved for future indicators.
const RESERVED_FIRST_BYTES = new Set(utf8("~!@#$%&*_+-=|<>?,./;:'"));
const lossyDecoder = new TextDecoder("utf-8", { fatal: false });

function topicProblem(topic: Uint8Array): string | undefined {
  if (!(topic instanceof Uint8Array)) return "topic is not bytes";
  const first = topic[0];
  if (first === undefined) return "topic is empty";
  if (RESERVED_FIRST_BYTES.has(first))
    return `topic starts with the reserved byte ${JSON.stringify(String.fromCharCode(first))}`;
  return undefined;
}

export function isValidTopic(topic: Uint8Array): boolean {
  return topicProblem(topic) === undefined;
}

export function assertValidTopic(topic: Uint8Array): void {
  const problem = topicProblem(topic);
  if (problem !== undefined) {
    throw new MqError("MQ_INVALID_TOPIC", `invalid topic: ${problem}`, {
      topic: topic instanceof Uint8Array ? topicToString(topic) : String(topic),
    });
  }
}

/** A leading `^` means the topic's subscribers are on chain only: pRuntime never sees it. */
export function isOnChainOnlyTopic(topic: Topic): boolean {
  return topic[0] === ON_CHAIN_ONLY;
}

export function topicFromString(path: string): Topic {
  const topic = utf8(path);
  assertValidTopic(topic);
  return topic;
}

/** `phalaTopic("contract", id, "command")` → `phala/contract/<id>/command`. */
export function phalaTopic(...segments: string[]): Topic {
  for (const segment of segments) {
    if (segment.length === 0 || segment.includes(SEPARATOR)) {
      throw new MqError("MQ_INVALID_TOPIC", "invalid topic: a segment is empty or contains '/'", { segment });
    }
  }
  return topicFromString(["phala", ...segments].join(SEPARATOR));
}

/** For logs and errors; bytes that are not UTF-8 show as U+FFFD. */
export function topicToString(topic: Topic): string {
  return lossyDecoder.decode(topic);
}
