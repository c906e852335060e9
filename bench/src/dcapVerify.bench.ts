import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { clearParseCaches, verifyDcapQuote } from "@phala-ts/attestation";
import { batch, measure, type Row } from "./harness.js";

/** `../shared/vectors` beside the repository (override with PHALA_SHARED_DIR), as the tests resolve it. */
const SHARED_VECTORS_DIR =
  process.env["PHALA_SHARED_DIR"] !== undefined
    ? `${process.env["PHALA_SHARED_DIR"]}/vectors`
    : fileURLToPath(new URL("../../../shared/vectors", import.meta.url));
const DIR = `${SHARED_VECTORS_DIR}/attestation/phala-dcap-qvl`;

/** @phala/dcap-qvl is CommonJS, hence createRequire. */
type Qvl = typeof import("@phala/dcap-qvl");
const qvl = createRequire(import.meta.url)("@phala/dcap-qvl") as Qvl;
const BASELINE = "@phala/dcap-qvl 0.3.9";

interface Vector {
  readonly figure: string;
  /** A Buffer, which both verifiers take (it is a Uint8Array). */
  readonly quote: Buffer;
  /** The collateral JSON, parsed once and handed to both verifiers as the same object. */
  readonly collateral: Record<string, string>;
  /** The fixed `now` of the vectors' README: real time is past every collateral window. */
  readonly now: number;
}

function load(figure: string, quote: string, collateral: string, now: number): Vector {
  return {
    figure,
    quote: readFileSync(`${DIR}/${quote}`),
    collateral: JSON.parse(readFileSync(`${DIR}/${collateral}`, "utf8")) as Record<string, string>,
    now,
  };
}

const ours = (v: Vector) => verifyDcapQuote(v.quote, { collateral: v.collateral, now: v.now });
const theirs = (v: Vector) =>
  qvl.verify(v.quote, v.collateral as unknown as import("@phala/dcap-qvl").Collateral, v.now);

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

/** Both verifiers must give the same verdict before either is timed. */
function checkAgreement(v: Vector): void {
  const mine = ours(v);
  const other = theirs(v);
  const report = mine.kind === "sgx-dcap" ? other.report.asSgx() : other.report.asTd10();
  const disagreements = [
    mine.tcbStatus !== other.status && `status ${mine.tcbStatus} vs ${other.status}`,
    mine.advisoryIds.join() !== other.advisory_ids.join() &&
      `advisories ${mine.advisoryIds.join()} vs ${other.advisory_ids.join()}`,
    (report === null || hex(mine.reportData) !== hex(report.reportData)) && "report data",
  ].filter((d) => d !== false);
  if (disagreements.length > 0) {
    throw new Error(`dcap bench: ${v.figure}: the verifiers disagree: ${disagreements.join("; ")}`);
  }
}

export async function dcapVerifyRows(quick: boolean): Promise<Row[]> {
  const vectors = [
    load("DCAP verify, SGX v3 quote", "sgx_quote", "sgx_quote_collateral.json", 1752919277),
    load("DCAP verify, TDX v4 quote", "tdx_quote", "tdx_quote_collateral.json", 1752919234),
  ];
  const perRun = quick ? 10 : 50;
  const options = { opsPerRun: perRun, minMillis: quick ? 300 : 1500 };
  const rows: Row[] = [];
  for (const v of vectors) {
    checkAgreement(v);
    const mine = await measure(
      batch(() => ours(v), perRun),
      options,
    );
    const other = await measure(
      batch(() => theirs(v), perRun),
      options,
    );
    rows.push({ figure: v.figure, unit: "verifies/s", ours: mine.rate, baselineName: BASELINE, baseline: other.rate });
    // The first quote from a platform whose certificates and CRLs were never seen: every parse again.
    const cold = await measure(
      batch(() => {
        clearParseCaches();
        ours(v);
      }, perRun),
      options,
    );
    rows.push({
      figure: `${v.figure}, cold caches`,
      unit: "verifies/s",
      ours: cold.rate,
      baselineName: BASELINE,
      baseline: other.rate,
    });
  }
  return rows;
}
