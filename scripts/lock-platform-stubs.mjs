#!/usr/bin/env node
// The npm registry reachable from our machines lacks some platform builds of native tools
// (Biome's and Rollup's darwin/win32/musl packages), so `npm install` leaves them out of
// package-lock.json and `npm ci` then refuses the lock ("Missing: … from lock file").
// This adds a record for each missing optional platform package — version, os, cpu, libc, all
// read off its name — marked optional, so that `npm ci` skips it on a mismatching platform
// exactly as it would with a lock written where the registry has everything.
// Run it after changing dependencies: `npm install && node scripts/lock-platform-stubs.mjs`.
import { existsSync, readFileSync, writeFileSync } from "node:fs";

const LOCK = "package-lock.json";
const lock = JSON.parse(readFileSync(LOCK, "utf8"));
const packages = lock.packages;

const OS = ["android", "darwin", "freebsd", "linux", "netbsd", "openbsd", "openharmony", "sunos", "win32", "aix"];
const CPU = ["arm64", "x64", "ia32", "arm", "loong64", "ppc64", "riscv64", "s390x", "mips64el"];

/** `{os, cpu, libc}` from a name such as `cli-linux-x64-musl` or `rollup-linux-arm-gnueabihf`. */
function platformOf(name) {
  const parts = name.split("/").pop().split("-");
  const os = parts.find((p) => OS.includes(p));
  const cpu = parts.find((p) => CPU.includes(p));
  if (os === undefined || cpu === undefined) return undefined;
  const platform = { os: [os], cpu: [cpu] };
  if (os === "linux") {
    if (parts.some((p) => p.startsWith("musl"))) platform.libc = ["musl"];
    else if (parts.some((p) => p.startsWith("gnu")) || parts.length === 3) platform.libc = ["glibc"];
  }
  return platform;
}

let added = 0;
for (const [path, record] of Object.entries(packages)) {
  if (!path.startsWith("node_modules/") || !record.optionalDependencies) continue;
  for (const [dep, range] of Object.entries(record.optionalDependencies)) {
    const depPath = `node_modules/${dep}`;
    if (packages[depPath] !== undefined || existsSync(depPath)) continue;
    const platform = platformOf(dep);
    if (platform === undefined || !/^\d+\.\d+\.\d+/.test(range)) continue;
    packages[depPath] = { version: range, ...platform, optional: true, ...(record.dev ? { dev: true } : {}) };
    added++;
  }
}

const sorted = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a < b ? -1 : a > b ? 1 : 0)),
);
lock.packages = sorted;
writeFileSync(LOCK, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lock-platform-stubs: added ${added} platform package record(s)`);
