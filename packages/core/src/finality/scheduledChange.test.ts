import { describe, expect, it } from "vitest";
import type { Header } from "../scale/header.js";
import { errorCodeOf } from "../testing/errorCode.test-util.js";
import { scheduledChangeDigest, scheduledChangeOf } from "./scheduledChange.js";

const next = [[new Uint8Array(32).fill(1), 1n] as const, [new Uint8Array(32).fill(2), 3n] as const];
const header = (digests: Header["digests"]): Header => ({
  parentHash: `0x${"00".repeat(32)}`,
  number: 5,
  stateRoot: `0x${"00".repeat(32)}`,
  extrinsicRoot: `0x${"00".repeat(32)}`,
  digests,
});

describe("ScheduledChange digest", () => {
  it("round-trips through a header, and is absent when not scheduled", () => {
    expect(scheduledChangeOf(header([scheduledChangeDigest(next)]))).toEqual(next);
    expect(scheduledChangeOf(header([]))).toBeUndefined();
  });

  it("refuses two changes in one header", () => {
    const twice = header([scheduledChangeDigest(next), scheduledChangeDigest(next)]);
    expect(errorCodeOf(() => scheduledChangeOf(twice))).toBe("SCHEDULED_CHANGE_INVALID");
  });
});
