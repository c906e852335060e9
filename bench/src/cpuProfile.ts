import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { join } from "node:path";

/** A V8 CPU profile as the inspector's `Profiler.stop` returns it (what `--cpu-prof` writes). */
export interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
    readonly children?: readonly number[];
  }[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Time per function: `self` where it was on top of the stack, `total` where it was anywhere on it. */
export interface FunctionTime {
  readonly name: string;
  readonly selfUs: number;
  readonly totalUs: number;
}

/**
 * Runs `run` under the inspector's sampling profiler when `dir` is given (writing
 * `<dir>/<name>.cpuprofile`, which Chrome DevTools opens) and answers the profile; otherwise
 * just runs it.
 */
export async function profiled<T>(
  dir: string | undefined,
  name: string,
  run: () => Promise<T>,
): Promise<{ value: T; profile: CpuProfile | undefined }> {
  if (dir === undefined) return { value: await run(), profile: undefined };
  const session = new Session();
  session.connect();
  try {
    await session.post("Profiler.enable");
    await session.post("Profiler.setSamplingInterval", { interval: SAMPLING_INTERVAL_US });
    await session.post("Profiler.start");
    const value = await run();
    const { profile } = (await session.post("Profiler.stop")) as unknown as { profile: CpuProfile };
    writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    return { value, profile };
  } finally {
    session.disconnect();
  }
}

const shortUrl = (url: string) => {
  const packages = url.indexOf("/packages/");
  if (packages >= 0) return url.slice(packages + "/packages/".length).replace("/dist/", "/");
  const modules = url.lastIndexOf("/node_modules/");
  if (modules >= 0) return url.slice(modules + "/node_modules/".length);
  return url.replace(/^file:\/\//, "");
};

const SAMPLING_INTERVAL_US = 100;
const MAX_SAMPLE_US = 4 * SAMPLING_INTERVAL_US;

/** Self and inclusive time per function (by name, file and line), highest inclusive first. */
export function functionTimes(profile: CpuProfile): FunctionTime[] {
  const parent = new Map<number, number>();
  const byId = new Map(profile.nodes.map((n) => [n.id, n] as const));
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const frame = (id: number) => {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    return `${functionName || "(anonymous)"} ${url === "" ? "" : `${shortUrl(url)}:${lineNumber + 1}`}`.trim();
  };
  // A native function (no script) is named with its caller's frame: `run` alone says nothing.
  const label = (id: number) => {
    const own = frame(id);
    const caller = parent.get(id);
    return byId.get(id)!.callFrame.url === "" && caller !== undefined && !own.startsWith("(")
      ? `${own} < ${frame(caller)}`
      : own;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  for (const [i, sample] of profile.samples.entries()) {
    // A sample stands for the wall time until the next one; a long gap is the thread descheduled
    // (the machine is shared) or the profiler stalled, not work of that function: capped.
    const us = Math.min(profile.timeDeltas[i + 1] ?? 0, MAX_SAMPLE_US);
    const top = label(sample);
    self.set(top, (self.get(top) ?? 0) + us);
    const seen = new Set<string>();
    for (let id: number | undefined = sample; id !== undefined; id = parent.get(id)) {
      const name = label(id);
      if (seen.has(name)) continue;
      seen.add(name);
      total.set(name, (total.get(name) ?? 0) + us);
    }
  }
  return [...total.entries()]
    .map(([name, totalUs]) => ({ name, totalUs, selfUs: self.get(name) ?? 0 }))
    .sort((a, b) => b.totalUs - a.totalUs);
}

/** The top `count` functions by self and by inclusive time, in µs per `per` (one command). */
export function printProfile(title: string, profile: CpuProfile, per: number, count = 25): void {
  const times = functionTimes(profile);
  const fmt = (us: number) => (us / per).toFixed(1).padStart(8);
  const skip = new Set(["(root)", "(program)", "(idle)", "(garbage collector)"]);
  const sampled = times.find((t) => t.name === "(root)")?.totalUs ?? 0;
  console.log(`\n${title}: ${(sampled / per).toFixed(0)} µs sampled per command`);
  console.log("  by self time (µs per command):");
  for (const t of [...times].sort((a, b) => b.selfUs - a.selfUs).slice(0, count))
    console.log(`  ${fmt(t.selfUs)} self ${fmt(t.totalUs)} total  ${t.name}`);
  console.log("  by inclusive time (µs per command):");
  for (const t of times.filter((t) => !skip.has(t.name.split(" ")[0]!)).slice(0, count))
    console.log(`  ${fmt(t.totalUs)} total ${fmt(t.selfUs)} self  ${t.name}`);
}
