/**
 * A method result serialized at most once: the dispatcher puts its `text` in the response instead
 * of serializing `value` again, for an answer several clients ask for (each block's storage
 * changes, fetched by every pherry). `text` is `JSON.stringify(value)`, made when first asked for;
 * `toJSON` gives `value`, so a RawJson serialized any other way reads the same.
 */
export class RawJson {
  readonly value: unknown;
  readonly #render: () => string;
  #text: string | undefined;

  private constructor(value: unknown, render: () => string) {
    this.value = value;
    this.#render = render;
  }

  static of(value: unknown): RawJson {
    return new RawJson(value, () => {
      const text = JSON.stringify(value) as string | undefined;
      if (text === undefined) throw new TypeError(`a value of type ${typeof value} is not JSON`);
      return text;
    });
  }

  /** The JSON array of these items: their texts joined, each item serialized at most once. */
  static array(items: readonly RawJson[]): RawJson {
    return new RawJson(
      items.map((item) => item.value),
      () => `[${items.map((item) => item.text).join(",")}]`,
    );
  }

  /** Throws (TypeError) when the value cannot be JSON, as `JSON.stringify` does. */
  get text(): string {
    this.#text ??= this.#render();
    return this.#text;
  }

  toJSON(): unknown {
    return this.value;
  }
}

/** The JSON text of a result: a RawJson's own text, or `JSON.stringify`; undefined for what has none. */
export function jsonText(result: unknown): string | undefined {
  return result instanceof RawJson ? result.text : (JSON.stringify(result) as string | undefined);
}
