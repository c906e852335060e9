import { describe, expect, it } from "vitest";
import { isReady, LineSplitter, listeningUrl, logLinePrinter, parseLogLine } from "./logRecord.js";

const line = (record: object) => JSON.stringify(record);

describe("log records", () => {
  it("reads JSON object lines only", () => {
    expect(parseLogLine(line({ level: 30, msg: "ready" }))).toEqual({ level: 30, msg: "ready" });
    for (const text of ["", "plain text", "[1,2]", "{broken", "null", " {}"])
      expect(parseLogLine(text)).toBeUndefined();
  });

  it("finds the listening address and the ready record as the roles log them", () => {
    const node = parseLogLine(
      line({
        msg: "RPC listening on ws://127.0.0.1:9944 (WebSocket) and http://127.0.0.1:9944 (HTTP)",
        url: "ws://127.0.0.1:9944",
      }),
    )!;
    expect(listeningUrl(node)).toBe("ws://127.0.0.1:9944");
    expect(listeningUrl({ msg: "pRuntime API listening on http://127.0.0.1:8001", url: "http://127.0.0.1:8001" })).toBe(
      "http://127.0.0.1:8001",
    );
    expect(listeningUrl({ msg: "ready", url: "http://x" })).toBeUndefined();
    expect(listeningUrl({ msg: "listening" })).toBeUndefined();
    expect(isReady({ msg: "ready" })).toBe(true);
    expect(isReady({ msg: "ready soon" })).toBe(false);
  });

  it("splits chunks into whole lines, keeping a partial one for the next chunk", () => {
    const lines = new LineSplitter();
    expect(lines.push("a\nb")).toEqual(["a"]);
    expect(lines.push("c\n\nd")).toEqual(["bc", ""]);
    expect(lines.flush()).toEqual(["d"]);
    expect(lines.flush()).toEqual([]);
  });

  it("prints a record as time, level, message and fields, and other lines as they are", () => {
    const print = logLinePrinter({ colorize: false });
    const time = new Date(2026, 0, 2, 3, 4, 5, 6).getTime();
    expect(
      print(line({ level: 50, time, pid: 7, hostname: "h", msg: "relay failed", code: "PHERRY_X", behind: 3 })),
    ).toBe('[2026-01-02 03:04:05.006] ERROR: relay failed {"code":"PHERRY_X","behind":3}\n');
    expect(print("node: warning, not JSON")).toBe("node: warning, not JSON\n");
  });
});
