import { readFile, stat } from "node:fs/promises";
import type { Server } from "node:http";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { toHex } from "@phala-ts/core";
import { connect, devAccount, type PhalaClient } from "@phala-ts/sdk";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { devSpec } from "../../packages/node/src/chain/chainSpec.js";
import { until } from "./chainHelpers.test-util.js";
import { createCluster, infoProxy, type LoopbackNetwork, startLoopbackNetwork } from "./loopbackNetwork.test-util.js";
import { runPhala } from "./nodeProcess.test-util.js";

const TOKEN = fileURLToPath(new URL("../../examples/private-token/contract.ts", import.meta.url));
const HEX32 = /^0x[0-9a-f]{64}$/;

const alice = devAccount("Alice");
const charlie = devAccount("Charlie");
const ferdie = devAccount("Ferdie");

/** What `--json` printed; its shape is what the expectations check. */
// biome-ignore lint/suspicious/noExplicitAny: parsed output, checked field by field by the tests
type Json = Record<string, any>;

/** Runs `phala …` and parses its stdout as the one JSON object `--json` prints. */
async function phalaJson(...args: string[]): Promise<{ status: number | null; json: Json; stderr: string }> {
  const { status, stdout, stderr } = await runPhala([...args, "--json"]);
  let json: Json;
  try {
    json = JSON.parse(stdout);
  } catch {
    throw new Error(`phala ${args.join(" ")} printed no JSON (exit ${status}):\n${stdout}\n${stderr}`);
  }
  return { status, json, stderr };
}

/**
 * The `phala` binary's client commands (account, balance, transfer, chain, worker, contract) run as
 * real processes against a real node, gatekeeper and worker on loopback, configured only by
 * $PHALA_NODE, $PHALA_HOME and $PHALA_CONTRACTS.
 */
