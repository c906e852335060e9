import { AttestationError } from "../errors.js";

function malformed(path: string, message: string): AttestationError {
  return new AttestationError("DCAP_COLLATERAL_MALFORMED", `DCAP collateral: ${path} ${message}`, { path });
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?Z$/;

/** Unix seconds of an ISO 8601 UTC date as Intel writes them (`2025-06-19T10:56:11Z`), or undefined. */
export function parseIsoDate(text: string): number | undefined {
  const match = DATE.exec(text);
  if (match === null) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const millis = Date.UTC(year, month - 1, day, hour, minute, second);
  const date = new Date(millis);
  // Date.UTC rolls 2025-02-30 over into March: refuse dates that are not in the calendar.
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  return millis / 1000;
}

/** Typed reads from signed JSON (TCB info, QE identity): a missing or mistyped field is DCAP_COLLATERAL_MALFORMED. */
export class JsonFields {
  private readonly object: Readonly<Record<string, unknown>>;

  constructor(
    value: unknown,
    private readonly path: string,
  ) {
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw malformed(path, "is not an object");
    this.object = value as Readonly<Record<string, unknown>>;
  }

  static parse(text: string, path: string): JsonFields {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw malformed(path, "is not JSON");
    }
    return new JsonFields(value, path);
  }

  has(key: string): boolean {
    return this.object[key] !== undefined;
  }

  string(key: string): string {
    const value = this.object[key];
    if (typeof value !== "string") throw malformed(`${this.path}.${key}`, "is missing or not a string");
    return value;
  }

  integer(key: string, max = Number.MAX_SAFE_INTEGER): number {
    const value = this.object[key];
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0 || value > max) {
      throw malformed(`${this.path}.${key}`, `is missing or not an integer in 0..${max}`);
    }
    return value;
  }

  /** A hex string of exactly `length` bytes (either case, as Intel writes upper case). */
  hex(key: string, length: number): Uint8Array {
    const value = this.string(key);
    if (value.length !== length * 2 || !/^[0-9a-fA-F]*$/.test(value)) {
      throw malformed(`${this.path}.${key}`, `is not ${length} bytes of hex`);
    }
    return new Uint8Array(Buffer.from(value, "hex"));
  }

  date(key: string): number {
    const seconds = parseIsoDate(this.string(key));
    if (seconds === undefined) throw malformed(`${this.path}.${key}`, "is not an ISO 8601 UTC date");
    return seconds;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[]): T {
    const value = this.string(key);
    if (!(allowed as readonly string[]).includes(value)) {
      throw malformed(`${this.path}.${key}`, `is not one of ${allowed.join(", ")}`);
    }
    return value as T;
  }

  child(key: string): JsonFields {
    return new JsonFields(this.object[key], `${this.path}.${key}`);
  }

  /** The array's elements, each with its path; `length` if given is exact. */
  array(key: string, length?: number): { value: unknown; path: string }[] {
    const value = this.object[key];
    if (!Array.isArray(value) || (length !== undefined && value.length !== length)) {
      throw malformed(`${this.path}.${key}`, length === undefined ? "is not an array" : `is not an array of ${length}`);
    }
    return value.map((element, index) => ({ value: element, path: `${this.path}.${key}[${index}]` }));
  }

  /** Optional `advisoryIDs`: an array of strings, empty when absent. */
  strings(key: string): string[] {
    if (!this.has(key)) return [];
    return this.array(key).map(({ value, path }) => {
      if (typeof value !== "string") throw malformed(path, "is not a string");
      return value;
    });
  }
}
