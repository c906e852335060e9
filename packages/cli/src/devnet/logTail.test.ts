import { appendFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { followLines, lastLines } from "./logTail.js";

describe("log files", () => {
  let dir: string;
  let path: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "devnet-logs-"));
    path = join(dir, "w1.log");
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("reads every line, or the last n, also across read chunks and with multibyte text", async () => {
    // 3,000 lines of ~100 bytes: several 64 KiB chunks from the end.
    const lines = Array.from({ length: 3000 }, (_, i) => `line ${i} ✓ ${"x".repeat(90)}`);
    await writeFile(path, `${lines.join("\n")}\n`);
    const all = await lastLines(path);
    expect(all.lines).toEqual(lines);
    expect((await lastLines(path, 5)).lines).toEqual(lines.slice(-5));
    expect((await lastLines(path, 1200)).lines).toEqual(lines.slice(-1200));
    expect((await lastLines(path, 5000)).lines).toEqual(lines);
    expect(all.end).toBe(Buffer.byteLength(`${lines.join("\n")}\n`));
  });

  it("keeps a last line without a newline, and reads an empty file as no lines", async () => {
    await writeFile(path, "a\nb");
    expect((await lastLines(path, 1)).lines).toEqual(["b"]);
    await writeFile(path, "");
    expect((await lastLines(path)).lines).toEqual([]);
  });

  it("refuses a log that is not there with DEVNET_NO_LOG", async () => {
    await expect(lastLines(join(dir, "none.log"))).rejects.toMatchObject({ code: "DEVNET_NO_LOG" });
  });

  it("follows whole lines appended after where it started, and starts over when the file shrank", async () => {
    await writeFile(path, "old\n");
    const { end } = await lastLines(path);
    const seen: string[] = [];
    const stop = new AbortController();
    const following = followLines(path, end, (line) => seen.push(line), stop.signal, 10);
    const until = async (count: number) => {
      for (let i = 0; i < 200 && seen.length < count; i++) await new Promise((r) => setTimeout(r, 10));
    };
    await appendFile(path, "one\ntw");
    await until(1);
    await appendFile(path, "o\n");
    await until(2);
    await writeFile(path, "new\n");
    await until(3);
    stop.abort();
    await following;
    expect(seen).toEqual(["one", "two", "new"]);
  });
});