describe("the phala CLI against a real network", () => {
  let network: LoopbackNetwork<"gk" | "w1">;
  let client: PhalaClient;
  let clusterReady: Promise<void>;
  let home: string;
  let book: string;
  const proxies: Server[] = [];

  beforeAll(async () => {
    network = await startLoopbackNetwork({ gk: "//Bob", w1: "//Charlie" }, ["gk", "w1"]);
    client = await connect(network.node.wsUrl);
    home = join(network.base.path, "home");
    book = join(network.base.path, "contracts.json");
    vi.stubEnv("PHALA_NODE", network.node.wsUrl);
    vi.stubEnv("PHALA_HOME", home);
    vi.stubEnv("PHALA_CONTRACTS", book);
    // The gatekeeper and the cluster come up while the first tests run; only Alice signs for them.
    clusterReady = createCluster(client, network, "gk", ["w1"]);
    clusterReady.catch(() => {});
  }, 120_000);

  afterAll(async () => {
    vi.unstubAllEnvs();
    for (const proxy of proxies) proxy.close();
    await client?.close();
    await network?.stop();
  });

  let ops: { address: string; mnemonic: string };

  it("creates an account in the keystore, lists it and shows it without its secret", async () => {
    const created = await phalaJson("account", "new", "ops");
    expect(created.status).toBe(0);
    ops = created.json as typeof ops;
    const keyFile = join(home, "accounts", "ops.json");
    expect(created.json).toMatchObject({ name: "ops", type: "sr25519", keyFile });
    expect(ops.mnemonic.split(" ")).toHaveLength(12);
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);

    const again = await runPhala(["account", "new", "ops"]);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain("refusing to overwrite a key file (KEY_FILE_EXISTS)");

    const list = await runPhala(["account", "list"]);
    expect(list.status).toBe(0);
    expect(list.stdout).toContain(`  ops  sr25519  ${ops.address}\n`);
    expect(list.stdout).toContain(`  //Alice    ${alice.address}\n`);

    const show = await runPhala(["account", "show", "ops"]);
    expect(show.status).toBe(0);
    expect(show.stdout).toContain(`address:                ${ops.address}\n`);
    expect(show.stdout).toContain("type:                   sr25519\n");
    // No two consecutive words of the mnemonic (a single word may be in the key file's path).
    const words = ops.mnemonic.split(" ");
    for (let i = 1; i < words.length; i++) expect(show.stdout).not.toContain(`${words[i - 1]} ${words[i]}`);
  });

  it("transfers with status lines, shows balances, and exits 3 naming the error when funds are short", async () => {
    expect((await phalaJson("balance", "ops")).json).toMatchObject({ account: ops.address, free: "0", reserved: "0" });

    const sent = await runPhala(["transfer", "//Eve", "ops", "2.5"]);
    expect(sent.stderr).toBe("");
    expect(sent.status).toBe(0);
    const lines = sent.stdout.trimEnd().split("\n");
    expect(lines.slice(0, 3)).toEqual([
      `from:                   ${devAccount("Eve").address}`,
      `to:                     ${ops.address}`,
      "amount:                 2.5 PHA",
    ]);
    expect(lines[3]).toMatch(/^submitted: +0x[0-9a-f]{64}$/);
    expect(lines[4]).toMatch(/^in block: +#\d+ 0x[0-9a-f]{64}$/);
    expect(lines[5]).toMatch(/^finalized: +#\d+ 0x[0-9a-f]{64}$/);
    expect(lines[6]).toMatch(/^fee: +0\.\d+ PHA$/);

    const balance = await runPhala(["balance", ops.address]);
    expect(balance.status).toBe(0);
    expect(balance.stdout).toContain("free:                   2.5 PHA\n");

    const planck = await phalaJson("transfer", "//Eve", "ops", "1000", "--planck", "--wait", "inBlock");
    expect(planck.status).toBe(0);
    expect(planck.json).toMatchObject({ to: ops.address, amount: "1000", status: "inBlock", fee: expect.any(String) });
    expect(planck.json.statuses.map((s: { type: string }) => s.type)).toEqual(["ready", "inBlock"]);
    expect(planck.json.events).toContainEqual({
      pallet: "Balances",
      name: "Transfer",
      data: { from: devAccount("Eve").address, to: ops.address, amount: "1000" },
    });
    expect((await phalaJson("balance", "ops")).json.free).toBe("2500000001000");

    const short = await runPhala(["transfer", "ops", "//Bob", "5"]);
    expect(short.status).toBe(3);
    expect(short.stderr).toMatch(/^error: the transaction failed: Balances\.InsufficientBalance.* \(TX_FAILED\)\n$/);
    const shortJson = await phalaJson("transfer", "ops", "//Bob", "5");
    expect(shortJson.status).toBe(3);
    expect(shortJson.json.error).toMatchObject({
      code: "TX_FAILED",
      details: { error: "Balances.InsufficientBalance" },
    });
  });

  it("lists the registered workers, shows the chain's status, and verifies a worker", async () => {
    const { identity, enclaves } = network;
    await until(
      async () => ((await client.workers()).length === 2 ? true : undefined),
      60_000,
      "both workers to register",
    );
    const workers = await phalaJson("worker", "list");
    expect(workers.status).toBe(0);
    expect(workers.json.workers.map((w: { identity: string }) => w.identity).sort()).toEqual(
      [identity.gk, identity.w1].sort(),
    );
    expect(workers.json.workers.find((w: { identity: string }) => w.identity === identity.w1)).toMatchObject({
      ecdhPubkey: (await enclaves.w1.info()).ecdhPublicKey,
      attestationProvider: "Simulated",
      confidenceLevel: 5,
      operator: charlie.address,
    });

    const status = await phalaJson("chain", "status");
    expect(status.status).toBe(0);
    expect(status.json).toMatchObject({
      chain: devSpec().name,
      genesisHash: client.genesisHash,
      ss58Prefix: 30,
      runtime: client.runtimeVersion,
      counts: { workers: 2 },
    });
    expect(status.json.best.number).toBeGreaterThanOrEqual(status.json.finalized.number);
    const human = await runPhala(["chain", "status"]);
    expect(human.stdout).toContain(`chain:                  ${devSpec().name}\n`);
    expect(human.stdout).toMatch(/\nworkers: +2\n/);

    const verified = await runPhala(["worker", "verify", enclaves.w1.pruntimeUrl]);
    expect(verified.status).toBe(0);
    expect(verified.stdout).toContain(`identity:               ${identity.w1}\n`);
    expect(verified.stdout).toContain("attestation:            Simulated, confidence 5");
    expect(verified.stdout).toContain(`registered:             yes, by ${charlie.address}\n`);

    // A proxy that swaps the ECDH key in /info: the signature no longer covers what it says.
    const altered = await infoProxy(
      () => enclaves.w1.pruntimeUrl,
      (body, signature) => ({
        body: body.replace(/"ecdhPublicKey":"0x[0-9a-f]+"/, `"ecdhPublicKey":"0x${"00".repeat(32)}"`),
        signature,
      }),
    );
    proxies.push(altered.server);
    const refused = await runPhala(["worker", "verify", altered.url]);
    expect(refused.status).toBe(3);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toBe(
      `error: the worker at ${altered.url} signed its /info with another key than the identity key ${identity.w1} it names (WORKER_BAD_SIGNATURE)\n`,
    );
    expect((await phalaJson("worker", "verify", altered.url)).json.error.code).toBe("WORKER_BAD_SIGNATURE");
  }, 90_000);

  describe("contracts", () => {
    beforeAll(() => clusterReady, 120_000);

    let id: string;

    it("deploys a contract from its .ts source under a name, and lists it with that name", async () => {
      const deployed = await phalaJson(
        "contract",
        "deploy",
        TOKEN,
        "--name",
        "token",
        "--args",
        '{"supply":"1000"}',
        "--salt",
        "cli-e2e",
      );
      expect(deployed.stderr).toBe("");
      expect(deployed.status).toBe(0);
      id = deployed.json.id;
      expect(id).toMatch(HEX32);
      expect(deployed.json).toMatchObject({ name: "token", book, deployer: alice.address, init: { index: "0" } });
      expect(JSON.parse(await readFile(book, "utf8")).contracts.token).toMatchObject({
        id,
        deployer: alice.address,
        cluster: (await client.clusters())[0]!.id,
      });

      const list = await runPhala(["contract", "list"]);
      expect(list.status).toBe(0);
      expect(list.stdout).toContain(`contracts:              1\n  ${id} (token)\n`);
      expect(list.stdout).toContain(`    deployer:           ${alice.address}\n`);
    }, 60_000);

    it("sends a command by name and prints the decrypted reply; the contract's refusal exits 3", async () => {
      const sent = await runPhala([
        "contract",
        "command",
        "token",
        JSON.stringify({ transfer: { to: toHex(ferdie.accountId), amount: "250" } }),
      ]);
      expect(sent.stderr).toBe("");
      expect(sent.status).toBe(0);
      expect(sent.stdout).toContain('reply:                  {"balance":"750"}\n');
      expect(sent.stdout).toMatch(/\ncommand: +#1, pushed in block #\d+/);

      const refused = await runPhala([
        "contract",
        "command",
        id,
        JSON.stringify({ transfer: { to: toHex(alice.accountId), amount: "5" } }),
        "--from",
        "//Bob",
      ]);
      expect(refused.status).toBe(3);
      expect(refused.stderr).toBe(
        "error: the contract refused the command: Error: insufficient balance (CONTRACT_THREW)\n",
      );
    }, 60_000);

    it("queries a worker as the owner, and exits 3 when the contract refuses another account", async () => {
      const w1 = network.enclaves.w1.pruntimeUrl;
      const answer = await runPhala(["contract", "query", "token", '{"balance":{}}', "--worker", w1]);
      expect(answer.stderr).toBe("");
      expect(answer.status).toBe(0);
      expect(JSON.parse(answer.stdout)).toEqual({ balance: "750" });

      vi.stubEnv("PHALA_WORKER", w1);
      const asFerdie = await phalaJson("contract", "query", "token", '{"balance":{}}', "--as", "//Ferdie");
      expect(asFerdie.json).toEqual({ contract: id, worker: w1, as: ferdie.address, output: { balance: "250" } });

      const prying = await runPhala([
        "contract",
        "query",
        "token",
        JSON.stringify({ balance: { of: toHex(alice.accountId) } }),
        "--as",
        "//Ferdie",
      ]);
      expect(prying.status).toBe(3);
      expect(prying.stderr).toBe(
        "error: the contract refused the query: Error: only the owner may read a balance (CONTRACT_THREW)\n",
      );
    }, 60_000);
  });

  describe("any call with phala tx", () => {
    // createCluster's sudo calls are signed by Alice too: wait for them, so that nonces never race.
    beforeAll(() => clusterReady, 120_000);

    const measurement = toHex(new Uint8Array(32).fill(0x5a));
    const addPRuntime = ["tx", "PhalaRegistry", "add_pruntime", JSON.stringify({ measurement }), "--sudo"];

    it("allows a new pRuntime build with --sudo: status lines, the events, and the chain's allow list", async () => {
      const allowed = await runPhala(addPRuntime);
      expect(allowed.stderr).toBe("");
      expect(allowed.status).toBe(0);
      const lines = allowed.stdout.trimEnd().split("\n");
      expect(lines.slice(0, 2)).toEqual([
        "call:                   PhalaRegistry.add_pruntime, wrapped in Sudo.sudo",
        `from:                   ${alice.address}`,
      ]);
      expect(lines[2]).toMatch(/^submitted: +0x[0-9a-f]{64}$/);
      expect(lines[3]).toMatch(/^in block: +#\d+ 0x[0-9a-f]{64}$/);
      expect(lines[4]).toMatch(/^finalized: +#\d+ 0x[0-9a-f]{64}$/);
      expect(lines[5]).toMatch(/^events: +\d+$/);
      expect(lines).toContain(`  PhalaRegistry.PRuntimeAdded {"measurement":"${measurement}"}`);
      expect(lines).toContain('  Sudo.Sudid {"sudo_result":{"success":true}}');
      expect(lines.at(-1)).toMatch(/^fee: +0\.\d+ PHA$/);
      expect(await client.storage("PhalaRegistry", "PRuntimeAllowList")).toContain(measurement);
    }, 60_000);

    it("exits 3 naming the wrapped call's error when it fails under sudo, and Sudo.RequireSudo for another signer", async () => {
      const again = await runPhala(addPRuntime);
      expect(again.status).toBe(3);
      expect(again.stdout).toMatch(/\nfinalized: +#\d+ /);
      expect(again.stderr).toMatch(
        /^error: PhalaRegistry\.add_pruntime failed under sudo: PhalaRegistry\.MeasurementAlreadyAllowed.* \(TX_FAILED\)\n$/,
      );
      const json = await phalaJson(...addPRuntime, "--wait", "inBlock");
      expect(json.status).toBe(3);
      expect(json.json.error).toMatchObject({
        code: "TX_FAILED",
        details: { error: "PhalaRegistry.MeasurementAlreadyAllowed", call: "PhalaRegistry.add_pruntime", sudo: true },
      });
      const notSudo = await phalaJson(...addPRuntime, "--from", "//Ferdie", "--wait", "inBlock");
      expect(notSudo.status).toBe(3);
      expect(notSudo.json.error).toMatchObject({ code: "TX_FAILED", details: { error: "Sudo.RequireSudo" } });
    }, 60_000);

    it("submits a plain call without --sudo and prints its events as JSON", async () => {
      const sent = await phalaJson(
        "tx",
        "Balances",
        "transfer_keep_alive",
        JSON.stringify({ dest: { type: "Id", value: ferdie.address }, value: "1000000000000" }),
        "--from",
        "//Eve",
        "--wait",
        "inBlock",
      );
      expect(sent.stderr).toBe("");
      expect(sent.status).toBe(0);
      expect(sent.json).toMatchObject({ call: "Balances.transfer_keep_alive", sudo: false, status: "inBlock" });
      expect(sent.json.events).toContainEqual({
        pallet: "Balances",
        name: "Transfer",
        data: { from: devAccount("Eve").address, to: ferdie.address, amount: "1000000000000" },
      });
    }, 60_000);

    it("exits 2 for an unknown call or arguments that do not fit, before anything is signed", async () => {
      const nonce = await client.nextNonce(alice);
      const unknown = await runPhala(["tx", "PhalaRegistry", "add_prutime", JSON.stringify({ measurement }), "--sudo"]);
      expect(unknown.status).toBe(2);
      expect(unknown.stdout).toBe("");
      expect(unknown.stderr).toMatch(
        /^error: the chain has no call PhalaRegistry\.add_prutime; PhalaRegistry's calls: .*add_pruntime.* \(CLI_UNKNOWN_CALL\)\n$/,
      );
      const pallet = await phalaJson("tx", "Phalaregistry", "add_pruntime", "{}", "--sudo");
      expect(pallet.status).toBe(2);
      expect(pallet.json.error.message).toBe("the chain has no pallet Phalaregistry; did you mean PhalaRegistry?");
      const short = await runPhala(["tx", "PhalaRegistry", "add_pruntime", '{"measurement":"0x5a"}', "--sudo"]);
      expect(short.status).toBe(2);
      expect(short.stderr).toBe(
        "error: PhalaRegistry.add_pruntime: measurement must be 32 bytes (a Uint8Array or 0x-hex) (ARGS_INVALID)\n",
      );
      expect(await client.nextNonce(alice)).toBe(nonce);
    }, 60_000);
  });
});
