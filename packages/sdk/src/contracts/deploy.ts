import { randomBytes } from "node:crypto";
import { blake2_256, contractId, fromHex, type Keypair, sealContractCommand, toHex, utf8 } from "@phala-ts/core";
import { type ClusterRef, clusterIdOf } from "../network/ids.js";
import { type PublicKeysHex, readCluster, readContract } from "../network/phatContracts.js";
import { isSdkError, SdkError } from "../sdkError.js";
import { type CommandClient, type CommandOptions, depositFor, gasOf, txOptionsOf } from "./command.js";
import { awaitCommandReply, pushedIndex } from "./commandReply.js";
import type { CommandOutcome } from "./contractTypes.js";

/** A deploy's options; no `nonce`, since it may submit two transactions. */
export interface DeployOptions<Args = unknown> extends Omit<CommandOptions, "nonce"> {
  /** The bundled contract (`phala contract build`): its JavaScript, or its bytes. */
  readonly code: string | Uint8Array;
  /** The cluster to run it: its id or its index (0, 1, …). */
  readonly cluster: ClusterRef;
  /** The init arguments (JSON), sealed to the cluster's key. */
  readonly args?: Args;
  /** Makes the contract id unique; 16 random bytes by default (text is UTF-8). */
  readonly salt?: string | Uint8Array;
}

export interface DeployedContract {
  /** blake2-256(deployer ++ code hash ++ cluster ++ salt), 0x-hex. */
  readonly id: string;
  readonly codeHash: string;
  readonly cluster: string;
  readonly salt: string;
  /** The keys its cluster derived and published. */
  readonly keys: PublicKeysHex;
  /** Its init (command 0): `ok` is always true here. */
  readonly init: CommandOutcome;
}

/**
 * Uploads `code` (unless the chain has it), instantiates it in `cluster` with `args` sealed to the
 * cluster's ECDH key, and resolves once the cluster has published the contract's keys and its init
 * reply came (decrypted). A failed init rejects with `CONTRACT_INIT_FAILED`.
 */
export async function deployContract(
  client: CommandClient,
  signer: Keypair,
  options: DeployOptions,
): Promise<DeployedContract> {
  const code = typeof options.code === "string" ? utf8(options.code) : options.code;
  const codeHash = toHex(blake2_256(code));
  const cluster = clusterIdOf(options.cluster);
  const gasLimit = gasOf(options.gasLimit);
  const salt =
    options.salt === undefined
      ? new Uint8Array(randomBytes(16))
      : typeof options.salt === "string"
        ? utf8(options.salt)
        : options.salt;
  const clusterView = await readCluster(client, cluster);
  if (clusterView === undefined) {
    throw new SdkError("CLUSTER_NOT_READY", `the chain has no cluster ${cluster}`, { cluster, reason: "not found" });
  }
  if (clusterView.keys === undefined) {
    throw new SdkError("CLUSTER_NOT_READY", `the gatekeepers have not published the keys of cluster ${cluster} yet`, {
      cluster,
      reason: "no keys",
    });
  }
  const id = toHex(contractId(signer.accountId, fromHex(codeHash), fromHex(cluster), salt));
  if ((await readContract(client, id)) !== undefined) {
    throw new SdkError("ARGS_INVALID", `the contract ${id} exists already: deploy with another salt`, { contract: id });
  }
  const txOptions = txOptionsOf(options);
  // Both are handed to the pool one after the other (consecutive nonces), so the upload lands first.
  const uploaded =
    (await client.rpc.request<number | null>("state_getStorageSize", [
      client.metadata.storageKey("PhalaPhatContracts", "Code", codeHash),
    ])) === null
      ? client.submit(signer, "PhalaPhatContracts", "upload_code", { code }, txOptions).catch((error: unknown) => {
          if (isSdkError(error, "TX_FAILED") && error.details.error === "PhalaPhatContracts.CodeAlreadyUploaded")
            return;
          throw error;
        })
      : Promise.resolve();
  const sealed = sealContractCommand("init", fromHex(clusterView.keys.ecdhPubkey), options.args);
  const instantiated = client.submit(
    signer,
    "PhalaPhatContracts",
    "instantiate",
    {
      code_hash: codeHash,
      cluster,
      args: sealed.envelope,
      salt,
      gas_limit: gasLimit,
      deposit: options.deposit ?? depositFor(client, gasLimit),
    },
    txOptions,
  );
  // An upload that failed explains the instantiation's failure better than CodeNotFound does.
  const [upload, instantiate] = await Promise.allSettled([uploaded, instantiated]);
  if (upload.status === "rejected") throw upload.reason;
  if (instantiate.status === "rejected") throw instantiate.reason;
  const pushed = instantiate.value;
  const index = pushedIndex(pushed, id, signer.accountId);
  const init = await awaitCommandReply(client, pushed, id, index, signer.accountId, sealed, options.replyTimeoutMs);
  if (!init.ok) {
    throw new SdkError(
      "CONTRACT_INIT_FAILED",
      `the contract's init failed: ${init.error.code}: ${init.error.message}`,
      {
        contract: id,
        error: init.error,
        gasUsed: String(init.gasUsed),
      },
    );
  }
  const keys = (await readContract(client, id))?.keys;
  if (keys === undefined) {
    throw new SdkError("CONTRACT_NOT_READY", `the chain has no keys for ${id}`, { contract: id, reason: "no keys" });
  }
  return { id, codeHash, cluster, salt: toHex(salt), keys, init };
}
