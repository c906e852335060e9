import { vi } from "vitest";

/** What a command run through `main` writes, collected instead of printed; undo with `vi.restoreAllMocks()`. */
export function captureOutput(): { out: string; err: string } {
  const captured = { out: "", err: "" };
  for (const [stream, key] of [
    [process.stdout, "out"],
    [process.stderr, "err"],
  ] as const)
    vi.spyOn(stream, "write").mockImplementation((chunk) => {
      captured[key] += String(chunk);
      return true;
    });
  return captured;
}
