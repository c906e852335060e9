import { open, stat } from "node:fs/promises";
import { DevnetError } from "./devnetError.js";
import { LineSplitter } from "./logRecord.js";

const CHUNK = 64 * 1024;

/**
 * The last `count` lines of the file at `path` (every line when `count` is undefined), read from
 * the end, and the size read up to (where following starts).
 */
export async function lastLines(path: string, count?: number): Promise<{ lines: string[]; end: number }> {
  const file = await open(path, "r").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") throw new DevnetError("DEVNET_NO_LOG", `there is no ${path}`, { path });
    throw error;
  });
  try {
    const end = (await file.stat()).size;
    let start = end;
    let bytes = Buffer.alloc(0);
    // Read backwards until there are more than `count` newlines (or the whole file).
    while (start > 0 && (count === undefined || newlines(bytes) <= count)) {
      const from = Math.max(0, start - CHUNK);
      const chunk = Buffer.alloc(start - from);
      await file.read(chunk, 0, chunk.length, from);
      bytes = Buffer.concat([chunk, bytes]);
      start = from;
    }
    const lines = bytes.toString("utf8").split("\n");
    if (lines.at(-1) === "") lines.pop();
    // A line cut by the chunk boundary is dropped when there are enough whole ones.
    return { lines: count === undefined ? lines : lines.slice(Math.max(0, lines.length - count)), end };
  } finally {
    await file.close();
  }
}

function newlines(bytes: Buffer): number {
  let n = 0;
  for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) n++;
  return n;
}

/**
 * Calls `onLine` with every whole line appended to `path` after byte `from`, until `signal`
 * aborts; a file that shrank (a --fresh start) is read again from its beginning.
 */
export async function followLines(
  path: string,
  from: number,
  onLine: (line: string) => void,
  signal: AbortSignal,
  intervalMs = 250,
): Promise<void> {
  let offset = from;
  let lines = new LineSplitter();
  let decoder = new TextDecoder();
  while (!signal.aborted) {
    const size = await stat(path).then(
      (s) => s.size,
      () => 0,
    );
    if (size < offset) {
      offset = 0;
      lines = new LineSplitter();
      decoder = new TextDecoder();
    }
    if (size > offset) {
      const file = await open(path, "r");
      try {
        const buffer = Buffer.alloc(size - offset);
        const { bytesRead } = await file.read(buffer, 0, buffer.length, offset);
        offset += bytesRead;
        for (const line of lines.push(decoder.decode(buffer.subarray(0, bytesRead), { stream: true }))) onLine(line);
      } finally {
        await file.close();
      }
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, intervalMs);
      signal.addEventListener(
        "abort",
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
  }
}
