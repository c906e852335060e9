import { readFileSync } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { blake2_256Parts, utf8 } from "@phala-ts/core";
import { Bytes, compact } from "@polkadot-api/substrate-bindings";
import { errnoCode, PlatformError } from "./platformError.js";

export const BUNDLE_MEASUREMENT_DOMAIN = "phala/bundle-measurement/v1";
const JS_FILE = /\.(?:js|mjs|cjs)$/;
const bytesCodec = Bytes();

function notBuilt(what: string, cause?: unknown): PlatformError {
  return new PlatformError("PLATFORM_BUNDLE_NOT_BUILT", `${what}: run \`npm run build\` first`, { what }, { cause });
}

/** Relative paths (with `/`) of the JavaScript files under `dir`, sorted. */
async function javaScriptFiles(dir: string, prefix = ""): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const relative = prefix + entry.name;
    if (entry.isDirectory()) {
      files.push(...(await javaScriptFiles(join(dir, entry.name), `${relative}/`)));
    } else if (JS_FILE.test(entry.name)) {
      if (!entry.isFile()) {
        throw new PlatformError("PLATFORM_BUNDLE_UNREADABLE", `${join(dir, entry.name)} is not a regular file`, {
          path: join(dir, entry.name),
        });
      }
      files.push(relative);
    }
  }
  return files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

async function distFiles(packageDir: string): Promise<{ dist: string; files: string[] }> {
  const dist = join(packageDir, "dist");
  try {
    if (!(await stat(dist)).isDirectory()) throw notBuilt(`${dist} is not a directory`);
  } catch (error) {
    if (error instanceof PlatformError) throw error;
    if (errnoCode(error) === "ENOENT") throw notBuilt(`${dist} does not exist`, error);
    throw error;
  }
  const files = await javaScriptFiles(dist);
  if (files.length === 0) throw notBuilt(`${dist} has no JavaScript files`);
  return { dist, files };
}

/**
 * The simulated MRENCLAVE: blake2-256 over the built JavaScript of `packageDirs`, in order:
 * SCALE(domain), then for each package SCALE(directory name), the file count, and for each
 * `.js`/`.mjs`/`.cjs` file under its `dist/` (sorted by relative path) SCALE(path) and
 * SCALE(content). Any change of the built code changes it; `.d.ts`, `.map` and other files do not.
 */
export async function bundleMeasurement(packageDirs: readonly string[]): Promise<Uint8Array> {
  const parts: Uint8Array[] = [bytesCodec.enc(utf8(BUNDLE_MEASUREMENT_DOMAIN)), compact.enc(packageDirs.length)];
  for (const packageDir of packageDirs) {
    const { dist, files } = await distFiles(packageDir);
    parts.push(bytesCodec.enc(utf8(basename(packageDir))), compact.enc(files.length));
    for (const file of files) {
      const content = await readFile(join(dist, file));
      parts.push(bytesCodec.enc(utf8(file)), compact.enc(content.length), content);
    }
  }
  return blake2_256Parts(parts);
}

/** The nearest directory at or above `start` holding a package.json, which must name `expectedName`. */
function packageRoot(start: string, expectedName: string): string {
  let dir = start;
  for (;;) {
    let manifest: string | undefined;
    try {
      manifest = readFileSync(join(dir, "package.json"), "utf8");
    } catch (error) {
      if (errnoCode(error) !== "ENOENT") throw error;
    }
    if (manifest !== undefined) {
      const name = (JSON.parse(manifest) as { name?: unknown }).name;
      if (name !== expectedName) {
        throw new PlatformError(
          "PLATFORM_BUNDLE_UNREADABLE",
          `expected ${expectedName} at ${dir}, found ${String(name)}`,
          {
            dir,
            expectedName,
          },
        );
      }
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) {
      throw new PlatformError("PLATFORM_BUNDLE_UNREADABLE", `no package.json above ${start}`, { start, expectedName });
    }
    dir = parent;
  }
}

/**
 * The package roots of @phala-ts/pruntime, @phala-ts/attestation, @phala-ts/contracts (the
 * contract engine) and @phala-ts/core: the code a simulated measurement covers (QuickJS's
 * WebAssembly comes from node_modules, which the Gramine manifest lists as trusted files). Works from `dist/` and from `src/` (Vitest). The dependencies are
 * found as Node resolves them (their `dist/index.js`), so an unbuilt dependency is an error.
 */
export function pruntimeBundleDirs(): string[] {
  const require = createRequire(import.meta.url);
  const resolvedRoot = (name: string): string => {
    let entry: string;
    try {
      entry = require.resolve(name);
    } catch (cause) {
      throw notBuilt(`${name} cannot be resolved from ${fileURLToPath(import.meta.url)}`, cause);
    }
    return packageRoot(dirname(entry), name);
  };
  return [
    packageRoot(dirname(fileURLToPath(import.meta.url)), "@phala-ts/pruntime"),
    resolvedRoot("@phala-ts/attestation"),
    resolvedRoot("@phala-ts/contracts"),
    resolvedRoot("@phala-ts/core"),
  ];
}
