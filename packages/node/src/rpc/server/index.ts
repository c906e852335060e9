export type { CorsOrigins } from "./cors.js";
export { DEFAULT_HEALTH, type HealthProvider, type RpcHealth } from "./httpTransport.js";
export { DEFAULT_RPC_LIMITS, type RpcLimits, RpcLimitsError } from "./limits.js";
export { type ParamsSpec, ParamsSpecError, type ParamsValidator } from "./paramsSpec.js";
export { RawJson } from "./rawJson.js";
export {
  type MethodContext,
  type MethodHandler,
  type MethodRegistry,
  type RegisterOptions,
  RpcRegistryError,
  type RpcTransport,
  type StopSubscription,
  type SubscriptionDefinition,
  type SubscriptionRegistry,
  type SubscriptionSink,
} from "./registry.js";
export {
  isRpcError,
  JsonRpcErrorCode,
  RpcError,
  type RpcErrorObject,
  RpcLimitErrorCode,
  SubstrateErrorCode,
  toRpcError,
} from "./rpcError.js";
export {
  createRpcServer,
  DEFAULT_RPC_PORT,
  type RpcServer,
  RpcServerError,
  type RpcServerOptions,
} from "./rpcServer.js";
