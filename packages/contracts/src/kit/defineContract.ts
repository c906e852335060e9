import type { Context } from "./context.js";

/**
 * A contract's entry points. The engine calls each with the decoded JSON input and the context,
 * and encodes its return value as JSON (`undefined` becomes `null`). Entry points are synchronous:
 * returning a Promise is an error.
 */
export interface ContractDefinition<
  Args = unknown,
  Command = unknown,
  Result = unknown,
  Request = unknown,
  Answer = unknown,
> {
  /** Runs once, at instantiation. */
  init(args: Args, ctx: Context): unknown;
  /** A command from the chain, in block order, on every worker of the cluster. */
  handle(command: Command, ctx: Context): Result;
  /** A read-only request answered by one worker. */
  query(request: Request, ctx: Context): Answer;
}

/**
 * Declares a contract; the file's default export. The type parameters, in order, type the
 * instantiation args, the commands, what `handle` returns, the query requests and what `query`
 * returns; they are inferred from the parameter annotations when not given. Without `init`, the
 * contract starts with empty storage.
 */
export function defineContract<Args, Command, Result, Request, Answer>(
  definition: Omit<ContractDefinition<Args, Command, Result, Request, Answer>, "init"> &
    Partial<Pick<ContractDefinition<Args>, "init">>,
): ContractDefinition<Args, Command, Result, Request, Answer> {
  return { init: () => null, ...definition };
}
