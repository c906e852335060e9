/** A JSON object with no fields but `allowed`; anything else throws, naming `what`. */
export function fields(value: unknown, what: string, allowed: readonly string[]): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error(`${what} must be an object`);
  for (const key of Object.keys(value)) if (!allowed.includes(key)) throw new Error(`${what} has no field "${key}"`);
  return value as Record<string, unknown>;
}

/** `{ kind: body }` with exactly one key, one of `kinds`: the kind and its body. */
export function variant<K extends string>(value: unknown, what: string, kinds: readonly K[]): [K, unknown] {
  const entries = Object.entries(fields(value, what, kinds));
  if (entries.length !== 1) throw new Error(`${what} must be one of ${kinds.map((kind) => `{ ${kind} }`).join(", ")}`);
  return entries[0] as [K, unknown];
}
