import {
  decodeExact,
  devAccounts,
  fromHex,
  IMMORTAL_ERA,
  type Keypair,
  signExtrinsic,
  storageKey,
  toHex,
} from "@phala-ts/core";
import { u128 } from "@polkadot-api/substrate-bindings";
import { createPhalaRuntime } from "../../packages/node/src/pallets/phalaRuntime.js";
import { type AccountInfo, AccountInfoType, EMPTY_ACCOUNT } from "../../packages/node/src/pallets/system.js";
import { addressOf } from "../../packages/node/src/runtime/multiAddress.js";
import type { RuntimeCall } from "../../packages/node/src/runtime/runtime.js";
import type { RpcClient } from "./rpcClient.test-util.js";

export const runtime = createPhalaRuntime();

export interface ChainInfo {
  readonly genesisHash: Uint8Array;
}

export async function chainInfo(rpc: RpcClient): Promise<ChainInfo> {
  return { genesisHash: fromHex(await rpc.call<string>("chain_getBlockHash", [0])) };
}

export function transferCall(to: Uint8Array, value: bigint): Uint8Array {
  return runtime.encodeCall({
    type: "Balances",
    value: { type: "transferKeepAlive", value: { dest: addressOf(to), value } },
  });
}

export function signed(
  from: Keypair,
  call: Uint8Array,
  nonce: number,
  chain: ChainInfo,
  overrides: { genesisHash?: Uint8Array; specVersion?: number } = {},
): Uint8Array {
  const genesisHash = overrides.genesisHash ?? chain.genesisHash;
  return signExtrinsic(
    from,
    call,
    { era: IMMORTAL_ERA, nonce, tip: 0n },
    { specVersion: overrides.specVersion ?? 1, transactionVersion: 1, genesisHash, birthHash: genesisHash },
  );
}

export async function account(rpc: RpcClient, who: Uint8Array, at?: string): Promise<AccountInfo> {
  const raw = await rpc.call<string | null>("state_getStorage", [
    toHex(storageKey("System", "Account", ["Blake2_128Concat", who])),
    at,
  ]);
  return raw === null ? EMPTY_ACCOUNT : decodeExact(AccountInfoType.codec.dec, fromHex(raw), "AccountInfo");
}

export async function totalIssuance(rpc: RpcClient, at?: string): Promise<bigint> {
  const raw = await rpc.call<string>("state_getStorage", [toHex(storageKey("Balances", "TotalIssuance")), at]);
  return decodeExact(u128.dec, fromHex(raw), "TotalIssuance");
}

export async function until<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Signs `call` by `from` at its next nonce (pool included) and submits it; resolves with the extrinsic hash. */
export async function submitCall(rpc: RpcClient, from: Keypair, call: RuntimeCall): Promise<string> {
  const nonce = await rpc.call<number>("system_accountNextIndex", [toHex(from.accountId)]);
  const xt = signed(from, runtime.encodeCall(call), nonce, await chainInfo(rpc));
  return rpc.call<string>("author_submitExtrinsic", [toHex(xt)]);
}

/** `call` wrapped in `Sudo.sudo`, submitted by the dev chain's sudo key (//Alice). */
export function sudoCall(rpc: RpcClient, call: RuntimeCall): Promise<string> {
  return submitCall(rpc, devAccounts("sr25519").Alice, { type: "Sudo", value: { type: "sudo", value: { call } } });
}
