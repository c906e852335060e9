/**
 * What a pRuntime's `GET /info` answers (JSON, signed by its identity key in `x-phala-signature`):
 * public facts only, never key material. Hex strings are `0x`-prefixed; u64 values are decimal strings.
 */
export interface PRuntimePublicInfo {
  readonly version: string;
  readonly role: "worker";
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
}
