import type { PRuntimePublicInfo } from "@phala-ts/core";
import { type HttpReply, httpRequest } from "./httpRequest.js";
import { PherryError } from "./pherryError.js";

const DEFAULT_TIMEOUT_MS = 120_000;
const SCALE = "application/octet-stream";

/** pRuntime's public `/info`, as core defines it. */
export type PRuntimeInfo = PRuntimePublicInfo;

/**
 * A pRuntime's API: public `/info`, and the operator endpoints, which take and return SCALE. The
 * token, when the pRuntime requires one, goes in `Authorization: Bearer`.
 */
export class PRuntimeClient {
  readonly url: string;

  constructor(
    url: string,
    readonly token?: string,
    readonly timeoutMs = DEFAULT_TIMEOUT_MS,
  ) {
    this.url = url.replace(/\/+$/, "");
  }

  async info(): Promise<PRuntimeInfo> {
    const bytes = await this.#request("GET", "/info");
    let info: unknown;
    try {
      info = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      info = undefined;
    }
    if (typeof info !== "object" || info === null || typeof (info as PRuntimeInfo).initialized !== "boolean") {
      throw new PherryError("PHERRY_BAD_PRUNTIME_REPLY", `${this.url}/info is not a pRuntime's info`, {
        path: "/info",
      });
    }
    return info as PRuntimeInfo;
  }

  get(path: string): Promise<Uint8Array> {
    return this.#request("GET", `/operator/${path}`);
  }

  post(path: string, body?: Uint8Array): Promise<Uint8Array> {
    return this.#request("POST", `/operator/${path}`, body);
  }

  async #request(method: "GET" | "POST", path: string, body?: Uint8Array): Promise<Uint8Array> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers["content-type"] = SCALE;
    if (this.token !== undefined) headers.authorization = `Bearer ${this.token}`;
    let response: HttpReply;
    try {
      response = await httpRequest(`${this.url}${path}`, { method, headers, body, timeoutMs: this.timeoutMs });
    } catch (cause) {
      throw new PherryError(
        "PHERRY_PRUNTIME_UNREACHABLE",
        `pRuntime at ${this.url} did not answer ${path}`,
        { path },
        { cause },
      );
    }
    const bytes = response.body;
    if (response.status >= 200 && response.status < 300) return bytes;
    let refusal: { code?: string; message?: string; details?: unknown } = {};
    try {
      const parsed: unknown = JSON.parse(new TextDecoder().decode(bytes));
      if (typeof parsed === "object" && parsed !== null) refusal = parsed as typeof refusal;
    } catch {
      // Not pRuntime's typed JSON: report the status alone.
    }
    throw new PherryError(
      "PHERRY_PRUNTIME_REFUSED",
      `pRuntime refused ${path}: ${refusal.message ?? `HTTP ${response.status}`}`,
      { path, status: response.status, code: refusal.code, details: refusal.details },
    );
  }
}
