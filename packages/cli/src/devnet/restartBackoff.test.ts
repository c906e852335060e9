import { describe, expect, it } from "vitest";
import { RestartBackoff } from "./restartBackoff.js";

describe("RestartBackoff", () => {
  it("doubles from 0.5 s to 10 s while a child keeps dying young", () => {
    const backoff = new RestartBackoff();
    expect(Array.from({ length: 8 }, () => backoff.next(100))).toEqual([
      500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000,
    ]);
  });

  it("starts again from the first delay once a child stayed up long enough", () => {
    const backoff = new RestartBackoff({ initialMs: 100, maxMs: 1000, resetAfterMs: 5000 });
    expect([backoff.next(0), backoff.next(0), backoff.next(4999)]).toEqual([100, 200, 400]);
    expect([backoff.next(5000), backoff.next(10)]).toEqual([100, 200]);
  });
});
