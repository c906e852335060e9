import { AttestationError } from "../errors.js";
import { asJsonObject, parseJsonObject } from "../jsonObject.js";
import { utcSeconds } from "../utcSeconds.js";

function malformed(path: string, message: string): AttestationError {
  return new AttestationError("DCAP_COLLATERAL_MALFORMED", `DCAP collateral: ${path} ${message}`, { path });
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?Z$/;

/** Unix seconds of an ISO 8601 UTC date as Intel writes them (`2025-06-19T10:56:11Z`), or undefined. */
export function parseIsoDate(text: string): number | undefined {
  const match = DATE.exec(text);
  return match === null ? undefined : utcSeconds(match);
}

/** Typed reads from signed JSON (TCB info, QE identity): a missing or mistyped field is DCAP_COLLATERAL_MALFORMED. */
export class JsonFields {
  private readonly object: Readonly<Record<string, unknown>>;

  constructor(
    value: unknown,
    private readonly path: string,
  ) {
    this.object = asJsonObject(value, () => malformed(path, "is not an object"));
  }

  static parse(text: string, path: string): JsonFields {
    const object = parseJsonObject(text, (problem) =>
      malformed(path, problem === "not JSON" ? "is not JSON" : "is not an object"),
    );
    return new JsonFields(object, path);
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
