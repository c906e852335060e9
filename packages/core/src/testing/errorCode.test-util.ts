/**
 * Duck-typed on purpose: a test may load core both from source and from \`dist\`, and then
 * \`instanceof PhalaError\` fails across the two copies.
 */
function typedCode(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code, details } = error as { code?: unknown; details?: unknown };
  return typeof code === "string" && typeof details === "object" ? code : undefined;
}

/** The code of the typed error `run` throws, or undefined when it returns; untyped errors propagate. */
export function errorCodeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    const code = typedCode(error);
    if (code === undefined) throw error;
    return code;
  }
  return undefined;
}

/** `errorCodeOf` for async operations. */
export async function asyncErrorCodeOf(run: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await run();
  } catch (error) {
    const code = typedCode(error);
    if (code === undefined) throw error;
    return code;
  }
  return undefined;
}
