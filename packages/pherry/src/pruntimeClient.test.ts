import { describe, expect, it } from "vitest";
import { asyncErrorCodeOf } from "../../core/src/testing/errorCode.test-util.js";
import { useFakeHttpServers } from "./fakeHttpServer.test-util.js";
import { PRuntimeClient, type PRuntimeInfo } from "./pruntimeClient.js";

/** A pRuntime on 127.0.0.1 answering each request with `reply` (or never, when it returns undefined). */
const fakePRuntime = useFakeHttpServers();

async function rejection(run: () => Promise<unknown>) {
  try {
    await run();
  } catch (error) {
    return error as { code: string; message: string; details: Record<string, unknown> };
  }
  throw new Error("the request succeeded");
}

const info: PRuntimeInfo = {
  version: "0.1.0",
  role: "worker",
  platform: "sim",
  measurement: `0x${"44".repeat(32)}`,
  identityPublicKey: `0x${"11".repeat(32)}`,
  ecdhPublicKey: `0x${"22".repeat(32)}`,
  initialized: true,
  genesisHash: `0x${"33".repeat(32)}`,
  syncedHeight: 12,
  dispatchedHeight: 10,
  stateRoot: null,
  authoritySetId: "0",
  messages: { count: "0", digest: `0x${"00".repeat(32)}` },
  egressPending: 2,
  gatekeeper: { masterKey: "none", rotationId: null, masterPubkey: null, historyLength: 0 },
  clusters: [],
  contracts: [],
};

describe("PRuntimeClient", () => {
  it("reads the public /info as JSON", async () => {
    const pruntime = await fakePRuntime(() => ({ type: "application/json", body: JSON.stringify(info) }));
    expect(await new PRuntimeClient(`${pruntime.url}//`).info()).toEqual(info);
    expect(pruntime.received.map((r) => [r.method, r.url])).toEqual([["GET", "/info"]]);
  });

  it("exchanges SCALE bytes with the operator endpoints", async () => {
    const pruntime = await fakePRuntime((request) => ({ body: Uint8Array.of(request.body.length, 0xee) }));
    const client = new PRuntimeClient(pruntime.url);
    expect([...(await client.post("sync_header", Uint8Array.of(1, 2, 3)))]).toEqual([3, 0xee]);
    expect([...(await client.get("egress"))]).toEqual([0, 0xee]);
    expect([...(await client.post("checkpoint"))]).toEqual([0, 0xee]);
    const [post, get, empty] = pruntime.received;
    expect([post!.method, post!.url, post!.headers["content-type"], [...post!.body]]).toEqual([
      "POST",
      "/operator/sync_header",
      "application/octet-stream",
      [1, 2, 3],
    ]);
    expect([get!.method, get!.url, get!.headers["content-type"]]).toEqual(["GET", "/operator/egress", undefined]);
    expect([empty!.method, empty!.url, empty!.headers["content-type"]]).toEqual([
      "POST",
      "/operator/checkpoint",
      undefined,
    ]);
  });

  it("sends its token as a bearer token, and nothing without one", async () => {
    const pruntime = await fakePRuntime(() => ({ body: new Uint8Array() }));
    await new PRuntimeClient(pruntime.url, "s3cret-token").get("egress");
    await new PRuntimeClient(pruntime.url, "s3cret-token").post("dispatch_blocks", Uint8Array.of(0));
    await new PRuntimeClient(pruntime.url).get("egress");
    expect(pruntime.received.map((r) => r.headers.authorization)).toEqual([
      "Bearer s3cret-token",
      "Bearer s3cret-token",
      undefined,
    ]);
  });

  it("reports pRuntime's typed refusal as PHERRY_PRUNTIME_REFUSED with pRuntime's code", async () => {
    const pruntime = await fakePRuntime(() => ({
      status: 400,
      type: "application/json",
      body: JSON.stringify({
        code: "LIGHT_CLIENT_HEADER_NOT_LINKED",
        message: "the header does not follow the last synced one",
        details: { expected: 5 },
      }),
    }));
    const error = await rejection(() => new PRuntimeClient(pruntime.url).post("sync_header", Uint8Array.of(1)));
    expect(error).toMatchObject({
      code: "PHERRY_PRUNTIME_REFUSED",
      details: {
        path: "/operator/sync_header",
        status: 400,
        code: "LIGHT_CLIENT_HEADER_NOT_LINKED",
        details: { expected: 5 },
      },
    });
    expect(error.message).toContain("the header does not follow the last synced one");
  });

  it("reports a refusal that is not pRuntime's JSON by its status", async () => {
    const pruntime = await fakePRuntime(() => ({ status: 401, type: "text/plain", body: "go away" }));
    const error = await rejection(() => new PRuntimeClient(pruntime.url, "wrong").get("egress"));
    expect(error).toMatchObject({ code: "PHERRY_PRUNTIME_REFUSED", details: { status: 401, code: undefined } });
    expect(error.message).toContain("HTTP 401");
  });

  it("reports a refusal whose JSON is not an object by its status", async () => {
    for (const body of ["null", "7", '"busy"']) {
      const pruntime = await fakePRuntime(() => ({ status: 503, type: "application/json", body }));
      const error = await rejection(() => new PRuntimeClient(pruntime.url).get("egress"));
      expect(error, body).toMatchObject({ code: "PHERRY_PRUNTIME_REFUSED", details: { status: 503, code: undefined } });
      expect(error.message).toContain("HTTP 503");
    }
  });

  it("refuses an /info that is not a pRuntime's (another service on the port)", async () => {
    for (const body of ["<html>", "null", "[]", JSON.stringify({ hello: "world" })]) {
      const pruntime = await fakePRuntime(() => ({ type: "application/json", body }));
      const error = await rejection(() => new PRuntimeClient(pruntime.url).info());
      expect(error, body).toMatchObject({ code: "PHERRY_BAD_PRUNTIME_REPLY", details: { path: "/info" } });
    }
  });

  it("reports a refused connection as PHERRY_PRUNTIME_UNREACHABLE", async () => {
    const pruntime = await fakePRuntime(() => ({ body: new Uint8Array() }));
    await pruntime.close();
    const error = await rejection(() => new PRuntimeClient(pruntime.url).info());
    expect(error).toMatchObject({ code: "PHERRY_PRUNTIME_UNREACHABLE", details: { path: "/info" } });
  });

  it("gives up on a pRuntime that does not answer within the timeout", async () => {
    const pruntime = await fakePRuntime(() => undefined);
    expect(await asyncErrorCodeOf(() => new PRuntimeClient(pruntime.url, undefined, 100).get("egress"))).toBe(
      "PHERRY_PRUNTIME_UNREACHABLE",
    );
  });
});
