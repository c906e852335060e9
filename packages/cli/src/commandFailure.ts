/** A command that ran and reported its own failure: `main` exits with `exitCode` and prints nothing more. */
export class CommandFailure extends Error {
  constructor(readonly exitCode: number) {
    super(`command failed with exit code ${exitCode}`);
  }
}
