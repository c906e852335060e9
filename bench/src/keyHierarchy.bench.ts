import { randomBytes } from "node:crypto";
import {
  CLUSTER_EVENT_TOPIC,
  clusterEventCodec,
  clusterIdFromIndex,
  encodeEnvelope,
  GATEKEEPER_EVENT_TOPIC,
  gatekeeperEventCodec,
  gatekeeperListCodec,
  KEY_HIERARCHY_STORAGE,
  MASTER_KEY_PURPOSE,
  type Message,
  masterPubkeyCodec,
  publicKeysFromSeed,
  sealDeterministicEnvelope,
  sealEnvelope,
  signMessage,
  toHex,
  utf8,
  x25519Generate,
} from "@phala-ts/core";
import { EgressQueue, EnclaveKeys, KeyHierarchyHandler } from "@phala-ts/pruntime";
import { u64 } from "@polkadot-api/substrate-bindings";
import { batch, measure, type Row } from "./harness.js";

const WORKERS = 100;

/** A gatekeeper holding a master key, in a chain state that lists it, ready to serve a new cluster. */
function launchedGatekeeper() {
  const keys = EnclaveKeys.generate();
  const handler = new KeyHierarchyHandler(keys);
  const seed = new Uint8Array(randomBytes(32));
  const entries = new Map([
    [toHex(KEY_HIERARCHY_STORAGE.gatekeepers), gatekeeperListCodec.enc([keys.identity.publicKey])],
    [toHex(KEY_HIERARCHY_STORAGE.masterPubkey), masterPubkeyCodec.enc(publicKeysFromSeed(seed).pubkey)],
  ]);
  const state = { get: (key: Uint8Array) => entries.get(toHex(key)) };
  const block = { number: 1, hash: new Uint8Array(32), timestamp: 0n, state, egress: new EgressQueue() };
  const envelope = sealEnvelope({ recipientPublic: keys.ecdh.publicKey, purpose: MASTER_KEY_PURPOSE, plaintext: seed });
  const launched: Message = {
    sender: { type: "Pallet", value: utf8("PhalaRegistry") },
    destination: GATEKEEPER_EVENT_TOPIC,
    payload: gatekeeperEventCodec.enc({
      type: "MasterKeyLaunched",
      value: {
        gatekeeper: keys.identity.publicKey,
        masterPubkey: publicKeysFromSeed(seed).pubkey,
        share: { recipient: keys.identity.publicKey, envelope: encodeEnvelope(envelope) },
      },
    }),
  };
  handler.handle(launched, block);
  return { handler, block, state };
}

const workers = Array.from({ length: WORKERS }, () => {
  const ecdh = x25519Generate().keypair.publicKey;
  return { pubkey: new Uint8Array(randomBytes(32)), ecdhPubkey: ecdh };
});

export async function keyHierarchyRows(): Promise<Row[]> {
  const recipient = x25519Generate().keypair.publicKey;
  const secret = new Uint8Array(randomBytes(32));
  const plaintext = new Uint8Array(randomBytes(32));
  let counter = 0n;
  const deterministic = await measure(
    batch(
      () =>
        sealDeterministicEnvelope({
          derivationSecret: secret,
          context: [u64.enc(counter++)],
          recipientPublic: recipient,
          purpose: MASTER_KEY_PURPOSE,
          plaintext,
        }),
      500,
    ),
    { opsPerRun: 500 },
  );
  const random = await measure(
    batch(() => sealEnvelope({ recipientPublic: recipient, purpose: MASTER_KEY_PURPOSE, plaintext }), 500),
    { opsPerRun: 500 },
  );

  // A new cluster of WORKERS: one message with its public keys, one key share per worker.
  let clusterIndex = 0n;
  const gatekeeper = await measure(
    () => {
      const { handler, block, state } = launchedGatekeeper();
      const cluster = clusterIdFromIndex(clusterIndex++);
      handler.handle(
        {
          sender: { type: "Pallet", value: utf8("PhalaPhatContracts") },
          destination: CLUSTER_EVENT_TOPIC,
          payload: clusterEventCodec.enc({ type: "ClusterCreated", value: { cluster, masterRotationId: 0n, workers } }),
        },
        block,
      );
      if (handler.pending(state).length !== WORKERS + 1) throw new Error("the gatekeeper did not serve the cluster");
    },
    { opsPerRun: WORKERS + 1 },
  );
  const keys = EnclaveKeys.generate();
  const plain = await measure(
    () => {
      for (const worker of workers) {
        const envelope = sealEnvelope({ recipientPublic: worker.ecdhPubkey, purpose: "bench", plaintext });
        signMessage(
          keys.identity,
          {
            sender: { type: "Gatekeeper", value: undefined },
            destination: utf8("bench"),
            payload: encodeEnvelope(envelope),
          },
          0n,
        );
      }
    },
    { opsPerRun: WORKERS },
  );
  return [
    {
      figure: "deterministic envelope seal, 32 B (derived ephemeral key and IV)",
      unit: "ops/s",
      ours: deterministic.rate,
      baselineName: "sealEnvelope, random ephemeral key and IV",
      baseline: random.rate,
    },
    {
      figure: `gatekeeper serves a new ${WORKERS}-worker cluster (keys + shares, signed)`,
      unit: "messages/s",
      ours: gatekeeper.rate,
      baselineName: "random-ephemeral seal + sign per share, no derivation",
      baseline: plain.rate,
    },
  ];
}
