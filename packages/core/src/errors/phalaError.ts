/**
 * Base of every error Phala-TS throws on purpose. `code` is a stable string callers branch on;
 * `message` is short and human; `details` carries the structured facts (never key material).
 */
export class PhalaError<C extends string = string> extends Error {
  override readonly name: string = "PhalaError";
  readonly code: C;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: C, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.details = details;
  }

  toJSON(): { name: string; code: C; message: string; details: Readonly<Record<string, unknown>> } {
    return { name: this.name, code: this.code, message: this.message, details: this.details };
  }
}

export function isPhalaError(value: unknown, code?: string): value is PhalaError {
  return value instanceof PhalaError && (code === undefined || value.code === code);
}
