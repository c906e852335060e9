import { PhalaError } from "@phala-ts/core";

export type CliErrorCode =
  | "CLI_BAD_CONTRACT_BOOK"
  | "CLI_UNKNOWN_CONTRACT"
  | "CLI_CONTRACT_NAME_TAKEN"
  | "CLI_UNKNOWN_ACCOUNT"
  | "CLI_BAD_JSON"
  | "CLI_BAD_AMOUNT"
  | "CLI_BAD_ARGUMENT"
  | "CLI_UNKNOWN_CALL";

/** Bad input the CLI itself refuses (before anything is sent anywhere): `main` exits 2. */
export class CliError extends PhalaError<CliErrorCode> {
  override readonly name = "CliError";
}
