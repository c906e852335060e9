import { describe, expect, it } from "vitest";
import { utf8 } from "../bytes/bytes.js";
import { MqError } from "./mqError.js";
import {
  assertValidTopic,
  isOnChainOnlyTopic,
  isValidTopic,
  phalaTopic,
  topicFromString,
  topicToString,
} from "./topic.js";

describe("topic", () => {
  it("builds phala/... paths from segments", () => {
    expect(phalaTopic("system", "event")).toEqual(utf8("phala/system/event"));
    expect(topicToString(phalaTopic("contract", "0xab", "command"))).toBe("phala/contract/0xab/command");
    expect(topicFromString("phala/gatekeeper/key")).toEqual(phalaTopic("gatekeeper", "key"));
  });

  it("recognises on-chain-only topics by a leading ^", () => {
    expect(isOnChainOnlyTopic(topicFromString("^phala/registry/worker"))).toBe(true);
    expect(isOnChainOnlyTopic(phalaTopic("registry", "worker"))).toBe(false);
    expect(isOnChainOnlyTopic(utf8("phala/^x"))).toBe(false);
    expect(isOnChainOnlyTopic(new Uint8Array(0))).toBe(false);
  });

  it("rejects empty topics, reserved first bytes and bad segments with MqError", () => {
    expect(isValidTopic(new Uint8Array(0))).toBe(false);
    expect(isValidTopic(utf8("/phala"))).toBe(false);
    expect(isValidTopic(utf8("^x"))).toBe(true);
    expect(isValidTopic(Uint8Array.of(0xff, 0))).toBe(true);
    for (const bad of ["", "/x", "~x", "@x", "'x"]) {
      try {
        topicFromString(bad);
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(MqError);
        expect((error as MqError).code).toBe("MQ_INVALID_TOPIC");
      }
    }
    expect(() => assertValidTopic(new Uint8Array(0))).toThrow(MqError);
    expect(() => phalaTopic("a", "", "b")).toThrow(MqError);
    expect(() => phalaTopic("a/b")).toThrow(MqError);
  });
});
