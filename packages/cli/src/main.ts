import { PhalaError, sr25519Ready } from "@phala-ts/core";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { addAccountCommand } from "./accountCommand.js";
import { addAttestationCommand } from "./attestationCommand.js";
import { addBalanceCommand } from "./balanceCommand.js";
import { addBuildSpecCommand } from "./buildSpecCommand.js";
import { addChainCommand } from "./chainCommand.js";
import { addClusterCommand } from "./clusterCommand.js";
import { CommandFailure } from "./commandFailure.js";
import { addContractCommand } from "./contractCommand.js";
import { addDevnetCommand } from "./devnetCommand.js";
import { addGatekeeperCommand } from "./gatekeeperCommand.js";
import { addNodeCommand } from "./nodeCommand.js";
import { addPherryCommand } from "./pherryCommand.js";
import { addPRuntimeCommand } from "./pruntimeCommand.js";
import { addTransferCommand } from "./transferCommand.js";
import { addTxCommand } from "./txCommand.js";
import { addWorkerCommand } from "./workerCommand.js";

/** Exit codes: 0 success, 1 runtime failure, 2 bad usage or input, 3 the network refused (client commands). */
export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command("phala")
    .description("Phala-TS: the confidential-compute network")
    .version("0.1.0")
    .exitOverride()
    .showHelpAfterError()
    .addHelpText(
      "after",
      `
Start with a whole network on this machine, then talk to it:
  $ phala devnet                                   # or, in the repository, npm run devnet
  $ phala chain status
  $ phala contract query private-token '{"balance":{}}' --as //Alice
  $ phala transfer //Alice //Bob 10

Every command has --help with its flags, exit codes and examples.`,
    );
  addNodeCommand(program);
  addBuildSpecCommand(program);
  addPRuntimeCommand(program);
  addPherryCommand(program);
  addAttestationCommand(program);
  addGatekeeperCommand(program);
  addClusterCommand(program);
  addContractCommand(program);
  addDevnetCommand(program);
  addAccountCommand(program);
  addBalanceCommand(program);
  addTransferCommand(program);
  addTxCommand(program);
  addChainCommand(program);
  addWorkerCommand(program);
  try {
    await sr25519Ready();
    await program.parseAsync(argv as string[]);
    return 0;
  } catch (error) {
    if (error instanceof InvalidArgumentError) {
      process.stderr.write(`error: ${error.message}\n`);
      return 2;
    }
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof CommandFailure) return error.exitCode;
    if (error instanceof PhalaError) {
      process.stderr.write(`error: ${error.message} (${error.code})\n`);
      return 2;
    }
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
