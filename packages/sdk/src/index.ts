// The client library of Phala-TS: a node's JSON-RPC client, accounts and key files, transactions,
// balances, events, the network's registries, worker verification and confidential contracts.
// It talks to the node and to pRuntimes over their public wire APIs only.
export type { Account, AccountSecret, NewAccount } from "./accounts/account.js";
export {
  accountFromMnemonic,
  accountFromSecret,
  accountFromSeed,
  accountFromUri,
  accountOf,
  createAccount,
  devAccount,
} from "./accounts/account.js";
export type { AddressLike } from "./accounts/address.js";
export { accountIdOf, DEFAULT_SS58_PREFIX, sameAccount, toAccountHex, toAddress } from "./accounts/address.js";
export type { KeyFileJson, LoadKeyFileOptions } from "./accounts/keyFile.js";
export { loadKeyFile, saveKeyFile } from "./accounts/keyFile.js";
export type { BlockRef, ChainContext, RuntimeVersion } from "./chain/chainContext.js";
export type { ChainEvent, EventPhase } from "./chain/chainEvents.js";
export { decodeEvents, eventsOfExtrinsic } from "./chain/chainEvents.js";
export type { CallCodec, StorageEntryCodec } from "./chain/chainMetadata.js";
export { ChainMetadata } from "./chain/chainMetadata.js";
export type { DispatchErrorInfo } from "./chain/dispatchError.js";
export { describeDispatchError } from "./chain/dispatchError.js";
export type { FinalizedBlock, FollowOptions, Unsubscribe } from "./chain/finalizedBlocks.js";
export { followFinalized } from "./chain/finalizedBlocks.js";
export type { CommandOptions } from "./contracts/command.js";
export { ContractHandle } from "./contracts/contractHandle.js";
export type {
  AnswerOf,
  AnyContract,
  ArgsOf,
  CommandOf,
  CommandOutcome,
  CommandReceipt,
  ContractDefinitionLike,
  ContractFailure,
  QueryOutcome,
  RequestOf,
  ResultOf,
} from "./contracts/contractTypes.js";
export type { DeployedContract, DeployOptions } from "./contracts/deploy.js";
export type { QueryClientOptions } from "./contracts/queryClient.js";
export { QueryClient } from "./contracts/queryClient.js";
export type { ClusterRef } from "./network/ids.js";
export type { ClusterPermission, ClusterView, ContractView, PublicKeysHex } from "./network/phatContracts.js";
export type { AttestationKind, GatekeeperSet, ReadOptions, WorkerInfo } from "./network/registry.js";
export type { Balance, ConnectOptions } from "./phalaClient.js";
export { connect, PhalaClient } from "./phalaClient.js";
export type { RpcSocketOptions, RpcSubscription, SubscriptionHandlers } from "./rpc/rpcSocket.js";
export { RpcSocket } from "./rpc/rpcSocket.js";
export type { SdkErrorCode, WorkerRefusalCode } from "./sdkError.js";
export { isSdkError, SdkError } from "./sdkError.js";
export type { SubmitOptions, TxResult } from "./tx/submitExtrinsic.js";
export { DEFAULT_MORTALITY } from "./tx/submitExtrinsic.js";
export type { TxStatus, TxStatusEvent } from "./tx/txStatus.js";
export type { VerifiedWorker } from "./worker/verifyWorker.js";
export { verifyWorker } from "./worker/verifyWorker.js";
export type { WorkerHttpOptions } from "./worker/workerHttp.js";
