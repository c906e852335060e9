import { specToJson } from "@phala-ts/node";
import type { Command } from "commander";
import { loadSpec } from "./nodeCommand.js";

export function addBuildSpecCommand(program: Command): void {
  program
    .command("build-spec")
    .description("print a chain spec as JSON, to edit and pass back with `phala node --chain <file>`")
    .option("--chain <spec>", "dev, local or a chain spec file", "dev")
    .addHelpText("after", "\nExample:\n  $ phala build-spec --chain local > local.json")
    .action((flags: { chain: string }) => {
      process.stdout.write(`${JSON.stringify(specToJson(loadSpec(flags.chain)), null, 2)}\n`);
    });
}
