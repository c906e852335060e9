import { AttestationError } from "../errors.js";

/** Little-endian, bounds-checked reads over a quote; running past the end is DCAP_QUOTE_MALFORMED. */
export class ByteReader {
  private position = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly what: string,
  ) {}

  get offset(): number {
    return this.position;
  }

  get remaining(): number {
    return this.bytes.length - this.position;
  }

  take(length: number, field: string): Uint8Array {
    if (length > this.remaining) {
      throw new AttestationError("DCAP_QUOTE_MALFORMED", `${this.what} is truncated at ${field}`, {
        field,
        offset: this.position,
        needed: length,
        available: this.remaining,
      });
    }
    const slice = this.bytes.slice(this.position, this.position + length);
    this.position += length;
    return slice;
  }

  u16(field: string): number {
    const b = this.take(2, field);
    return (b[0] as number) | ((b[1] as number) << 8);
  }

  u32(field: string): number {
    const b = this.take(4, field);
    return ((b[0] as number) | ((b[1] as number) << 8) | ((b[2] as number) << 16) | ((b[3] as number) << 24)) >>> 0;
  }
}
