import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { GramineError, type GramineErrorCode } from "../errors.js";
import { decodeAttestation, encodeAttestation } from "../evidence.js";
import { assertGramineDcap, gramineAttestationType, gramineMeasurement, gramineQuote } from "./gramineQuoteSource.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const mrenclave = new Uint8Array(32).map((_, i) => 0xe0 ^ i);
const fakeQuote = new Uint8Array(1200).map((_, i) => (i * 31) & 0xff);
const reportData = new Uint8Array(64).map((_, i) => i);

/** A directory shaped like Gramine's /dev/attestation. */
function attestationRoot(type = "dcap\n"): string {
  const root = mkdtempSync(join(tmpdir(), "phala-gramine-"));
  dirs.push(root);
  writeFileSync(join(root, "attestation_type"), type);
  const targetInfo = new Uint8Array(512).fill(0x55);
  targetInfo.set(mrenclave, 0);
  writeFileSync(join(root, "my_target_info"), targetInfo);
  writeFileSync(join(root, "user_report_data"), new Uint8Array(0));
  writeFileSync(join(root, "quote"), fakeQuote);
  return root;
}

async function gramineError(run: () => Promise<unknown>, code: GramineErrorCode): Promise<GramineError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(GramineError);
    expect((error as GramineError).code).toBe(code);
    return error as GramineError;
  }
  return expect.unreachable(`expected ${code}`);
}

describe("Gramine quote source", () => {
  it("writes exactly the 64 report-data bytes and returns the DCAP quote", async () => {
    const root = attestationRoot();
    const attestation = await gramineQuote(reportData, { root });
    expect(attestation).toEqual({ type: "SgxDcap", value: { quote: fakeQuote, collateral: undefined } });
    expect(new Uint8Array(readFileSync(join(root, "user_report_data")))).toEqual(reportData);
    expect(decodeAttestation(encodeAttestation(attestation))).toEqual(attestation);
  });

  it("reads MRENCLAVE from the start of my_target_info", async () => {
    const root = attestationRoot();
    expect(await gramineMeasurement({ root })).toEqual(mrenclave);
    expect(await gramineAttestationType({ root })).toBe("dcap");
    await assertGramineDcap({ root });
    writeFileSync(join(root, "my_target_info"), new Uint8Array(32));
    await gramineError(() => gramineMeasurement({ root }), "GRAMINE_BAD_TARGET_INFO");
  });

  it("refuses attestation schemes other than DCAP without touching user_report_data", async () => {
    for (const type of ["none", "epid", "", "dcapx"]) {
      const root = attestationRoot(`${type}\n`);
      const error = await gramineError(() => gramineQuote(reportData, { root }), "GRAMINE_UNSUPPORTED_ATTESTATION");
      expect(error.details).toEqual({ attestationType: type });
      expect(readFileSync(join(root, "user_report_data")).length).toBe(0);
    }
  });

  it("refuses report data that is not exactly 64 bytes", async () => {
    const root = attestationRoot();
    for (const length of [0, 32, 63, 65]) {
      await gramineError(() => gramineQuote(new Uint8Array(length), { root }), "GRAMINE_BAD_REPORT_DATA");
    }
    await gramineError(() => gramineQuote("00" as unknown as Uint8Array, { root }), "GRAMINE_BAD_REPORT_DATA");
    expect(readFileSync(join(root, "user_report_data")).length).toBe(0);
  });

  it("says clearly when not running under Gramine", async () => {
    const missing = join(tmpdir(), "phala-no-such-attestation-dir", "attestation");
    const error = await gramineError(() => gramineQuote(reportData, { root: missing }), "GRAMINE_NOT_AVAILABLE");
    expect(error.message).toContain("not running under Gramine with remote attestation enabled");
    await gramineError(() => gramineMeasurement({ root: missing }), "GRAMINE_NOT_AVAILABLE");

    const noQuote = attestationRoot();
    rmSync(join(noQuote, "quote"));
    await gramineError(() => gramineQuote(reportData, { root: noQuote }), "GRAMINE_NOT_AVAILABLE");
    const noReportData = attestationRoot();
    rmSync(join(noReportData, "user_report_data"));
    await gramineError(() => gramineQuote(reportData, { root: noReportData }), "GRAMINE_NOT_AVAILABLE");
  });

  it("reports an empty quote as a quoting failure", async () => {
    const root = attestationRoot();
    writeFileSync(join(root, "quote"), new Uint8Array(0));
    await gramineError(() => gramineQuote(reportData, { root }), "GRAMINE_QUOTE_FAILED");
  });

  it("runs concurrent quotes one after another", async () => {
    const root = attestationRoot();
    const other = new Uint8Array(64).fill(9);
    const results = await Promise.all([gramineQuote(reportData, { root }), gramineQuote(other, { root })]);
    expect(results.map((result) => result.type)).toEqual(["SgxDcap", "SgxDcap"]);
    expect(new Uint8Array(readFileSync(join(root, "user_report_data")))).toEqual(other);
  });
});
