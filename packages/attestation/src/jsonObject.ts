export type JsonObjectProblem = "not JSON" | "not a JSON object";

/** `text` parsed as a JSON object; anything else becomes the caller's typed error for the problem. */
export function parseJsonObject(
  text: string,
  fail: (problem: JsonObjectProblem) => Error,
): Readonly<Record<string, unknown>> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw fail("not JSON");
  }
  return asJsonObject(value, fail);
}

export function asJsonObject(
  value: unknown,
  fail: (problem: JsonObjectProblem) => Error,
): Readonly<Record<string, unknown>> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw fail("not a JSON object");
  return value as Readonly<Record<string, unknown>>;
}
