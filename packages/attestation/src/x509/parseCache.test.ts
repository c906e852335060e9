import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SHARED_VECTORS_DIR } from "../../../core/src/testing/sharedVectors.test-util.js";
import { SGX_VECTOR } from "../dcap/realVectors.test-util.js";
import { AttestationError, type AttestationErrorCode } from "../errors.js";
import { parseCertificate } from "./certificate.js";
import { parseCrl } from "./crl.js";
import { clearParseCaches, frozenMap, frozenSet, ParseCache } from "./parseCache.js";
import { decodePemCertificates } from "./pem.js";

const malformedAs = (code: AttestationErrorCode) => (message: string) => new AttestationError(code, message);
const malformed = malformedAs("DCAP_COLLATERAL_MALFORMED");

const rootDer = decodePemCertificates(
  readFileSync(`${SHARED_VECTORS_DIR}/attestation/Intel_SGX_Provisioning_Certification_RootCA.pem`, "utf8"),
  malformed,
)[0] as Uint8Array;
const tcbSignerDer = decodePemCertificates(SGX_VECTOR.collateral.tcb_info_issuer_chain as string, malformed)[0];
const rootCrlDer = new Uint8Array(Buffer.from(SGX_VECTOR.collateral.root_ca_crl as string, "hex"));
const pckCrlDer = new Uint8Array(Buffer.from(SGX_VECTOR.collateral.pck_crl as string, "hex"));

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AttestationError);
    return (error as AttestationError).code;
  }
  return expect.unreachable("expected an AttestationError");
}

/** A ParseCache over byte strings whose parse counts its calls. */
function countingCache(maxEntries: number, maxBytes = 1 << 20) {
  const cache = new ParseCache<{ readonly text: string }>({ maxEntries, maxBytes });
  const calls: string[] = [];
  const parse = (text: string) =>
    cache.parse(Buffer.from(text), (der) => {
      const decoded = Buffer.from(der).toString();
      calls.push(decoded);
      if (decoded.startsWith("bad")) throw new Error(decoded);
      return { text: decoded };
    });
  return { cache, calls, parse };
}

describe("ParseCache", () => {
  it("returns the same value for the same bytes and another for other bytes", () => {
    const { calls, parse } = countingCache(4);
    const a = parse("a");
    expect(parse("a")).toBe(a);
    expect(parse("b")).not.toBe(a);
    expect(parse("b").text).toBe("b");
    expect(calls).toEqual(["a", "b"]);
  });

  it("keys by the viewed bytes only, wherever they sit in their buffer", () => {
    const cache = new ParseCache<{ readonly n: number }>();
    let n = 0;
    const parse = (der: Uint8Array) => cache.parse(der, () => ({ n: n++ }));
    const first = parse(Uint8Array.of(1, 2, 3));
    expect(parse(Uint8Array.of(9, 1, 2, 3, 9).subarray(1, 4))).toBe(first);
    expect(parse(Uint8Array.of(1, 2))).not.toBe(first);
    expect(parse(Uint8Array.of(1, 2, 3, 0))).not.toBe(first);
    // Bytes in shared memory are copied before they are keyed and parsed.
    const shared = new Uint8Array(new SharedArrayBuffer(3));
    shared.set([1, 2, 3]);
    expect(parse(shared)).toBe(first);
  });

  it("evicts the least recently used entry beyond its bound", () => {
    const { cache, calls, parse } = countingCache(2);
    parse("a");
    parse("b");
    parse("a"); // a is now the most recently used
    parse("c"); // evicts b
    expect(cache.size).toBe(2);
    parse("a");
    parse("c");
    expect(calls).toEqual(["a", "b", "c"]);
    parse("b");
    expect(calls).toEqual(["a", "b", "c", "b"]);
    expect(cache.size).toBe(2);
  });

  it("bounds the bytes it holds, and does not keep input larger than that", () => {
    const { cache, calls, parse } = countingCache(100, 8);
    parse("aaaa");
    parse("bbbb");
    expect(cache.size).toBe(2);
    parse("cc"); // 10 bytes: evicts aaaa
    expect(cache.size).toBe(2);
    parse("bbbb");
    parse("aaaa");
    expect(calls).toEqual(["aaaa", "bbbb", "cc", "aaaa"]);
    parse("ddddddddd");
    parse("ddddddddd");
    expect(calls.filter((c) => c === "ddddddddd").length).toBe(2);
  });

  it("does not cache failures", () => {
    const { cache, calls, parse } = countingCache(4);
    expect(() => parse("bad")).toThrow("bad");
    expect(() => parse("bad")).toThrow("bad");
    expect(calls).toEqual(["bad", "bad"]);
    expect(cache.size).toBe(0);
  });

  it("clearParseCaches empties every cache", () => {
    const { cache, calls, parse } = countingCache(4);
    parse("a");
    clearParseCaches();
    expect(cache.size).toBe(0);
    parse("a");
    expect(calls).toEqual(["a", "a"]);
  });
});

