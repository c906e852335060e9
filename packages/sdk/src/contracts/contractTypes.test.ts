import type { Context } from "@phala-ts/contracts/kit";
import { defineContract } from "@phala-ts/contracts/kit";
import { describe, expectTypeOf, it } from "vitest";
import type { ContractHandle } from "./contractHandle.js";
import type {
  AnswerOf,
  ArgsOf,
  CommandOf,
  CommandOutcome,
  QueryOutcome,
  RequestOf,
  ResultOf,
} from "./contractTypes.js";

const counter = defineContract({
  init(args: { start: number }, _ctx: Context) {
    return args.start;
  },
  handle(command: { add: number }, _ctx: Context) {
    return command.add;
  },
  query(_request: { get: "count" }, _ctx: Context): string {
    return "n";
  },
});

describe("contract types from the authoring kit's definitions", () => {
  it("reads the entry points' input and output types off a definition", () => {
    type Counter = typeof counter;
    expectTypeOf<ArgsOf<Counter>>().toEqualTypeOf<{ start: number }>();
    expectTypeOf<CommandOf<Counter>>().toEqualTypeOf<{ add: number }>();
    expectTypeOf<ResultOf<Counter>>().toEqualTypeOf<number>();
    expectTypeOf<RequestOf<Counter>>().toEqualTypeOf<{ get: "count" }>();
    expectTypeOf<AnswerOf<Counter>>().toEqualTypeOf<string>();
  });

  it("types a handle's command and query", () => {
    type Handle = ContractHandle<typeof counter>;
    expectTypeOf<Handle["command"]>().parameter(1).toEqualTypeOf<{ add: number }>();
    expectTypeOf<Handle["command"]>().returns.resolves.toEqualTypeOf<CommandOutcome<number>>();
    expectTypeOf<Handle["query"]>().parameter(2).toEqualTypeOf<{ get: "count" }>();
    expectTypeOf<Handle["query"]>().returns.resolves.toEqualTypeOf<QueryOutcome<string>>();
    // An untyped handle takes anything.
    expectTypeOf<ContractHandle["command"]>().parameter(1).toEqualTypeOf<unknown>();
  });
});
