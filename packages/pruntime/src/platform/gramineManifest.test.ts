import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { GRAMINE_SEALED_DIR } from "./graminePlatform.js";

const TEMPLATE = fileURLToPath(new URL("../../gramine/pruntime.manifest.template", import.meta.url));

// What `gramine-manifest -D...` would substitute; the template uses no other Jinja constructs.
const DEFINES: Record<string, string> = {
  node_path: "/usr/bin/node",
  app_dir: "/opt/phala-ts",
  data_dir: "/var/lib/phala-pruntime",
  arch_libdir: "/lib/x86_64-linux-gnu",
  log_level: "error",
  "gramine.runtimedir()": "/usr/lib/x86_64-linux-gnu/gramine/runtime/glibc",
};

function render(template: string): string {
  const rendered = template.replace(/\{\{\s*(.*?)\s*\}\}/g, (_, expression: string) => {
    const value = DEFINES[expression];
    if (value === undefined) throw new Error(`unexpected template expression {{ ${expression} }}`);
    return value;
  });
  expect(rendered).not.toMatch(/\{[{%#]/);
  return rendered;
}

/** Top-level `key = value` entries of the rendered TOML, comments dropped, multi-line arrays joined. */
function entries(toml: string): Map<string, string> {
  const result = new Map<string, string>();
  let key: string | undefined;
  let value = "";
  let depth = 0;
  for (const raw of toml.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    if (key === undefined) {
      const match = /^([A-Za-z0-9_.]+)\s*=\s*(.*)$/.exec(line);
      expect(match, `not a key = value line: ${line}`).not.toBeNull();
      key = match![1]!;
      value = match![2]!;
    } else {
      value += ` ${line}`;
    }
    depth = (value.match(/\[/g)?.length ?? 0) - (value.match(/\]/g)?.length ?? 0);
    if (depth === 0) {
      expect(result.has(key), `duplicate key ${key}`).toBe(false);
      result.set(key, value);
      key = undefined;
    }
  }
  expect(key, "unterminated array").toBeUndefined();
  return result;
}

/** The string items of a TOML array of strings. */
function strings(array: string): string[] {
  expect(array).toMatch(/^\[.*\]$/);
  const items = [...array.matchAll(/"((?:[^"\\]|\\.)*)"\s*,?/g)].map((match) => match[1]!);
  expect(array.replace(/"((?:[^"\\]|\\.)*)"\s*,?/g, "").replace(/[[\]\s]/g, "")).toBe("");
  return items;
}

describe("pruntime.manifest.template", () => {
  const manifest = entries(render(readFileSync(TEMPLATE, "utf8")));
  const keys = [...manifest.keys()];

  it("enables nothing insecure__", () => {
    expect(keys.filter((key) => key.includes("insecure"))).toEqual([]);
  });

  it("fixes the command line: no argv from the host", () => {
    expect(keys).not.toContain("loader.insecure__use_cmdline_argv");
    expect(keys).not.toContain("loader.argv_src_file");
    expect(manifest.get("libos.entrypoint")).toBe(`"${DEFINES["node_path"]}"`);
    const argv = strings(manifest.get("loader.argv") ?? "");
    expect(argv.slice(-8)).toEqual([
      `${DEFINES["app_dir"]}/packages/cli/bin/phala.js`,
      "pruntime",
      "--platform",
      "gramine",
      "--host",
      "0.0.0.0",
      "--port",
      "8000",
    ]);
  });

  it("passes no environment from the host", () => {
    expect(keys).not.toContain("loader.insecure__use_host_env");
    expect(keys).not.toContain("loader.env_src_file");
    const env = keys.filter((key) => key.startsWith("loader.env."));
    expect(env.sort()).toEqual(["loader.env.LD_LIBRARY_PATH", "loader.env.NODE_ENV", "loader.env.UV_THREADPOOL_SIZE"]);
    for (const key of env) expect(manifest.get(key), key).toMatch(/^"[^"]*"$/);
    const passedThrough = keys.filter((key) => manifest.get(key)?.includes("passthrough"));
    expect(passedThrough).toEqual([]);
  });

  it("seals into an encrypted mount keyed to MRENCLAVE, where the gramine platform looks", () => {
    const mounts = manifest.get("fs.mounts") ?? "";
    const encrypted = [...mounts.matchAll(/\{[^}]*\}/g)].map((m) => m[0]).filter((m) => m.includes('"encrypted"'));
    expect(encrypted).toHaveLength(1);
    expect(encrypted[0]).toMatch(/\btype = "encrypted"/);
    expect(encrypted[0]).toMatch(new RegExp(`\\bpath = "${GRAMINE_SEALED_DIR}"`));
    expect(encrypted[0]).toMatch(/\bkey_name = "_sgx_mrenclave"/);
    expect(keys.filter((key) => key.startsWith("fs.insecure__keys"))).toEqual([]);
  });

  it("is a production DCAP enclave", () => {
    expect(manifest.get("sgx.remote_attestation")).toBe('"dcap"');
    expect(manifest.get("sgx.debug")).toBe("false");
    expect(manifest.get("sgx.edmm_enable")).toBe("false");
    expect(manifest.get("sgx.file_check_policy")).toBe('"strict"');
    expect(keys).not.toContain("sgx.allowed_files");
    expect(manifest.get("sgx.enclave_size")).toMatch(/^"\d+G"$/);
    expect(Number(manifest.get("sgx.max_threads"))).toBeGreaterThanOrEqual(32);
  });

  it("trusts the node binary, the built packages pRuntime loads and node_modules, and not the chain's code", () => {
    const trusted = strings(manifest.get("sgx.trusted_files") ?? "");
    const app = DEFINES["app_dir"];
    expect(trusted).toContain(`file:${DEFINES["node_path"]}`);
    expect(trusted).toContain(`file:${DEFINES["gramine.runtimedir()"]}/`);
    expect(trusted).toContain(`file:${app}/node_modules/`);
    expect(trusted).toContain(`file:${app}/packages/cli/bin/`);
    for (const pkg of ["core", "attestation", "contracts", "pruntime", "cli"]) {
      expect(trusted).toContain(`file:${app}/packages/${pkg}/dist/`);
      expect(trusted).toContain(`file:${app}/node_modules/@phala-ts/${pkg}/dist/`);
      expect(trusted).toContain(`file:${app}/node_modules/@phala-ts/${pkg}/package.json`);
    }
    expect(trusted.filter((uri) => uri.includes("/node/dist/"))).toEqual([]);
    // Nothing writable or unmeasured: no sources, no whole repository.
    expect(trusted.filter((uri) => uri === `file:${app}/` || uri.includes("/src/"))).toEqual([]);
  });
});
