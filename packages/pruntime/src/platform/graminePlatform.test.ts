import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { decodeAttestation, encodeAttestation, GramineError } from "@phala-ts/attestation";
import { utf8 } from "@phala-ts/core";
import { describe, expect, it } from "vitest";
import { useTempDirs } from "../../../core/src/testing/tempDirs.test-util.js";
import { openGraminePlatform } from "./graminePlatform.js";
import { openPlatform } from "./openPlatform.js";
import { SealError } from "./platformError.js";

const tempDir = useTempDirs("phala-gramine-platform-");

const mrenclave = new Uint8Array(32).map((_, i) => 0x80 + i);
const fakeQuote = utf8("a DCAP quote would be here");

function attestationRoot(type = "dcap"): string {
  const root = tempDir();
  writeFileSync(join(root, "attestation_type"), `${type}\n`);
  const targetInfo = new Uint8Array(512);
  targetInfo.set(mrenclave);
  writeFileSync(join(root, "my_target_info"), targetInfo);
  writeFileSync(join(root, "user_report_data"), new Uint8Array(0));
  writeFileSync(join(root, "quote"), fakeQuote);
  return root;
}

describe("gramine platform", () => {
  it("measures with MRENCLAVE and quotes through /dev/attestation", async () => {
    const attestationRoot_ = attestationRoot();
    const platform = await openGraminePlatform({ attestationRoot: attestationRoot_, sealedDir: join(tempDir(), "p") });
    expect(platform.kind).toBe("gramine");
    expect(platform.measurement).toEqual(mrenclave);
    const reportData = new Uint8Array(64).fill(0xab);
    const attestation = await platform.quote(reportData);
    expect(attestation).toEqual({ type: "SgxDcap", value: { quote: fakeQuote, collateral: undefined } });
    expect(decodeAttestation(encodeAttestation(attestation))).toEqual(attestation);
    expect(new Uint8Array(readFileSync(join(attestationRoot_, "user_report_data")))).toEqual(reportData);
    await expect(platform.quote(new Uint8Array(65))).rejects.toMatchObject({ code: "GRAMINE_BAD_REPORT_DATA" });
  });

  it("stores sealed files as plain files under the encrypted mount, atomically", async () => {
    const sealedDir = join(tempDir(), "protected");
    const platform = await openPlatform("gramine", { attestationRoot: attestationRoot(), sealedDir });
    const data = utf8("plaintext: Gramine's encrypted mount does the encryption");
    await platform.sealed.write("identity", data);
    await platform.sealed.write("identity", data);
    expect(new Uint8Array(readFileSync(join(sealedDir, "identity.sealed")))).toEqual(data);
    expect(await platform.sealed.read("identity")).toEqual(data);
    expect(await platform.sealed.read("other")).toBeUndefined();
    await platform.sealed.write("checkpoint-1", Uint8Array.of(1));
    expect(await platform.sealed.list("checkpoint")).toEqual(["checkpoint-1"]);
    expect(readdirSync(sealedDir).sort()).toEqual(["checkpoint-1.sealed", "identity.sealed"]);
    await platform.sealed.remove("checkpoint-1");
    expect(await platform.sealed.list("")).toEqual(["identity"]);
    await expect(platform.sealed.write("../outside", data)).rejects.toBeInstanceOf(SealError);
  });

  it("does not open without Gramine DCAP attestation", async () => {
    const sealedDir = join(tempDir(), "protected");
    for (const type of ["none", "epid"]) {
      await expect(openGraminePlatform({ attestationRoot: attestationRoot(type), sealedDir })).rejects.toMatchObject({
        code: "GRAMINE_UNSUPPORTED_ATTESTATION",
      });
    }
    const missing = join(tempDir(), "no-attestation");
    const error = await openGraminePlatform({ attestationRoot: missing, sealedDir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GramineError);
    expect((error as GramineError).code).toBe("GRAMINE_NOT_AVAILABLE");
    expect((error as GramineError).message).toContain("not running under Gramine");
  });
});
