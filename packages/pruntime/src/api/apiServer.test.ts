import {
  decodeOperatorBody,
  ed25519Verify,
  fromHex,
  initRequestCodec,
  runtimeInfoResponseCodec,
  syncHeaderRequestCodec,
  syncStatusCodec,
} from "@phala-ts/core";
import { afterEach, describe, expect, it } from "vitest";
import { errorCodeOf } from "../../../core/src/testing/errorCode.test-util.js";
import { PRuntime } from "../pruntime.js";
import { memoryPlatform } from "../testing/memoryPlatform.test-util.js";
import { TestChain } from "../testing/testChain.test-util.js";
import { type ApiServer, startApiServer } from "./apiServer.js";
import { checkOperator } from "./operatorGuard.js";
import { SIGNATURE_HEADER } from "./signedJson.js";

const servers: ApiServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function serve(options: { operatorToken?: string; bodyLimit?: number } = {}) {
  const runtime = await PRuntime.open({ platform: memoryPlatform() });
  const server = await startApiServer(runtime, { host: "127.0.0.1", port: 0, ...options });
  servers.push(server);
  return { runtime, url: server.url };
}

const scale = (body: Uint8Array, headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  body,
  headers: { "content-type": "application/octet-stream", ...headers },
});

async function errorOf(response: Response) {
  return [response.status, ((await response.json()) as { code: string }).code];
}

describe("pRuntime HTTP API", () => {
  it("serves /info as JSON signed by the identity key over the exact body", async () => {
    const { runtime, url } = await serve();
    const response = await fetch(`${url}/info`);
    const body = new Uint8Array(await response.arrayBuffer());
    const signature = fromHex(response.headers.get(SIGNATURE_HEADER)!);
    expect(ed25519Verify(signature, body, runtime.keys.identity.publicKey)).toBe(true);
    const tampered = body.slice();
    tampered[5] = tampered[5]! ^ 1;
    expect(ed25519Verify(signature, tampered, runtime.keys.identity.publicKey)).toBe(false);
    expect(JSON.parse(new TextDecoder().decode(body))).toMatchObject({ platform: "sim", initialized: false });
  });

  it("runs init, sync-header and dispatch-blocks on SCALE bodies", async () => {
    const { url } = await serve();
    const chain = new TestChain();
    chain.produce();
    chain.produce();
    const init = await fetch(`${url}/operator/init`, scale(initRequestCodec.enc(chain.initRequest())));
    expect(init.status).toBe(200);
    const registration = decodeOperatorBody(
      runtimeInfoResponseCodec,
      new Uint8Array(await init.arrayBuffer()),
      "reply",
    );
    expect(registration.info.length).toBeGreaterThan(0);
    const synced = await fetch(
      `${url}/operator/sync-header`,
      scale(syncHeaderRequestCodec.enc(chain.syncRequest(1, 2))),
    );
    expect(decodeOperatorBody(syncStatusCodec, new Uint8Array(await synced.arrayBuffer()), "reply")).toEqual({
      syncedHeight: 2,
      dispatchedHeight: 0,
    });
    const checkpoint = await fetch(`${url}/operator/checkpoint`, { method: "POST" });
    expect(checkpoint.status).toBe(200);
  });

  it("answers bad requests with typed JSON errors", async () => {
    const { url } = await serve({ bodyLimit: 1024 });
    expect(await errorOf(await fetch(`${url}/nowhere`))).toEqual([404, "API_NOT_FOUND"]);
    expect(await errorOf(await fetch(`${url}/operator/sync-header`, scale(new Uint8Array(2048))))).toEqual([
      413,
      "API_BODY_TOO_LARGE",
    ]);
    const json = await fetch(`${url}/operator/sync-header`, {
      method: "POST",
      body: "{}",
      headers: { "content-type": "application/json" },
    });
    expect(await errorOf(json)).toEqual([415, "API_UNSUPPORTED_MEDIA_TYPE"]);
    expect(await errorOf(await fetch(`${url}/operator/sync-header`, scale(Uint8Array.of(9))))).toEqual([
      400,
      "SCALE_TRUNCATED",
    ]);
    expect(await errorOf(await fetch(`${url}/operator/runtime-info`))).toEqual([400, "LIGHT_CLIENT_NOT_INITIALIZED"]);
  });

  it("requires the operator token when one is configured, even on loopback", async () => {
    const { url } = await serve({ operatorToken: "s3cret" });
    expect(await errorOf(await fetch(`${url}/operator/egress`))).toEqual([403, "API_FORBIDDEN"]);
    const wrong = await fetch(`${url}/operator/egress`, { headers: { authorization: "Bearer s3cres" } });
    expect(await errorOf(wrong)).toEqual([403, "API_FORBIDDEN"]);
    const right = await fetch(`${url}/operator/egress`, { headers: { authorization: "Bearer s3cret" } });
    expect(right.status).toBe(200);
    expect((await fetch(`${url}/info`)).status).toBe(200);
  });

  it("without a token, admits operators only from loopback", () => {
    expect(errorCodeOf(() => checkOperator(undefined, "127.0.0.1"))).toBeUndefined();
    expect(errorCodeOf(() => checkOperator(undefined, "::1"))).toBeUndefined();
    expect(errorCodeOf(() => checkOperator(undefined, "10.0.0.5"))).toBe("API_FORBIDDEN");
    expect(errorCodeOf(() => checkOperator(undefined, undefined))).toBe("API_FORBIDDEN");
    expect(errorCodeOf(() => checkOperator("t", "10.0.0.5", "Bearer t"))).toBeUndefined();
  });
});
