import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { blake2_256, utf8 } from "@phala-ts/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ContractBuildError } from "../contractError.js";
import type { ContractOutcome } from "../engine/contractCall.js";
import { MemoryStorage, testCall } from "../engine/contractCall.test-util.js";
import { ContractEngine } from "../engine/contractEngine.js";
import { buildContract } from "./buildContract.js";

const COUNTER = `import { type Context, defineContract, getJson, requireCaller, setJson } from "@phala-ts/contracts/kit";
import { describeCount } from "./describe.js";

type Args = { start: number };
type Command = { add: number } | { reset: true };
type Request = "count" | "owner";

export default defineContract<Args, Command, number, Request, string | number>({
  init(args, ctx) {
    setJson(ctx.storage, "count", args.start);
    ctx.storage.set("owner", requireCaller(ctx));
  },
  handle(command, ctx: Context) {
    const next = "reset" in command ? 0 : getJson<number>(ctx.storage, "count", 0) + command.add;
    setJson(ctx.storage, "count", next);
    ctx.emit({ count: describeCount(next) });
    return next;
  },
  query(request, ctx) {
    return request === "count" ? getJson<number>(ctx.storage, "count", 0) : (ctx.storage.get("owner") ?? "nobody");
  },
});
`;
const DESCRIBE = `export const describeCount = (n: number): string => (n === 1 ? "one" : \`\${n}\`);\n`;

let dir: string;
let engine: ContractEngine;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "phala-contract-build-"));
  await mkdir(join(dir, "counter"));
  await writeFile(join(dir, "counter", "contract.ts"), COUNTER);
  await writeFile(join(dir, "counter", "describe.ts"), DESCRIBE);
  engine = await ContractEngine.create();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const output = (outcome: ContractOutcome) => {
  if (!outcome.ok) throw new Error(`${outcome.error.code}: ${outcome.error.message}`);
  return outcome;
};

describe("buildContract", () => {
  it("bundles a TypeScript contract written with the kit, and the engine runs it", async () => {
    const built = await buildContract(join(dir, "counter", "contract.ts"));
    expect(built.code).toMatch(/^var __phalaContract=/);
    expect(built.bytes).toBe(utf8(built.code).length);
    expect(built.codeHash).toEqual(blake2_256(utf8(built.code)));
    const storage = new MemoryStorage();
    const step = (entry: "init" | "handle" | "query", input: unknown) => {
      const outcome = output(engine.run(testCall(built.code, entry, input as never, { storage })));
      storage.apply(outcome.writes);
      return outcome;
    };
    step("init", { start: 0 });
    expect(step("handle", { add: 1 })).toMatchObject({ output: 1, events: [{ data: { count: "one" } }] });
    expect(step("handle", { add: 41 }).output).toBe(42);
    expect(step("query", "count").output).toBe(42);
    expect(step("query", "owner").output).toBe(`0x${"a1".repeat(32)}`);
    expect(step("handle", { reset: true }).output).toBe(0);
  });

  it("gives the same bytes for the same sources, wherever they are built, minified or not", async () => {
    const elsewhere = join(dir, "copy", "deeper");
    await cp(join(dir, "counter"), elsewhere, { recursive: true });
    for (const minify of [true, false]) {
      const [a, b, c] = await Promise.all([
        buildContract(join(dir, "counter", "contract.ts"), { minify }),
        buildContract(join(dir, "counter", "contract.ts"), { minify }),
        buildContract(join(elsewhere, "contract.ts"), { minify }),
      ]);
      expect(b.code).toBe(a.code);
      expect(c.code).toBe(a.code);
      expect(a.code).not.toContain(dir);
    }
    const readable = await buildContract(join(dir, "counter", "contract.ts"), { minify: false });
    expect(readable.code).toContain("function defineContract(");
    expect(readable.bytes).toBeGreaterThan((await buildContract(join(dir, "counter", "contract.ts"))).bytes);
  });

  it("refuses Node built-ins with a clear error", async () => {
    for (const module of ["fs", "node:crypto", "path", "fs/promises"]) {
      const file = join(dir, `uses-${module.replace(/\W/g, "-")}.ts`);
      await writeFile(
        file,
        `import * as m from "${module}";\nexport default { handle: () => Object.keys(m).length };\n`,
      );
      const error = await buildContract(file).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ContractBuildError);
      expect(error).toMatchObject({ code: "CONTRACT_BUILD_NODE_BUILTIN" });
      expect((error as Error).message).toContain(`a contract cannot import "${module}"`);
      expect((error as Error).message).toMatch(/:1:\d+: /);
    }
  });

  it("reports code that does not compile and files that do not exist", async () => {
    const broken = join(dir, "broken.ts");
    await writeFile(broken, "export default { handle( => 1 };\n");
    await expect(buildContract(broken)).rejects.toMatchObject({ code: "CONTRACT_BUILD_FAILED" });
    await expect(buildContract(join(dir, "missing.ts"))).rejects.toMatchObject({ code: "CONTRACT_BUILD_FAILED" });
    const unresolved = join(dir, "unresolved.ts");
    await writeFile(unresolved, 'import { x } from "no-such-package";\nexport default { handle: () => x };\n');
    await expect(buildContract(unresolved)).rejects.toThrow(/no-such-package/);
  });
});
