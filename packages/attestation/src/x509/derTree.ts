import { AsnConvert, AsnParser, type IAsnConvertible, type IAsnParseOptions } from "@peculiar/asn1-schema";
import { equalBytes } from "@phala-ts/core";
import { type AsnType, fromBER } from "asn1js";

/**
 * asn1js options for certificates and CRLs: do not also try to decode the contents of every OCTET
 * STRING and BIT STRING as BER (`parseEmbedded`). The X.509 schemas read those contents as bytes
 * (`valueHexView`), never as the embedded tree, so the decoded values are the same; the embedded
 * attempt only costs time (the SGX extension of a PCK certificate alone is a hundred nodes).
 */
export const LEAN_BER_OPTIONS: IAsnParseOptions = Object.freeze({
  berOptions: Object.freeze({ parseEmbedded: false }),
});

/** An asn1js block as decoded: its children (if constructed) and the exact bytes it was decoded from. */
interface DecodedBlock {
  readonly valueBeforeDecodeView: Uint8Array;
  readonly valueBlock: { value?: unknown };
  readonly idBlock: { readonly tagClass: number; readonly tagNumber: number };
}

/** asn1js's tree of `der` (as `AsnParser.parse` decodes it before mapping it to the schema). */
export function decodeTree(der: Uint8Array): AsnType {
  const { result } = fromBER(der, LEAN_BER_OPTIONS.berOptions);
  if (result.error) throw new Error(result.error);
  return result;
}

/**
 * `AsnConvert.parse(der, type)` in its two steps, keeping asn1js's tree: `AsnParser.parse` is
 * `fromBER` then `fromASN`, and refuses the same input. The tree gives the exact bytes of each field
 * (`derOf`), so fields that only need their DER are not re-serialised one by one.
 */
export function decodeDer<T>(der: Uint8Array, type: new () => T): { readonly asn: T; readonly tree: AsnType } {
  const tree = decodeTree(der);
  return { asn: AsnParser.fromASN(tree, type, LEAN_BER_OPTIONS), tree };
}

/** The elements of a constructed block, in order (none for a primitive one). */
export function childrenOf(block: AsnType | undefined): AsnType[] {
  const value = (block as DecodedBlock | undefined)?.valueBlock.value;
  return Array.isArray(value) ? (value as AsnType[]) : [];
}

/** Empties a constructed block and returns the elements it had (see `CanonicalParts`). */
export function detachChildren(block: AsnType): AsnType[] {
  const elements = childrenOf(block);
  (block as DecodedBlock).valueBlock.value = [];
  return elements;
}

/** The bytes `block` was decoded from (a view into the decoder's copy of the input). */
export function derOf(block: AsnType | undefined): Uint8Array {
  const view = (block as DecodedBlock | undefined)?.valueBeforeDecodeView;
  if (view === undefined || view.length === 0) throw new Error("a field is missing from the decoded tree");
  return view;
}

/** Whether `block` has the given tag (class 1 universal, 3 context-specific). */
export function hasTag(block: AsnType | undefined, tagClass: number, tagNumber: number): boolean {
  const id = (block as DecodedBlock | undefined)?.idBlock;
  return id?.tagClass === tagClass && id.tagNumber === tagNumber;
}

/** A part of the input that is not the canonical DER of its value. */
export class NotCanonicalError extends Error {}

/**
 * Stands in for a decoded value inside an object given to `AsnConvert.serialize`, which emits a
 * convertible object (`toASN`) as the node it returns: here the node the value was decoded from,
 * whose bytes `CanonicalParts` has shown to be the value's own serialisation.
 */
class DecodedPart implements IAsnConvertible {
  readonly #node: AsnType;
  constructor(node: AsnType) {
    this.#node = node;
  }
  toASN(): AsnType {
    return this.#node;
  }
  fromASN(): this {
    throw new TypeError("a decoded part is only serialised");
  }
  toSchema(): never {
    throw new TypeError("a decoded part is only serialised");
  }
}

/**
 * Round trips of the parts of one input that repeat (the revocation date and reason of every entry
 * of a CRL are the same bytes), each distinct encoding once: a part decoded as `type` must
 * serialise to exactly its own bytes, as it would inside the whole. The whole is still serialised
 * and compared with the input, with each part emitted as the node it was decoded from; so the input
 * passes exactly when `AsnConvert.serialize(AsnConvert.parse(input))` gives it back.
 */
export class CanonicalParts {
  readonly #verified = new Map<new () => unknown, Set<string>>();

  /** A stand-in for `node` decoded as `type` (throws NotCanonicalError, or the decoder's error). */
  standIn<T>(node: AsnType, type: new () => T): T {
    const der = derOf(node);
    const key = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString("latin1");
    let verified = this.#verified.get(type);
    if (verified === undefined) {
      verified = new Set();
      this.#verified.set(type, verified);
    }
    if (!verified.has(key)) {
      const value = AsnParser.fromASN(node, type, LEAN_BER_OPTIONS);
      if (!equalBytes(new Uint8Array(AsnConvert.serialize(value)), der)) {
        throw new NotCanonicalError(`a ${type.name} is not canonical DER`);
      }
      verified.add(key);
    }
    return new DecodedPart(node) as unknown as T;
  }
}
