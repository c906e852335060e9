import { describe, expect, it } from "vitest";
import { toHex } from "../bytes/bytes.js";
import { KeyUriError } from "./keyErrors.js";
import { miniSecretFromMnemonic } from "./mnemonic.js";
import { DEV_PHRASE } from "./secretUri.js";

describe("miniSecretFromMnemonic", () => {
  it("gives subkey's secret seed for the dev phrase", () => {
    expect(toHex(miniSecretFromMnemonic(DEV_PHRASE))).toBe(
      "0xfac7959dbfe72f052e5a0c3c8d6530f202b02fd8f9f5ca3580ec8deb7797479e",
    );
  });

  it("salts with the password and tolerates extra whitespace", () => {
    expect(miniSecretFromMnemonic(DEV_PHRASE, "pw")).not.toEqual(miniSecretFromMnemonic(DEV_PHRASE));
    expect(miniSecretFromMnemonic(`  ${DEV_PHRASE.replaceAll(" ", "   ")} `)).toEqual(
      miniSecretFromMnemonic(DEV_PHRASE),
    );
  });

  it("rejects phrases that are not valid English BIP39 without echoing them", () => {
    const wrongChecksum = DEV_PHRASE.replace("walk", "wall");
    for (const phrase of [
      wrongChecksum,
      "bottom drive obey",
      "Bottom drive obey lake curtain smoke basket hold race lonely fit walk",
      "",
    ]) {
      try {
        miniSecretFromMnemonic(phrase);
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(KeyUriError);
        expect(JSON.stringify(error)).not.toContain("drive");
        expect((error as Error).message).not.toContain("drive");
      }
    }
  });
});
