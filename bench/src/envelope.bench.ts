import { randomBytes } from "node:crypto";
import { gcm } from "@noble/ciphers/aes.js";
import { x25519 } from "@noble/curves/ed25519.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { openEnvelope, sealEnvelope, x25519Generate } from "@phala-ts/core";
import { batch, measure, type Row } from "./harness.js";

const PURPOSE = "bench";
const PURPOSE_BYTES = new TextEncoder().encode(PURPOSE);

/** The same construction (ephemeral X25519, HKDF-SHA256, AES-256-GCM with AAD) from @noble. */
function nobleSeal(recipientPublic: Uint8Array, plaintext: Uint8Array) {
  const secret = x25519.utils.randomSecretKey();
  const senderPublic = x25519.getPublicKey(secret);
  const salt = new Uint8Array([...senderPublic, ...recipientPublic]);
  const key = hkdf(sha256, x25519.getSharedSecret(secret, recipientPublic), salt, PURPOSE_BYTES, 32);
  const iv = new Uint8Array(randomBytes(12));
  return { senderPublic, iv, ciphertext: gcm(key, iv, salt).encrypt(plaintext) };
}

function nobleOpen(recipientSecret: Uint8Array, recipientPublic: Uint8Array, env: ReturnType<typeof nobleSeal>) {
  const salt = new Uint8Array([...env.senderPublic, ...recipientPublic]);
  const key = hkdf(sha256, x25519.getSharedSecret(recipientSecret, env.senderPublic), salt, PURPOSE_BYTES, 32);
  return gcm(key, env.iv, salt).decrypt(env.ciphertext);
}

export async function envelopeRows(): Promise<Row[]> {
  const plaintext = new Uint8Array(randomBytes(1024));
  const recipient = x25519Generate();
  const sealed = sealEnvelope({ recipientPublic: recipient.keypair.publicKey, purpose: PURPOSE, plaintext });
  const nobleSecret = x25519.utils.randomSecretKey();
  const noblePublic = x25519.getPublicKey(nobleSecret);
  const nobleSealed = nobleSeal(noblePublic, plaintext);
  const baselineName = "@noble/curves + hashes + ciphers";

  const oursSeal = await measure(
    batch(() => sealEnvelope({ recipientPublic: recipient.keypair.publicKey, purpose: PURPOSE, plaintext }), 500),
    { opsPerRun: 500 },
  );
  const baseSeal = await measure(
    batch(() => nobleSeal(noblePublic, plaintext), 50),
    { opsPerRun: 50 },
  );
  const oursOpen = await measure(
    batch(() => openEnvelope({ recipientSecret: recipient.keypair, envelope: sealed, purpose: PURPOSE }), 500),
    { opsPerRun: 500 },
  );
  const baseOpen = await measure(
    batch(() => nobleOpen(nobleSecret, noblePublic, nobleSealed), 50),
    { opsPerRun: 50 },
  );
  return [
    {
      figure: "envelope seal, 1 KiB (ephemeral X25519)",
      unit: "ops/s",
      ours: oursSeal.rate,
      baselineName,
      baseline: baseSeal.rate,
    },
    { figure: "envelope open, 1 KiB", unit: "ops/s", ours: oursOpen.rate, baselineName, baseline: baseOpen.rate },
  ];
}
