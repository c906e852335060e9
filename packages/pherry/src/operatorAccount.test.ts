import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEV_PHRASE, devAccounts, keypairFromUri, toHex } from "@phala-ts/core";
import { describe, expect, it } from "vitest";
import { errorCodeOf } from "../../core/src/testing/errorCode.test-util.js";
import { useTempDirs } from "../../core/src/testing/tempDirs.test-util.js";
import { loadOperatorAccount, type OperatorAccountSource } from "./operatorAccount.js";

const tempDir = useTempDirs("pherry-operator-");
const sr = devAccounts("sr25519");
const ed = devAccounts("ed25519");
const MNEMONIC = "legal winner thank year wave sausage worth useful legal winner thank yellow";

function keyFile(content: string): string {
  const path = join(tempDir(), "operator.key");
  writeFileSync(path, content, { mode: 0o600 });
  return path;
}

/** The error `load` throws, with everything a log line could show of it. */
function failure(source: OperatorAccountSource): { code: string | undefined; shown: string } {
  let thrown: unknown;
  const code = errorCodeOf(() => {
    try {
      loadOperatorAccount(source);
    } catch (error) {
      thrown = error;
      throw error;
    }
  });
  const parts: string[] = [];
  for (let e = thrown as { message?: unknown; details?: unknown; cause?: unknown } | undefined; e; ) {
    parts.push(String(e.message), JSON.stringify(e.details ?? {}), String(e));
    e = e.cause as typeof e;
  }
  return { code, shown: parts.join("\n") };
}

describe("loadOperatorAccount", () => {
  it("derives the account from a secret URI, sr25519 unless told otherwise", () => {
    expect(toHex(loadOperatorAccount({ secretUri: "//Alice" }).publicKey)).toBe(toHex(sr.Alice.publicKey));
    expect(toHex(loadOperatorAccount({ secretUri: "//Bob", scheme: "ed25519" }).publicKey)).toBe(
      toHex(ed.Bob.publicKey),
    );
    expect(toHex(loadOperatorAccount({ secretUri: `${MNEMONIC}//pherry` }).publicKey)).toBe(
      toHex(keypairFromUri(`${MNEMONIC}//pherry`).publicKey),
    );
  });

  it("reads the secret URI from the first line of a key file", () => {
    expect(toHex(loadOperatorAccount({ keyFile: keyFile("//Alice\n") }).publicKey)).toBe(toHex(sr.Alice.publicKey));
    expect(toHex(loadOperatorAccount({ keyFile: keyFile("  //Bob  \r\n//Alice\n") }).publicKey)).toBe(
      toHex(sr.Bob.publicKey),
    );
    expect(toHex(loadOperatorAccount({ keyFile: keyFile("//Charlie"), scheme: "ed25519" }).publicKey)).toBe(
      toHex(ed.Charlie.publicKey),
    );
    expect(toHex(loadOperatorAccount({ keyFile: keyFile(`${MNEMONIC}\n# comment\n`) }).publicKey)).toBe(
      toHex(keypairFromUri(MNEMONIC).publicKey),
    );
  });

  it("wants exactly one of a secret URI and a key file", () => {
    expect(failure({}).code).toBe("PHERRY_BAD_OPERATOR_KEY");
    expect(failure({ secretUri: "//Alice", keyFile: keyFile("//Alice") }).code).toBe("PHERRY_BAD_OPERATOR_KEY");
  });

  it("refuses an invalid secret URI without ever repeating it", () => {
    const secrets = [
      "legal winner thank year wave sausage worth useful legal winner thank wrong",
      `0x${"ab".repeat(31)}`,
      "0xnothexatall//x",
      "secret/with/soft",
    ];
    for (const secretUri of secrets) {
      const { code, shown } = failure({ secretUri });
      expect(code, secretUri).toBe("PHERRY_BAD_OPERATOR_KEY");
      expect(shown).not.toContain(secretUri);
      const fromFile = failure({ keyFile: keyFile(`${secretUri}\n`) });
      expect(fromFile.code).toBe("PHERRY_BAD_OPERATOR_KEY");
      expect(fromFile.shown).not.toContain(secretUri);
    }
    // Soft derivation exists for sr25519 only.
    const soft = failure({ secretUri: "//Alice/soft", scheme: "ed25519" });
    expect(soft.code).toBe("PHERRY_BAD_OPERATOR_KEY");
    expect(soft.shown).not.toContain("//Alice/soft");
  });

  it("refuses an empty secret rather than sign with the public development phrase", () => {
    expect(failure({ secretUri: "" }).code).toBe("PHERRY_BAD_OPERATOR_KEY");
    expect(failure({ secretUri: "   " }).code).toBe("PHERRY_BAD_OPERATOR_KEY");
    expect(failure({ keyFile: keyFile("") }).code).toBe("PHERRY_BAD_OPERATOR_KEY");
    expect(failure({ keyFile: keyFile("\n//Alice\n") }).code).toBe("PHERRY_BAD_OPERATOR_KEY");
    // The development phrase itself is still a secret URI like any other.
    expect(toHex(loadOperatorAccount({ secretUri: DEV_PHRASE }).publicKey)).toBe(
      toHex(keypairFromUri(DEV_PHRASE).publicKey),
    );
  });

  it("refuses a key file it cannot read, naming the file", () => {
    const missing = join(tempDir(), "absent.key");
    const { code, shown } = failure({ keyFile: missing });
    expect(code).toBe("PHERRY_BAD_OPERATOR_KEY");
    expect(shown).toContain(missing);
    expect(failure({ keyFile: tempDir() }).code).toBe("PHERRY_BAD_OPERATOR_KEY"); // a directory
  });
});
