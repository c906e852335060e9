/**
 * What a pRuntime's `GET /info` answers (JSON, signed by its identity key in `x-phala-signature`):
 * public facts only, never key material. Hex strings are `0x`-prefixed; u64 values are decimal strings.
 */
export interface PRuntimePublicInfo {
  readonly version: string;
  /** "gatekeeper" while the chain (at `dispatchedHeight`) lists this worker as a gatekeeper. */
  readonly role: "worker" | "gatekeeper";
  readonly platform: "sim" | "gramine";
  readonly measurement: string;
  readonly identityPublicKey: string;
  readonly ecdhPublicKey: string;
  readonly initialized: boolean;
  readonly genesisHash: string | null;
  readonly syncedHeight: number;
  readonly dispatchedHeight: number;
  readonly stateRoot: string | null;
  readonly authoritySetId: string | null;
  readonly messages: { readonly count: string; readonly digest: string };
  readonly egressPending: number;
  readonly gatekeeper: GatekeeperKeyStatus;
  /** The clusters whose key this worker holds, with the public keys derived from it. */
  readonly clusters: readonly ClusterKeyStatus[];
  /** The contracts this worker runs (all public on chain): how far each got here. */
  readonly contracts: readonly ContractRunStatus[];
}

export interface ContractRunStatus {
  readonly contract: string;
  readonly cluster: string;
  /** Commands run here (init included), decimal. */
  readonly executed: string;
  /** Commands received and waiting for the cluster key. */
  readonly waiting: number;
  /** Why this worker no longer runs the contract; null while it does. */
  readonly unavailable: string | null;
}

/** A gatekeeper's master key as it may be shown: whether it holds one, which, and its public key. */
export interface GatekeeperKeyStatus {
  readonly masterKey: "none" | "holding";
  /** The rotation id of the key it holds (0 is the launch), decimal; null without a key. */
  readonly rotationId: string | null;
  readonly masterPubkey: string | null;
  /** How many master keys it keeps (the current one and every earlier one). */
  readonly historyLength: number;
}

export interface ClusterKeyStatus {
  readonly cluster: string;
  readonly pubkey: string;
  readonly ecdhPubkey: string;
  /** Contracts instantiated in the cluster: this worker derives their keys from the cluster key. */
  readonly contracts: number;
}
