import fc from "fast-check";
import type { Message } from "./message.js";
import type { MessageOrigin } from "./messageOrigin.js";

const id = fc.uint8Array({ minLength: 32, maxLength: 32 });

export const arbitraryOrigin: fc.Arbitrary<MessageOrigin> = fc.oneof(
  fc.uint8Array({ maxLength: 40 }).map((value): MessageOrigin => ({ type: "Pallet", value })),
  id.map((value): MessageOrigin => ({ type: "Contract", value })),
  id.map((value): MessageOrigin => ({ type: "Worker", value })),
  id.map((value): MessageOrigin => ({ type: "AccountId", value })),
  fc.constant<MessageOrigin>({ type: "Gatekeeper" }),
  id.map((value): MessageOrigin => ({ type: "Cluster", value })),
);

export const arbitraryTopic: fc.Arbitrary<Uint8Array> = fc
  .array(fc.stringMatching(/^[a-z0-9_]{1,12}$/), { minLength: 1, maxLength: 4 })
  .chain((segments) =>
    fc.boolean().map((onChainOnly) => new TextEncoder().encode(`${onChainOnly ? "^" : ""}phala/${segments.join("/")}`)),
  );

export const arbitraryMessage: fc.Arbitrary<Message> = fc.record({
  sender: arbitraryOrigin,
  destination: arbitraryTopic,
  payload: fc.uint8Array({ maxLength: 300 }),
});

export const arbitrarySequence: fc.Arbitrary<bigint> = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });

/** Drop `value: undefined` so decoded Gatekeeper origins compare equal to `{type: "Gatekeeper"}`. */
export function normalizeOrigin(origin: MessageOrigin): MessageOrigin {
  return origin.type === "Gatekeeper" ? { type: "Gatekeeper" } : origin;
}