describe("frozen collections", () => {
  it("read like Set and Map and refuse changes", () => {
    const set = frozenSet(["x", "y"]) as Set<string>;
    expect(set.has("x")).toBe(true);
    expect([...set]).toEqual(["x", "y"]);
    expect(() => set.add("z")).toThrow(TypeError);
    expect(() => set.delete("x")).toThrow(TypeError);
    expect(() => set.clear()).toThrow(TypeError);
    expect(set.size).toBe(2);
    const map = frozenMap([["k", 1]]) as Map<string, number>;
    expect(map.get("k")).toBe(1);
    expect(() => map.set("k", 2)).toThrow(TypeError);
    expect(() => map.delete("k")).toThrow(TypeError);
    expect(() => map.clear()).toThrow(TypeError);
    expect([...map]).toEqual([["k", 1]]);
  });
});

describe("cached certificate and CRL parses", () => {
  it("give the same frozen object for the same bytes, another for other bytes", () => {
    const root = parseCertificate(rootDer, malformed);
    expect(parseCertificate(Uint8Array.from(rootDer), malformedAs("DCAP_QUOTE_MALFORMED"))).toBe(root);
    expect(parseCertificate(tcbSignerDer as Uint8Array, malformed)).not.toBe(root);
    expect(Object.isFrozen(root)).toBe(true);
    expect(() => (root.extensions as Map<string, Uint8Array>).set("1.2.3", new Uint8Array(0))).toThrow(TypeError);
    // The certificate keeps its own copy of the DER: changing the input later does not reach it.
    const input = Uint8Array.from(tcbSignerDer as Uint8Array);
    clearParseCaches();
    const signer = parseCertificate(input, malformed);
    input.fill(0);
    expect(signer.der).toEqual(tcbSignerDer);
    expect(parseCertificate(tcbSignerDer as Uint8Array, malformed)).toBe(signer);

    const rootCrl = parseCrl(rootCrlDer, malformed);
    expect(parseCrl(Uint8Array.from(rootCrlDer), malformed)).toBe(rootCrl);
    expect(parseCrl(pckCrlDer, malformed)).not.toBe(rootCrl);
    expect(Object.isFrozen(rootCrl)).toBe(true);
    expect(() => (rootCrl.revoked as Set<string>).add("0b01")).toThrow(TypeError);
  });

  it("refuse bad input with the caller's error every time", () => {
    const truncated = rootDer.subarray(0, rootDer.length - 1);
    for (let i = 0; i < 2; i++) {
      expect(codeOf(() => parseCertificate(truncated, malformed))).toBe("DCAP_COLLATERAL_MALFORMED");
      expect(codeOf(() => parseCertificate(truncated, malformedAs("DCAP_QUOTE_MALFORMED")))).toBe(
        "DCAP_QUOTE_MALFORMED",
      );
      expect(codeOf(() => parseCrl(rootCrlDer.subarray(1), malformed))).toBe("DCAP_COLLATERAL_MALFORMED");
      expect(codeOf(() => parseCrl(rootDer, malformedAs("DCAP_QUOTE_MALFORMED")))).toBe("DCAP_QUOTE_MALFORMED");
    }
    // A CRL's bytes are no certificate, even once they parsed as a CRL (the caches are separate).
    parseCrl(rootCrlDer, malformed);
    expect(codeOf(() => parseCertificate(rootCrlDer, malformed))).toBe("DCAP_COLLATERAL_MALFORMED");
  });
});
