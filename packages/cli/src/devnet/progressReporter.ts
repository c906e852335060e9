/** What the launcher tells people while it works: one line per stage, and lines for events. */
export interface ProgressReporter {
  /** A stage begins. */
  begin(title: string): void;
  /** The current stage is done; `note` says how ("already done"). */
  end(note?: string): void;
  /** The current stage failed. */
  fail(reason: string): void;
  /** A line of its own (a restart, an error), printed without garbling the stage's line. */
  line(text: string): void;
  close(): void;
}

type Output = Pick<NodeJS.WritableStream, "write">;

export const formatSeconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const CLEAR_LINE = "\r\x1b[K";

/** A terminal: a spinner on the current stage's line that becomes ✓ (or ✗) with the time it took. */
export function ttyProgress(out: Output, now: () => number = Date.now, frameMs = 80): ProgressReporter {
  let stage: { title: string; since: number; frame: number; timer: NodeJS.Timeout } | undefined;
  const draw = () => {
    if (stage === undefined) return;
    out.write(`${CLEAR_LINE}${SPINNER[stage.frame++ % SPINNER.length]} ${stage.title}`);
  };
  const finish = (text: string) => {
    if (stage === undefined) return;
    clearInterval(stage.timer);
    out.write(`${CLEAR_LINE}${text}\n`);
    stage = undefined;
  };
  return {
    begin(title) {
      finish(`✓ ${stage?.title}`);
      stage = { title, since: now(), frame: 0, timer: setInterval(draw, frameMs) };
      stage.timer.unref();
      draw();
    },
    end(note) {
      if (stage === undefined) return;
      const elapsed = formatSeconds(now() - stage.since);
      finish(`✓ ${stage.title} (${note === undefined ? elapsed : `${note}, ${elapsed}`})`);
    },
    fail(reason) {
      if (stage === undefined) return;
      finish(`✗ ${stage.title}: ${reason}`);
    },
    line(text) {
      out.write(`${stage === undefined ? "" : CLEAR_LINE}${text}\n`);
      draw();
    },
    close() {
      if (stage !== undefined) clearInterval(stage.timer);
      if (stage !== undefined) out.write(`${CLEAR_LINE}`);
      stage = undefined;
    },
  };
}

/** Not a terminal (CI, a pipe): `[devnet] <stage> ... done (1.2 s)`, no control characters. */
export function plainProgress(out: Output, now: () => number = Date.now): ProgressReporter {
  let stage: { title: string; since: number; open: boolean } | undefined;
  const open = () => {
    if (stage === undefined || stage.open) return;
    out.write(`[devnet] ${stage.title} ... `);
    stage.open = true;
  };
  const finish = (text: string) => {
    if (stage === undefined) return;
    open();
    out.write(`${text}\n`);
    stage = undefined;
  };
  return {
    begin(title) {
      finish("done");
      stage = { title, since: now(), open: false };
      open();
    },
    end(note) {
      if (stage === undefined) return;
      const elapsed = formatSeconds(now() - stage.since);
      finish(`done (${note === undefined ? elapsed : `${note}, ${elapsed}`})`);
    },
    fail(reason) {
      finish(`failed: ${reason}`);
    },
    line(text) {
      if (stage?.open) {
        out.write("\n");
        stage.open = false;
      }
      out.write(`${text}\n`);
      open();
    },
    close() {
      if (stage?.open) out.write("\n");
      stage = undefined;
    },
  };
}

/** Says nothing (a library caller that did not ask). */
export const silentProgress: ProgressReporter = {
  begin() {},
  end() {},
  fail() {},
  line() {},
  close() {},
};
