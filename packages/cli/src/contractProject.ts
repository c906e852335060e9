import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { InvalidArgumentError } from "commander";

/** What `phala contract new` writes: a counter with an owner, a test that runs it in the engine, and how to go on. */
function projectFiles(name: string): Record<string, string> {
  return {
    "contract.ts": `import { defineContract, getJson, requireCaller, setJson } from "@phala-ts/contracts/kit";

/** Instantiation arguments, commands, and query requests: all JSON. */
export type Args = { start: number };
export type Command = { add: number } | { reset: true };
export type Request = { get: "count" | "owner" };

export default defineContract<Args, Command, number, Request, number | string>({
  init(args, ctx) {
    setJson(ctx.storage, "count", args.start);
    ctx.storage.set("owner", requireCaller(ctx));
  },

  handle(command, ctx) {
    if ("reset" in command && requireCaller(ctx) !== ctx.storage.get("owner")) throw new Error("only the owner resets");
    const count = "reset" in command ? 0 : getJson<number>(ctx.storage, "count", 0) + command.add;
    setJson(ctx.storage, "count", count);
    ctx.emit({ count, block: ctx.block.number });
    return count;
  },

  query(request, ctx) {
    return request.get === "count" ? getJson<number>(ctx.storage, "count", 0) : (ctx.storage.get("owner") ?? "");
  },
});
`,
    "contract.test.ts": `import { fileURLToPath } from "node:url";
import { account, ContractHarness } from "@phala-ts/contracts/testing";
import { expect, it } from "vitest";

const owner = account(1);
const other = account(2);

it("counts, and only the owner resets", async () => {
  const counter = await ContractHarness.fromFile(fileURLToPath(new URL("./contract.ts", import.meta.url)));

  expect(counter.init({ start: 40 }, { caller: owner })).toMatchObject({ ok: true });
  expect(counter.handle({ add: 2 }, { caller: other })).toMatchObject({ ok: true, output: 42 });
  expect(counter.events).toEqual([{ data: { count: 42, block: 1 } }]);
  expect(counter.handle({ reset: true }, { caller: other })).toMatchObject({
    ok: false,
    error: { code: "CONTRACT_THREW", message: "Error: only the owner resets" },
  });
  expect(counter.query({ get: "count" })).toMatchObject({ ok: true, output: 42 });
  expect(counter.query({ get: "owner" })).toMatchObject({ ok: true, output: owner.hex });
});
`,
    "package.json": `${JSON.stringify(
      {
        name,
        version: "0.1.0",
        private: true,
        type: "module",
        scripts: { build: "phala contract build contract.ts", test: "vitest run" },
        devDependencies: {
          "@phala-ts/contracts": "0.1.0",
          "@types/node": "^20.19.0",
          typescript: "5.9.3",
          vitest: "4.1.12",
        },
      },
      null,
      2,
    )}\n`,
    "tsconfig.json": `${JSON.stringify(
      {
        compilerOptions: {
          target: "ES2020",
          module: "ESNext",
          moduleResolution: "Bundler",
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: ["node"],
        },
        include: ["*.ts"],
      },
      null,
      2,
    )}\n`,
    ".gitignore": "node_modules/\ndist/\n",
    "README.md": `# ${name}

A Phala confidential contract. \`contract.ts\` is the contract; it runs in a sandbox (QuickJS in
WebAssembly) on the workers of a cluster, and its storage, inputs and outputs stay private.

\`\`\`sh
npm install
npm test                                   # builds contract.ts and runs it in the engine
npx phala contract build contract.ts       # writes dist/contract.js, prints its code hash
\`\`\`

- \`init(args, ctx)\` runs once when the contract is instantiated; \`handle(command, ctx)\` runs each
  command, in chain order, on every worker; \`query(request, ctx)\` answers one caller, read-only.
- Everything in and out is JSON. Storage keys and values are strings (\`getJson\`/\`setJson\` help).
- There is no clock, no \`Math.random\`, no I/O and no \`async\`: time is \`ctx.block.timestamp\`,
  randomness \`ctx.randomBytes(n)\`, and every entry point returns its result synchronously.
- A call that throws, or runs out of gas, memory or stack, changes nothing.
`,
  };
}

/** Writes the project into `parent/name`, which must not exist or be empty. */
export async function writeContractProject(name: string, parent: string): Promise<{ dir: string; files: string[] }> {
  const dir = join(parent, name);
  const existing = await readdir(dir).catch(() => []);
  if (existing.length > 0) throw new InvalidArgumentError(`${dir} already exists and is not empty`);
  await mkdir(dir, { recursive: true });
  const files = projectFiles(name);
  for (const [file, text] of Object.entries(files)) await writeFile(join(dir, file), text);
  return { dir, files: Object.keys(files) };
}
