import { readFile } from "node:fs/promises";
import { builtinModules } from "node:module";
import { basename, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { blake2_256, utf8 } from "@phala-ts/core";
import { build, type Message, type Plugin } from "esbuild";
import { ContractBuildError } from "../contractError.js";
import { CONTRACT_GLOBAL } from "../engine/limits.js";

export interface BuiltContract {
  /** The bundle: one script that assigns the contract to `__phalaContract`. */
  readonly code: string;
  /** blake2-256 of the code's UTF-8 bytes: what the chain knows the code by. */
  readonly codeHash: Uint8Array;
  /** The code's size in UTF-8 bytes. */
  readonly bytes: number;
}

export interface BuildOptions {
  /** Minify (default true): smaller code, which the engine compiles in every call and charges for. */
  readonly minify?: boolean;
}

/** This toolchain's own kit, in source (tests) or compiled (dist) form. */
const KIT_DIR = fileURLToPath(new URL("../kit/", import.meta.url));
const KIT_EXTENSION = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
const KIT_NAMESPACE = "phala-contracts-kit";

/**
 * `@phala-ts/contracts/kit` is always this toolchain's kit, so a contract is built against the
 * engine that will run it (and builds without installing anything). Its modules live in their
 * own namespace, so that the output never names a path on the building machine.
 */
const kitPlugin: Plugin = {
  name: "phala-contracts-kit",
  setup(esbuild) {
    esbuild.onResolve({ filter: /^@phala-ts\/contracts\/kit$/ }, () => ({ path: "index", namespace: KIT_NAMESPACE }));
    esbuild.onResolve({ filter: /^\.\/[\w-]+\.js$/, namespace: KIT_NAMESPACE }, ({ path }) => ({
      path: basename(path, ".js"),
      namespace: KIT_NAMESPACE,
    }));
    esbuild.onLoad({ filter: /.*/, namespace: KIT_NAMESPACE }, async ({ path }) => ({
      contents: await readFile(`${KIT_DIR}${path}${KIT_EXTENSION}`, "utf8"),
      loader: KIT_EXTENSION === ".ts" ? "ts" : "js",
    }));
  },
};

const NODE_BUILTIN = new RegExp(`^(node:.*|${builtinModules.map((name) => name.replace(/[/]/g, "\\/")).join("|")})$`);
const NO_BUILTINS =
  "contracts run in a sandbox without Node's modules (no files, network, clock or randomness); use ctx";

const nodeBuiltinsPlugin: Plugin = {
  name: "phala-contracts-no-node",
  setup(esbuild) {
    esbuild.onResolve({ filter: NODE_BUILTIN }, ({ path }) => ({
      errors: [{ text: `a contract cannot import "${path}": ${NO_BUILTINS}` }],
    }));
  },
};

const describe = ({ text, location }: Message) =>
  location === null ? text : `${location.file}:${location.line}:${location.column + 1}: ${text}`;

/**
 * Bundles a contract (TypeScript or JavaScript, with its imports) into the one script the
 * engine runs: an IIFE that assigns the module's exports to `__phalaContract`, ES2020, no Node
 * built-ins. The same sources give the same bytes, wherever they are built.
 */
export async function buildContract(entryFile: string, options: BuildOptions = {}): Promise<BuiltContract> {
  const entry = resolve(entryFile);
  let code: string;
  try {
    const result = await build({
      entryPoints: [entry],
      absWorkingDir: dirname(entry),
      bundle: true,
      write: false,
      format: "iife",
      globalName: CONTRACT_GLOBAL,
      platform: "neutral",
      mainFields: ["module", "main"],
      target: "es2020",
      minify: options.minify ?? true,
      legalComments: "none",
      charset: "utf8",
      logLevel: "silent",
      plugins: [kitPlugin, nodeBuiltinsPlugin],
    });
    code = result.outputFiles[0]!.text;
  } catch (error) {
    const errors = ((error as { errors?: Message[] }).errors ?? []).map(describe);
    if (errors.length === 0) throw error;
    const code = errors.some((text) => text.includes("a contract cannot import"))
      ? "CONTRACT_BUILD_NODE_BUILTIN"
      : "CONTRACT_BUILD_FAILED";
    throw new ContractBuildError(code, `${entryFile} does not build: ${errors[0]}`, { errors });
  }
  const bytes = utf8(code);
  return { code, codeHash: blake2_256(bytes), bytes: bytes.length };
}
