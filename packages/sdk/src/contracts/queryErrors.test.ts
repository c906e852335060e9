import { QueryError } from "@phala-ts/core";
import { describe, expect, it } from "vitest";
import { SdkError } from "../sdkError.js";
import { answerError, queryRefusal } from "./queryErrors.js";

const body = (value: unknown) => new TextEncoder().encode(typeof value === "string" ? value : JSON.stringify(value));

describe("query refusals", () => {
  it("passes the worker's documented codes through as the error's code", () => {
    for (const [status, code] of [
      [409, "QUERY_NONCE_REUSED"],
      [429, "QUERY_RATE_LIMITED"],
      [404, "QUERY_CONTRACT_NOT_FOUND"],
      [401, "QUERY_CERTIFICATE_EXPIRED"],
      [401, "QUERY_STALE"],
      [413, "API_BODY_TOO_LARGE"],
      [503, "QUERY_CONTRACT_UNAVAILABLE"],
    ] as const) {
      const error = queryRefusal("http://w", status, body({ code, message: "why", details: {} }));
      expect(error).toBeInstanceOf(SdkError);
      expect(error.code).toBe(code);
      expect(error.details).toEqual({ endpoint: "http://w", status, workerCode: code });
      expect(error.message).toContain("why");
    }
  });

  it("reports unknown codes and non-pRuntime bodies as WORKER_REFUSED", () => {
    expect(queryRefusal("http://w", 418, body({ code: "TEAPOT", message: "short and stout" }))).toMatchObject({
      code: "WORKER_REFUSED",
      details: { status: 418, workerCode: "TEAPOT" },
    });
    expect(queryRefusal("http://w", 502, body("<html>bad gateway</html>"))).toMatchObject({
      code: "WORKER_REFUSED",
      message: expect.stringContaining("HTTP 502"),
    });
  });

  it("maps what opening an answer throws", () => {
    expect(answerError("http://w", new QueryError("QUERY_SIGNATURE_INVALID", "x"))).toMatchObject({
      code: "WORKER_BAD_SIGNATURE",
    });
    expect(answerError("http://w", new QueryError("QUERY_ANSWER_MISMATCH", "x"))).toMatchObject({
      code: "QUERY_ANSWER_MISMATCH",
    });
    expect(answerError("http://w", new Error("aead"))).toMatchObject({ code: "QUERY_ANSWER_MISMATCH" });
    const own = new SdkError("QUERY_TIMEOUT", "t");
    expect(answerError("http://w", own)).toBe(own);
  });
});
