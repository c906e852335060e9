import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hardJunction, softJunction } from "./deriveJunction.js";
import { KeyUriError } from "./keyErrors.js";
import { DEV_PHRASE, parseSecretUri } from "./secretUri.js";

describe("secret URIs", () => {
  it("defaults the phrase to the dev phrase", () => {
    expect(parseSecretUri("//Alice")).toEqual({
      phrase: DEV_PHRASE,
      junctions: [hardJunction("Alice")],
      password: undefined,
    });
    expect(parseSecretUri("")).toEqual({ phrase: DEV_PHRASE, junctions: [], password: undefined });
  });

  it("splits phrase, hard and soft junctions and password", () => {
    expect(parseSecretUri(`${DEV_PHRASE}//polkadot/0//x///my secret`)).toEqual({
      phrase: DEV_PHRASE,
      junctions: [hardJunction("polkadot"), softJunction("0"), hardJunction("x")],
      password: "my secret",
    });
    expect(parseSecretUri("0xabcd/soft")).toEqual({
      phrase: "0xabcd",
      junctions: [softJunction("soft")],
      password: undefined,
    });
    expect(parseSecretUri("///pw").password).toBe("pw");
    expect(parseSecretUri("//a///").password).toBe("");
    expect(parseSecretUri("//a///p/q//r").password).toBe("p/q//r");
  });

  it("junction text may hold anything but '/'", () => {
    expect(parseSecretUri("//héllo wörld!").junctions).toEqual([hardJunction("héllo wörld!")]);
  });

  it("rejects malformed URIs with KEY_URI_INVALID", () => {
    for (const uri of ["//", "/", "//Alice/", "bad/", "héllo", "phrase-with-dash", "a//b//", "a\n//b"]) {
      expect(() => parseSecretUri(uri), uri).toThrow(KeyUriError);
    }
    expect(() => parseSecretUri(null as unknown as string)).toThrow(KeyUriError);
  });

  it("never fails other than with KeyUriError", () => {
    fc.assert(
      fc.property(fc.string(), (uri) => {
        try {
          parseSecretUri(uri);
        } catch (error) {
          expect(error).toBeInstanceOf(KeyUriError);
          expect((error as KeyUriError).code).toBe("KEY_URI_INVALID");
        }
      }),
    );
  });
});
