/** What crosses the sandbox boundary: inputs, results, event data. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
