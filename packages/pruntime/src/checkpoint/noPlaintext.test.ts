import { phalaTopic, utf8 } from "@phala-ts/core";
import { Bytes, Struct, u8 } from "@polkadot-api/substrate-bindings";
import { describe, expect, it } from "vitest";
import { filesAsHaystacks, filesUnder, findSecrets } from "../../../core/src/testing/secretScan.test-util.js";
import { useTempDirs } from "../../../core/src/testing/tempDirs.test-util.js";
import type { StatefulHandler } from "../dispatch/messageRouter.js";
import { openSimPlatform } from "../platform/simPlatform.js";
import { PRuntime } from "../pruntime.js";
import { TestChain } from "../testing/testChain.test-util.js";

const CANARY = "confidential-canary-7f3e9a1c5b";

/** Keeps a secret in its handler state, as a contract's state would be. */
class SecretKeeper implements StatefulHandler {
  readonly stateName = "secret-keeper";
  secret = utf8(CANARY);
  handle() {}
  saveState() {
    return this.secret;
  }
  loadState(bytes: Uint8Array) {
    this.secret = bytes;
  }
}

const tempDir = useTempDirs("pruntime-seal-");

describe("sealed files", () => {
  it("hold no plaintext key material and no plaintext handler state", async () => {
    const dataDir = tempDir();
    const keeper = new SecretKeeper();
    const platform = await openSimPlatform({ dataDir, measurement: new Uint8Array(32) });
    const runtime = await PRuntime.open({ platform, setup: (router) => router.on("phala/secret", keeper) });
    const chain = new TestChain();
    chain.produce({
      messages: [
        { sender: { type: "Pallet", value: utf8("Test") }, destination: phalaTopic("secret"), payload: utf8("x") },
      ],
    });
    await runtime.init(chain.initRequest());
    runtime.syncHeader(chain.syncRequest(1, 1));
    await runtime.dispatchBlocks(chain.dispatchRequest(1, 1));
    await runtime.close();

    // The secrets themselves, read from the keys' sealed form (the only way they leave the object).
    const secretForm = Struct({ version: u8, identitySeed: Bytes(32), ecdhSecret: Bytes(32), machineId: Bytes(16) });
    const { identitySeed, ecdhSecret } = secretForm.dec(runtime.keys.encode());
    const files = filesUnder(dataDir);
    const names = files.map((f) => f.slice(dataDir.length + 1)).sort();
    expect(names).toContain("sealed/keys.sealed");
    expect(names.some((n) => n.startsWith("sealed/checkpoint-"))).toBe(true);

    expect(
      findSecrets([identitySeed, ecdhSecret, runtime.keys.encode(), utf8(CANARY)], filesAsHaystacks(dataDir)),
    ).toEqual([]);

    // The state is really in there: a restart unseals the canary back.
    const reopened = new SecretKeeper();
    reopened.secret = new Uint8Array();
    await PRuntime.open({
      platform: await openSimPlatform({ dataDir, measurement: new Uint8Array(32) }),
      setup: (router) => router.on("phala/secret", reopened),
    });
    expect(new TextDecoder().decode(reopened.secret)).toBe(CANARY);
  });
});
