import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  decodeExact,
  ed25519Verify,
  fromHex,
  IMMORTAL_ERA,
  type Keypair,
  keypairFromUri,
  signExtrinsic,
  sr25519Verify,
  storageKey,
  toHex,
} from "@phala-ts/core";
import { AccountInfoType, addressOf, createPhalaRuntime, devSpec, PHA, specToJson } from "@phala-ts/node";
import { batch, measure, type Row } from "./harness.js";
import { startNode } from "./nodeProcess.js";
import { Rpc, submitAll } from "./rpc.js";

const runtime = createPhalaRuntime();

/** Submits `perAccount` transfers from each account over `connections` sockets; finalized tx/s. */
async function finalizedTransfersPerSecond(
  scheme: "ed25519" | "sr25519",
  accounts: number,
  perAccount: number,
  connections: number,
) {
  const keys: Keypair[] = Array.from({ length: accounts }, (_, i) => keypairFromUri(`//bench//${i}`, scheme));
  const spec = devSpec();
  const specWithAccounts = {
    ...spec,
    genesis: {
      ...spec.genesis,
      balances: [...spec.genesis.balances, ...keys.map((k) => [k.accountId, 1_000_000n * PHA] as const)],
    },
  };
  const dir = mkdtempSync(join(tmpdir(), "phala-bench-"));
  const specPath = join(dir, "spec.json");
  writeFileSync(specPath, JSON.stringify(specToJson(specWithAccounts)));
  const node = await startNode(specPath, join(dir, "db"));
  const clients = await Promise.all(Array.from({ length: connections }, () => Rpc.open(node.url)));
  try {
    const genesisHash = fromHex(await clients[0]!.call<string>("chain_getBlockHash", [0]));
    const additional = { specVersion: 1, transactionVersion: 1, genesisHash, birthHash: genesisHash };
    const call = runtime.encodeCall({
      type: "Balances",
      value: {
        type: "transferKeepAlive",
        value: { dest: addressOf(keypairFromUri("//Ferdie").accountId), value: PHA },
      },
    });
    const extrinsics: string[][] = keys.map((key) =>
      Array.from({ length: perAccount }, (_, nonce) =>
        toHex(signExtrinsic(key, call, { era: IMMORTAL_ERA, nonce, tip: 0n }, additional)),
      ),
    );
    const total = accounts * perAccount;
    const started = performance.now();
    await submitAll(clients, extrinsics);
    const lastKey = toHex(storageKey("System", "Account", ["Blake2_128Concat", keys.at(-1)!.accountId]));
    const firstKey = toHex(storageKey("System", "Account", ["Blake2_128Concat", keys[0]!.accountId]));
    for (;;) {
      const head = await clients[0]!.call<string>("chain_getFinalizedHead");
      const nonces = await Promise.all(
        [firstKey, lastKey].map(async (key) => {
          const raw = await clients[0]!.call<string>("state_getStorage", [key, head]);
          return decodeExact(AccountInfoType.codec.dec, fromHex(raw), "AccountInfo").nonce;
        }),
      );
      if (nonces.every((n) => n === perAccount)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const seconds = (performance.now() - started) / 1000;
    return total / seconds;
  } finally {
    for (const client of clients) client.close();
    await node.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function nodeThroughputRows(quick: boolean): Promise<Row[]> {
  const accounts = 100;
  const perAccount = quick ? 40 : 150;
  const ed = await finalizedTransfersPerSecond("ed25519", accounts, perAccount, 4);
  const sr = await finalizedTransfersPerSecond("sr25519", accounts, quick ? 10 : 40, 4);

  // The pool verifies each transfer's signature once; the producer trusts what its pool verified.
  const edKey = keypairFromUri("//Alice", "ed25519");
  const srKey = keypairFromUri("//Alice", "sr25519");
  const message = new Uint8Array(150);
  const edSig = edKey.sign(message);
  const srSig = srKey.sign(message);
  const edVerify = await measure(
    batch(() => ed25519Verify(edSig, message, edKey.publicKey), 500),
    { opsPerRun: 500 },
  );
  const srVerify = await measure(
    batch(() => sr25519Verify(srSig, message, srKey.publicKey), 50),
    { opsPerRun: 50 },
  );
  const edShare = ed / edVerify.rate;
  const srShare = sr / srVerify.rate;
  const figure = "node: finalized transfers/s (submit → finalized, 4 connections)";
  return [
    {
      figure: `${figure}, Ed25519; ~${Math.round(edShare * 100)}% of a core verifies`,
      unit: "tx/s",
      ours: ed,
      baselineName: "goal (issue 3)",
      baseline: 3000,
    },
    {
      figure: `${figure}, Sr25519; ~${Math.round(srShare * 100)}% of a core verifies`,
      unit: "tx/s",
      ours: sr,
      baselineName: "Sr25519 verify rate (1 core)",
      baseline: srVerify.rate,
    },
  ];
}
