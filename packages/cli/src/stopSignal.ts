/**
 * A long-running role's stop: the first SIGINT or SIGTERM aborts the returned signal (a graceful
 * stop); a repeated SIGTERM changes nothing (a supervisor and a dying parent may both send one),
 * and a second SIGINT (Ctrl-C again) exits at once with 130. Install it before logging "ready",
 * so that a signal sent as soon as "ready" is seen is always a graceful stop.
 */
export function stopSignal(): AbortSignal {
  const stop = new AbortController();
  process.on("SIGTERM", () => stop.abort());
  process.on("SIGINT", () => {
    if (stop.signal.aborted) process.exit(130);
    stop.abort();
  });
  return stop.signal;
}

/** Resolves when `signal` aborts. */
export const stopped = (signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
