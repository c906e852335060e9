import { PhalaError } from "@phala-ts/core";
import { describe, expect, it } from "vitest";
import { checkParams, positionalParams } from "./paramsSpec.js";
import { RpcError } from "./rpcError.js";

function refusal(run: () => void): unknown {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(RpcError);
    return (error as RpcError).toErrorObject();
  }
  throw new Error("expected a refusal");
}

describe("positionalParams", () => {
  it("accepts an array or nothing, refuses by-name params", () => {
    expect(positionalParams(undefined)).toEqual([]);
    expect(positionalParams([1, "a"])).toEqual([1, "a"]);
    expect(refusal(() => positionalParams({ a: 1 }))).toMatchObject({ code: -32602 });
  });
});

describe("checkParams", () => {
  it("checks an exact count and a range", () => {
    checkParams(undefined, [1, 2, 3]);
    checkParams(1, ["x"]);
    expect(refusal(() => checkParams(1, []))).toEqual({
      code: -32602,
      message: "Invalid params",
      data: "expected 1 param, got 0",
    });
    checkParams({ min: 1, max: 2 }, ["k", "at"]);
    expect(refusal(() => checkParams({ min: 1, max: 2 }, [1, 2, 3]))).toMatchObject({
      data: "expected 1 to 2 params, got 3",
    });
    expect(refusal(() => checkParams({ min: 2 }, [1]))).toMatchObject({ data: "expected at least 2 params, got 1" });
    checkParams({ max: 1 }, []);
  });

  it("runs a validator, keeping its RpcError and hiding other errors' internals", () => {
    const custom = new RpcError(1001, "Extrinsic has invalid format");
    expect(
      refusal(() =>
        checkParams(() => {
          throw custom;
        }, []),
      ),
    ).toEqual({ code: 1001, message: "Extrinsic has invalid format" });
    expect(
      refusal(() =>
        checkParams(
          {
            max: 1,
            validate: () => {
              throw new PhalaError("HEX_INVALID", "not hex");
            },
          },
          ["zz"],
        ),
      ),
    ).toEqual({ code: -32602, message: "Invalid params", data: "not hex" });
    expect(
      refusal(() =>
        checkParams(() => {
          throw new TypeError("cannot read x of undefined");
        }, []),
      ),
    ).toEqual({ code: -32602, message: "Invalid params", data: "params rejected" });
  });
});
