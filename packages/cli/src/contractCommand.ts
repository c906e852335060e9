import { mkdir, writeFile } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";
import { toHex } from "@phala-ts/core";
import { type Command, InvalidArgumentError } from "commander";
import { addContractClientCommands } from "./contractClientCommand.js";

interface NewFlags {
  dir: string;
  json?: boolean;
}

interface BuildFlags {
  out?: string;
  minify: boolean;
  json?: boolean;
}

const contractName = (value: string): string => {
  if (!/^[a-z][a-z0-9-]{0,63}$/.test(value))
    throw new InvalidArgumentError("must be lowercase letters, digits and dashes, starting with a letter");
  return value;
};

/** Where `build` writes unless told: `dist/<name>.js` beside the entry. */
const defaultOut = (entry: string) => join(dirname(entry), "dist", `${basename(entry, extname(entry))}.js`);

export function addContractCommand(program: Command): void {
  const contract = program
    .command("contract")
    .description("write, build, deploy, command, query and list confidential contracts");
  contract
    .command("new")
    .argument("<name>", "the project's name and directory", contractName)
    .description("write a ready-to-build contract project: contract.ts, a test that runs it, a README")
    .option("--dir <dir>", "the directory to create the project in", ".")
    .option("--json", "print { dir, files } as JSON")
    .addHelpText(
      "after",
      `
Exit codes: 0 written, 1 the files cannot be written, 2 bad usage (or the directory is not empty).

Examples:
  $ phala contract new counter
  $ phala contract new auction --dir ./contracts`,
    )
    .action(async (name: string, flags: NewFlags) => {
      const { writeContractProject } = await import("./contractProject.js");
      const { dir, files } = await writeContractProject(name, flags.dir);
      process.stdout.write(
        flags.json
          ? `${JSON.stringify({ dir, files })}\n`
          : `created ${dir}: ${files.join(", ")}\nnext: cd ${dir} && npm install && npm test\n`,
      );
    });
  contract
    .command("build")
    .argument("[entry]", "the contract's source file", "contract.ts")
    .description("bundle a contract into the one script the engine runs; print its code hash and size")
    .option("--out <file>", "where to write the bundle (default: dist/<entry>.js beside the entry)")
    .option("--no-minify", "keep the bundle readable (larger, and the engine compiles it in every call)")
    .option("--json", "print { codeHash, bytes, out } as JSON")
    .addHelpText(
      "after",
      `
The code hash is blake2-256 of the bundle's UTF-8 bytes: what \`phat.upload_code\` registers.
The same sources give the same bundle, wherever they are built.

Exit codes: 0 built, 1 the bundle cannot be written, 2 bad usage or a contract that does not build.

Examples:
  $ phala contract build
  $ phala contract build src/token.ts --out token.js --json`,
    )
    .action(async (entry: string, flags: BuildFlags) => {
      const { buildContract } = await import("@phala-ts/contracts/build");
      const built = await buildContract(entry, { minify: flags.minify });
      const out = flags.out ?? defaultOut(entry);
      await mkdir(dirname(out), { recursive: true });
      await writeFile(out, built.code);
      const codeHash = toHex(built.codeHash);
      process.stdout.write(
        flags.json
          ? `${JSON.stringify({ codeHash, bytes: built.bytes, out })}\n`
          : `code hash:  ${codeHash}\nsize:       ${built.bytes} bytes\nwritten:    ${out}\n`,
      );
    });
  addContractClientCommands(contract);
}
