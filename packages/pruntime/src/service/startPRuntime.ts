import type { Logger } from "pino";
import { type ApiServer, startApiServer } from "../api/apiServer.js";
import type { EnclavePlatform } from "../platform/enclavePlatform.js";
import { PRuntime, type PRuntimeOptions } from "../pruntime.js";

export interface StartPRuntimeOptions {
  readonly platform: EnclavePlatform;
  readonly host: string;
  readonly port: number;
  readonly operatorToken?: string | undefined;
  readonly bodyLimit?: number | undefined;
  readonly queryTimeoutMs?: number | undefined;
  readonly queryRatePerSecond?: number | undefined;
  readonly queryBodyLimit?: number | undefined;
  readonly checkpointEvery?: number | undefined;
  readonly setup?: PRuntimeOptions["setup"];
  readonly logger: Logger;
}

export interface RunningPRuntime {
  readonly runtime: PRuntime;
  readonly api: ApiServer;
  /** Stops answering, then seals a final checkpoint. */
  stop(): Promise<void>;
}

/** Opens the enclave state (resuming from a checkpoint) and serves the HTTP API. */
export async function startPRuntime(options: StartPRuntimeOptions): Promise<RunningPRuntime> {
  const { logger } = options;
  const runtime = await PRuntime.open({
    platform: options.platform,
    logger,
    checkpointEvery: options.checkpointEvery,
    setup: options.setup,
    queryTimeoutMs: options.queryTimeoutMs,
    queryRatePerSecond: options.queryRatePerSecond,
  });
  const api = await startApiServer(runtime, {
    host: options.host,
    port: options.port,
    operatorToken: options.operatorToken,
    bodyLimit: options.bodyLimit,
    queryBodyLimit: options.queryBodyLimit,
    logger,
  });
  const info = runtime.info();
  logger.info(
    {
      url: api.url,
      platform: info.platform,
      measurement: info.measurement,
      identity: info.identityPublicKey,
      dispatchedHeight: info.dispatchedHeight,
      operatorAccess: options.operatorToken === undefined ? "loopback" : "token",
    },
    `pRuntime API listening on ${api.url}`,
  );
  return {
    runtime,
    api,
    async stop() {
      await api.close();
      await runtime.close();
    },
  };
}
