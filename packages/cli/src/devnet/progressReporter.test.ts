import { describe, expect, it } from "vitest";
import { plainProgress, ttyProgress } from "./progressReporter.js";

const recorder = () => {
  const out = {
    text: "",
    write(chunk: string) {
      out.text += chunk;
      return true;
    },
  };
  return out;
};

describe("progress", () => {
  it("without a terminal: one plain line per stage with its time, events on lines of their own", () => {
    const out = recorder();
    let now = 0;
    const progress = plainProgress(out, () => now);
    progress.begin("node");
    now = 1234;
    progress.end();
    progress.begin("cluster");
    progress.line("w1 exited (signal SIGKILL); restarted (pid 7)");
    now = 1300;
    progress.end("already done");
    progress.begin("examples");
    progress.fail("timed out");
    progress.line("stopped");
    expect(out.text).toBe(
      [
        "[devnet] node ... done (1.2 s)",
        "[devnet] cluster ... ",
        "w1 exited (signal SIGKILL); restarted (pid 7)",
        "[devnet] cluster ... done (already done, 0.1 s)",
        "[devnet] examples ... failed: timed out",
        "stopped",
        "",
      ].join("\n"),
    );
    expect(out.text.includes("\x1b") || out.text.includes("\r")).toBe(false);
  });

  it("on a terminal: a spinner line that becomes ✓ with the time, or ✗ with the reason", () => {
    const out = recorder();
    let now = 0;
    const progress = ttyProgress(out, () => now, 60_000);
    progress.begin("node");
    expect(out.text).toBe("\r\x1b[K⠋ node");
    now = 2000;
    progress.end();
    progress.begin("cluster");
    progress.line("w2 exited (code 1); restarted (pid 9)");
    progress.fail("timed out");
    progress.close();
    const lines = out.text.split("\n");
    expect(lines[0]).toBe("\r\x1b[K⠋ node\r\x1b[K✓ node (2.0 s)");
    expect(lines[1]).toBe("\r\x1b[K⠋ cluster\r\x1b[Kw2 exited (code 1); restarted (pid 9)");
    expect(lines[2]).toBe("\r\x1b[K⠙ cluster\r\x1b[K✗ cluster: timed out");
    expect(lines[3]).toBe("");
  });
});
