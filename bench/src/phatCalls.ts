import { type PublicKeys, sealContractCommand } from "@phala-ts/core";
import { createPhalaRuntime } from "@phala-ts/node";

/** The chain's runtime, for encoding calls (both bench networks run this one). */
export const runtime: ReturnType<typeof createPhalaRuntime> = createPhalaRuntime();
export type RuntimeCall = Parameters<typeof runtime.encodeCall>[0];

export const phatCall = (type: string, value: unknown): RuntimeCall =>
  ({ type: "PhalaPhatContracts", value: { type, value } }) as RuntimeCall;

/** `PhalaPhatContracts.push_command`, encoded, with `input` sealed to the contract's ECDH key. */
export function pushCommandCall(
  contract: { readonly id: Uint8Array; readonly keys: PublicKeys },
  input: unknown,
  gasLimit: bigint,
  deposit: bigint,
): Uint8Array {
  return runtime.encodeCall(
    phatCall("pushCommand", {
      contractId: contract.id,
      payload: sealContractCommand("command", contract.keys.ecdhPubkey, input).envelope,
      gasLimit,
      deposit,
    }),
  );
}
