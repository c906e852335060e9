import { SdkError } from "../sdkError.js";

export const DEFAULT_WORKER_TIMEOUT_MS = 15_000;
/** The response header carrying the worker identity key's Ed25519 signature (pRuntime's `SIGNATURE_HEADER`). */
export const SIGNATURE_HEADER = "x-phala-signature";

export interface WorkerHttpOptions {
  /** How long one HTTP request to a worker may take (default 15 s). */
  readonly workerTimeoutMs?: number;
  /** Replaces the global `fetch` (a proxy, an instrumented client, a test double). */
  readonly fetch?: typeof fetch;
}

export interface WorkerResponse {
  readonly status: number;
  readonly body: Uint8Array;
  /** The `x-phala-signature` header, if any. */
  readonly signature: string | null;
}

/** The worker's base URL without a trailing slash. */
export function workerBase(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new SdkError("WORKER_UNREACHABLE", `not a URL: ${endpoint}`, { endpoint });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new SdkError("WORKER_UNREACHABLE", `a worker's API is http:// or https://, not ${url.protocol}`, {
      endpoint,
    });
  }
  return url.href.replace(/\/+$/, "");
}

/** One HTTP request to a worker's API; network failures become `WORKER_UNREACHABLE`. */
export async function workerRequest(
  endpoint: string,
  path: string,
  init: { readonly method: "GET" | "POST"; readonly body?: Uint8Array; readonly contentType?: string },
  options: WorkerHttpOptions = {},
): Promise<WorkerResponse> {
  const url = `${workerBase(endpoint)}${path}`;
  const timeoutMs = options.workerTimeoutMs ?? DEFAULT_WORKER_TIMEOUT_MS;
  try {
    const response = await (options.fetch ?? fetch)(url, {
      method: init.method,
      ...(init.body === undefined ? {} : { body: init.body }),
      headers: init.contentType === undefined ? {} : { "content-type": init.contentType },
      signal: AbortSignal.timeout(timeoutMs),
    });
    return {
      status: response.status,
      body: new Uint8Array(await response.arrayBuffer()),
      signature: response.headers.get(SIGNATURE_HEADER),
    };
  } catch (cause) {
    throw new SdkError(
      "WORKER_UNREACHABLE",
      `the worker at ${endpoint} did not answer ${init.method} ${path}`,
      {
        endpoint,
        path,
        timeoutMs,
      },
      { cause },
    );
  }
}
