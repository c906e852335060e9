import { describe, expect, it } from "vitest";
import { MAX_PAYLOAD_BYTES } from "../mq/message.js";
import { decodeExact } from "../scale/decodeExact.js";
import {
  type CommandReply,
  commandRepliesCodec,
  MAX_REPLIES_PER_MESSAGE,
  MAX_REPLY_BYTES,
  packCommandReplies,
} from "./contractMessages.js";

const contract = new Uint8Array(32).fill(7);
const reply = (index: number, sealedBytes: number): CommandReply => ({
  index: BigInt(index),
  succeeded: index % 2 === 0,
  gasUsed: BigInt(1000 + index),
  sealedReply: new Uint8Array(sealedBytes).fill(index & 0xff),
});
const unpack = (payloads: Uint8Array[]) =>
  payloads.map((payload) => decodeExact(commandRepliesCodec.dec, payload, "CommandReplies"));

describe("packCommandReplies", () => {
  it("puts a block's replies in one message, in order, when they fit", () => {
    const replies = [0, 1, 2].map((i) => reply(i, 100));
    const payloads = packCommandReplies(contract, replies);
    expect(unpack(payloads)).toEqual([{ contract, replies }]);
    expect(packCommandReplies(contract, [])).toEqual([]);
  });

  it("cuts at MAX_REPLIES_PER_MESSAGE replies", () => {
    const replies = Array.from({ length: MAX_REPLIES_PER_MESSAGE * 2 + 1 }, (_, i) => reply(i, 0));
    const messages = unpack(packCommandReplies(contract, replies));
    expect(messages.map((m) => m.replies.length)).toEqual([MAX_REPLIES_PER_MESSAGE, MAX_REPLIES_PER_MESSAGE, 1]);
    expect(messages.flatMap((m) => m.replies)).toEqual(replies);
  });

  it("cuts before a reply that would take a message past the mq's payload limit; the largest reply fits alone", () => {
    const replies = [reply(0, 30_000), reply(1, 30_000), reply(2, 30_000), reply(3, MAX_REPLY_BYTES), reply(4, 10)];
    const payloads = packCommandReplies(contract, replies);
    for (const payload of payloads) expect(payload.length).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
    const messages = unpack(payloads);
    expect(messages.map((m) => m.replies.map((r) => r.index))).toEqual([[0n, 1n], [2n], [3n, 4n]]);
    expect(messages.flatMap((m) => m.replies)).toEqual(replies);
  });

  it("fills a message to exactly the payload limit", () => {
    // Three replies whose message is MAX_PAYLOAD_BYTES long: the third is sized to fill the rest.
    const first = [reply(0, 20_000), reply(1, 20_000)];
    const length = (fill: number) => commandRepliesCodec.enc({ contract, replies: [...first, reply(2, fill)] }).length;
    let fill = MAX_PAYLOAD_BYTES - length(0);
    while (length(fill) > MAX_PAYLOAD_BYTES) fill -= 1;
    expect(length(fill)).toBe(MAX_PAYLOAD_BYTES);
    const full = [...first, reply(2, fill)];
    expect(unpack(packCommandReplies(contract, full))).toHaveLength(1);
    expect(unpack(packCommandReplies(contract, [...first, reply(2, fill + 1)]))).toHaveLength(2);
  });
});
