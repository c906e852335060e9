import { PhalaError } from "@phala-ts/core";
import { describe, expect, it } from "vitest";
import { JsonRpcErrorCode, RpcError, RpcLimitErrorCode, SubstrateErrorCode, toRpcError } from "./rpcError.js";

describe("RpcError", () => {
  it("is a PhalaError carrying a JSON-RPC code, message and optional data", () => {
    const error = new RpcError(SubstrateErrorCode.InvalidTransaction, "Invalid Transaction", "Custom error: 3");
    expect(error).toBeInstanceOf(PhalaError);
    expect(error.code).toBe("RPC_ERROR");
    expect(error.toErrorObject()).toEqual({ code: 1010, message: "Invalid Transaction", data: "Custom error: 3" });
    expect(new RpcError(-32000, "no data").toErrorObject()).toEqual({ code: -32000, message: "no data" });
  });

  it("refuses a code that is not an integer", () => {
    expect(() => new RpcError(1.5, "x")).toThrow(PhalaError);
    expect(() => new RpcError(Number.NaN, "x")).toThrow(/integer/);
  });

  it("uses Substrate's numbers", () => {
    expect(SubstrateErrorCode).toMatchObject({
      BadFormat: 1001,
      VerificationError: 1002,
      InvalidTransaction: 1010,
      UnknownTransaction: 1011,
      TemporarilyBanned: 1012,
      AlreadyImported: 1013,
      PriorityTooLow: 1014,
      ImmediatelyDropped: 1016,
      ClientError: 4003,
    });
    expect(JsonRpcErrorCode).toEqual({
      ParseError: -32700,
      InvalidRequest: -32600,
      MethodNotFound: -32601,
      InvalidParams: -32602,
      InternalError: -32603,
    });
    expect(RpcLimitErrorCode.TooManySubscriptions).toBe(-32006);
    expect(RpcLimitErrorCode.OversizedRequest).toBe(-32007);
  });
});

describe("toRpcError", () => {
  it("passes an RpcError through unchanged", () => {
    const error = RpcError.invalidParams("bad");
    expect(toRpcError(error)).toBe(error);
  });

  it("turns another PhalaError into a client error with its code as data", () => {
    const cause = new PhalaError("POOL_FULL", "the pool is full", { size: 3 });
    const mapped = toRpcError(cause);
    expect(mapped.toErrorObject()).toEqual({ code: 4003, message: "the pool is full", data: "POOL_FULL" });
    expect(mapped.cause).toBe(cause);
  });

  it("hides everything about a plain error", () => {
    for (const thrown of [new Error("db password is hunter2"), "a string", undefined, { weird: true }]) {
      const mapped = toRpcError(thrown);
      expect(mapped.toErrorObject()).toEqual({ code: -32603, message: "Internal error" });
      expect(mapped.cause).toBe(thrown);
    }
  });
});
