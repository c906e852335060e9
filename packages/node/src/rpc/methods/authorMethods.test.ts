import { describe, expect, it } from "vitest";
import { TransactionInvalidError } from "../../chain/transactionValidity.js";
import { RpcError } from "../server/index.js";
import { submissionError } from "./authorMethods.js";

const errorObject = (error: unknown) => (error as RpcError).toErrorObject();

describe("submissionError", () => {
  it("answers an invalid transaction as Substrate does: code 1010, the reason as data", () => {
    const error = submissionError(new TransactionInvalidError("Stale", { nonce: 1, expected: 2 }));
    expect(error).toBeInstanceOf(RpcError);
    expect(errorObject(error)).toEqual({
      code: 1010,
      message: "Invalid Transaction: invalid transaction: transaction is outdated",
      data: "Stale",
    });
  });

  it("says in the message why the mq refused a relayed message, keeping Substrate's data", () => {
    const error = submissionError(new TransactionInvalidError("BadProof", { mq: "BadSender" }));
    expect(errorObject(error)).toMatchObject({ code: 1010, data: "BadProof" });
    expect(errorObject(error).message).toMatch(/^Invalid Transaction: .*bad signature.* \(mq: BadSender\)$/);
  });
});
