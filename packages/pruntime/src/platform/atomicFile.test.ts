import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useTempDirs } from "../../../core/src/testing/tempDirs.test-util.js";
import { writeFileAtomic } from "./atomicFile.js";

const tempDir = useTempDirs("phala-atomic-");

describe("writeFileAtomic", () => {
  it("writes and replaces a file, mode 0600 by default, leaving no temporary file", async () => {
    const dir = tempDir();
    const path = join(dir, "state");
    await writeFileAtomic(path, Uint8Array.of(1, 2, 3));
    expect(new Uint8Array(readFileSync(path))).toEqual(Uint8Array.of(1, 2, 3));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    await writeFileAtomic(path, Uint8Array.of(4));
    expect(new Uint8Array(readFileSync(path))).toEqual(Uint8Array.of(4));
    expect(readdirSync(dir)).toEqual(["state"]);
  });

  it("removes its temporary file when the rename fails", async () => {
    const dir = tempDir();
    const path = join(dir, "occupied");
    mkdirSync(join(path, "child"), { recursive: true });
    await expect(writeFileAtomic(path, Uint8Array.of(1))).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(["occupied"]);
  });

  it("fails in a missing directory without leaving anything", async () => {
    const dir = tempDir();
    await expect(writeFileAtomic(join(dir, "missing", "file"), Uint8Array.of(1))).rejects.toMatchObject({
      code: "ENOENT",
    });
    expect(readdirSync(dir)).toEqual([]);
  });

  it("in exclusive mode never replaces an existing file", async () => {
    const dir = tempDir();
    const path = join(dir, "secret");
    writeFileSync(path, "first");
    await expect(writeFileAtomic(path, Uint8Array.of(9), { exclusive: true })).rejects.toMatchObject({
      code: "EEXIST",
    });
    expect(readFileSync(path, "utf8")).toBe("first");
    expect(readdirSync(dir)).toEqual(["secret"]);
    const fresh = join(dir, "fresh");
    const results = await Promise.allSettled([
      writeFileAtomic(fresh, Uint8Array.of(1), { exclusive: true }),
      writeFileAtomic(fresh, Uint8Array.of(2), { exclusive: true }),
    ]);
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    expect(readdirSync(dir).sort()).toEqual(["fresh", "secret"]);
  });
});
