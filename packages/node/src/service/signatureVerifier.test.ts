import type { SignatureCheck } from "@phala-ts/core";
import { devAccounts, multiSign, sr25519Ready } from "@phala-ts/core";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { SignatureVerifier } from "./signatureVerifier.js";

const verifiers: SignatureVerifier[] = [];
afterEach(async () => {
  for (const verifier of verifiers.splice(0)) await verifier.close();
});
const start = (options: ConstructorParameters<typeof SignatureVerifier>[0]) => {
  const verifier = new SignatureVerifier(options);
  verifiers.push(verifier);
  return verifier;
};

beforeAll(() => sr25519Ready());

const checkBy = (scheme: "sr25519" | "ed25519" | "ecdsa", n: number): SignatureCheck => {
  const keypair = devAccounts(scheme).Bob;
  const message = Uint8Array.of(n, n >> 8, 7);
  return { signature: multiSign(keypair, message), message, signer: keypair.accountId };
};
const tampered = (check: SignatureCheck): SignatureCheck => ({ ...check, message: Uint8Array.of(0xff, 0xff, 0xff) });

describe("SignatureVerifier", () => {
  it("answers each check in order, on a thread as inline", async () => {
    const checks = [
      checkBy("sr25519", 1),
      tampered(checkBy("sr25519", 2)),
      checkBy("ed25519", 3),
      tampered(checkBy("ed25519", 4)),
      checkBy("ecdsa", 5),
      tampered(checkBy("ecdsa", 6)),
      { ...checkBy("ed25519", 7), signer: new Uint8Array(31) },
    ];
    const expected = [true, false, true, false, true, false, false];
    for (const threads of [0, 1, 2]) {
      const verifier = start({ threads });
      expect(verifier.threads).toBe(threads);
      expect(await verifier.verify(checks)).toEqual(expected);
      // Requests of one turn share batches and still get their own answers.
      const answers = await Promise.all(checks.map((check) => verifier.verify([check])));
      expect(answers.flat()).toEqual(expected);
    }
  });

  it("verifies an urgent request before the ones already waiting", async () => {
    const verifier = start({ threads: 1 });
    const settled: string[] = [];
    const normal = Array.from({ length: 200 }, (_, i) =>
      verifier.verify([checkBy("sr25519", i), checkBy("sr25519", i + 1000)]).then(() => settled.push(`normal ${i}`)),
    );
    // The thread now holds its two batches (requests 0 to 127); the rest wait here.
    await new Promise((resolve) => setImmediate(resolve));
    const urgent = verifier.verify([checkBy("ed25519", 1)], { urgent: true }).then((valid) => {
      settled.push("urgent");
      return valid;
    });
    expect(await urgent).toEqual([true]);
    await Promise.all(normal);
    expect(settled.indexOf("urgent")).toBeGreaterThan(settled.indexOf("normal 127"));
    expect(settled.indexOf("urgent")).toBeLessThan(settled.indexOf("normal 128"));
  });

  it("verifies inline what a dying thread held, and replaces a thread that had worked", async () => {
    // Answers its first batch (every check valid, whatever it is), then dies on the next one.
    const flaky = new URL(
      `data:text/javascript,${encodeURIComponent(
        'import { parentPort } from "node:worker_threads"; let n = 0; parentPort.on("message", ({ id }) => { if (n++ > 0) process.exit(3); parentPort.postMessage({ id, valid: Uint8Array.of(1) }); });',
      )}`,
    );
    const lost: unknown[] = [];
    const verifier = start({ threads: 1, threadScript: flaky, onThreadLost: (e) => lost.push(e) });
    expect(await verifier.verify([checkBy("ed25519", 1)])).toEqual([true]);
    expect(await verifier.verify([checkBy("sr25519", 2), tampered(checkBy("ed25519", 3))])).toEqual([true, false]);
    expect(lost).toHaveLength(1);
    expect(String(lost[0])).toContain("code 3");
    expect(verifier.threads).toBe(1);
  });

  it("does not replace a thread that died before answering, and verifies inline instead", async () => {
    const broken = new URL(`data:text/javascript,${encodeURIComponent('throw new Error("cannot start");')}`);
    const lost: unknown[] = [];
    const verifier = start({ threads: 1, threadScript: broken, onThreadLost: (e) => lost.push(e) });
    expect(await verifier.verify([checkBy("sr25519", 1), tampered(checkBy("sr25519", 2))])).toEqual([true, false]);
    expect(String(lost[0])).toContain("cannot start");
    expect(verifier.threads).toBe(0);
    expect(await verifier.verify([checkBy("ed25519", 3)])).toEqual([true]);
    expect(lost).toHaveLength(1);
  });

  it("after close, verifies inline", async () => {
    const verifier = start({ threads: 1 });
    const pending = verifier.verify([checkBy("sr25519", 1)]);
    await verifier.close();
    expect(await pending).toEqual([true]);
    expect(verifier.threads).toBe(0);
    expect(await verifier.verify([tampered(checkBy("sr25519", 2))])).toEqual([false]);
  });
});
