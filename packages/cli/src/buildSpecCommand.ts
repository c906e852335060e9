import type { Command } from "commander";

export function addBuildSpecCommand(program: Command): void {
  program
    .command("build-spec")
    .description("print a chain spec as JSON, to edit and pass back with `phala node --chain <file>`")
    .option("--chain <spec>", "dev, local or a chain spec file", "dev")
    .addHelpText("after", "\nExample:\n  $ phala build-spec --chain local > local.json")
    .action(async (flags: { chain: string }) => {
      const { specToJson } = await import("@phala-ts/node");
      const { loadSpec } = await import("./loadSpec.js");
      process.stdout.write(`${JSON.stringify(specToJson(loadSpec(flags.chain)), null, 2)}\n`);
    });
}
