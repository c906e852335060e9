import { writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { ContractBuildError } from "@phala-ts/contracts/build";
import { PhalaError } from "@phala-ts/core";
import { SdkError } from "@phala-ts/sdk";
import { InvalidArgumentError } from "commander";
import { describe, expect, it, vi } from "vitest";
import { CliError } from "./cliError.js";
import { Refusal } from "./clientCommand.js";
import { exitCodeOf, failureJson } from "./clientFailure.js";
import { cliHarness } from "./cliHarness.test-util.js";
import { jsonText, parseJsonArg } from "./jsonOutput.js";
import { defaultNodeUrl } from "./options.js";

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("exit codes and failure reports", () => {
  it("maps errors to 1 (could not complete), 2 (bad input) and 3 (the network said no)", () => {
    const sdk = (code: ConstructorParameters<typeof SdkError>[0]) => exitCodeOf(new SdkError(code, "x"));
    for (const code of [
      "NODE_UNREACHABLE",
      "NODE_TIMEOUT",
      "NODE_DISCONNECTED",
      "TX_TIMEOUT",
      "WORKER_UNREACHABLE",
    ] as const)
      expect(sdk(code), code).toBe(1);
    expect(sdk("CONTRACT_REPLY_TIMEOUT")).toBe(1);
    for (const code of [
      "ADDRESS_INVALID",
      "ACCOUNT_INVALID",
      "ARGS_INVALID",
      "KEY_FILE_INSECURE",
      "KEY_FILE_EXISTS",
    ] as const)
      expect(sdk(code), code).toBe(2);
    for (const code of [
      "TX_INVALID",
      "TX_FAILED",
      "TX_DROPPED",
      "WORKER_MISMATCH",
      "WORKER_BAD_SIGNATURE",
      "WORKER_NOT_REGISTERED",
      "CONTRACT_INIT_FAILED",
      "CLUSTER_NOT_READY",
      "QUERY_RATE_LIMITED",
      "QUERY_CONTRACT_NOT_FOUND",
    ] as const)
      expect(sdk(code), code).toBe(3);
    expect(exitCodeOf(new Refusal("CONTRACT_THREW", "no"))).toBe(3);
    expect(exitCodeOf(new CliError("CLI_BAD_JSON", "no"))).toBe(2);
    expect(exitCodeOf(new ContractBuildError("CONTRACT_BUILD_FAILED", "no"))).toBe(2);
    expect(exitCodeOf(new InvalidArgumentError("no"))).toBe(2);
    expect(exitCodeOf(new Error("boom"))).toBe(1);
    expect(exitCodeOf("thrown text")).toBe(1);
  });

  it("reports a failure as { error: { code, message, details } } with JSON-safe details", () => {
    const failed = new SdkError("TX_FAILED", "the transaction failed: Balances.InsufficientBalance", {
      error: "Balances.InsufficientBalance",
      raw: { amount: 5n, who: Uint8Array.of(1, 2) },
    });
    expect(JSON.parse(jsonText(failureJson(failed)))).toEqual({
      error: {
        code: "TX_FAILED",
        message: "the transaction failed: Balances.InsufficientBalance",
        details: { error: "Balances.InsufficientBalance", raw: { amount: "5", who: "0x0102" } },
      },
    });
    expect(failureJson(new Error("boom"))).toEqual({ error: { code: "UNEXPECTED", message: "boom", details: {} } });
    expect(failureJson(new InvalidArgumentError("bad"))).toMatchObject({ error: { code: "CLI_BAD_ARGUMENT" } });
    expect(failureJson(new PhalaError("X", "y", { a: 1 }))).toEqual({
      error: { code: "X", message: "y", details: { a: 1 } },
    });
  });

  it("parses JSON arguments, or says what was not JSON", () => {
    expect(parseJsonArg('{"balance":{}}', "the query")).toEqual({ balance: {} });
    expect(parseJsonArg("42", "the query")).toBe(42);
    expect(() => parseJsonArg("{balance:{}}", "the query")).toThrow(/^the query is not JSON: .*quote it for the shell/);
    expect(() => parseJsonArg("", "--args")).toThrow(CliError);
  });

  it("takes the node of gatekeeper list and cluster list from $PHALA_NODE, else the local devnet's", () => {
    expect(defaultNodeUrl({})).toBe("ws://127.0.0.1:9944");
    expect(defaultNodeUrl({ PHALA_NODE: "ws://10.0.0.5:9944" })).toBe("ws://10.0.0.5:9944");
    expect(defaultNodeUrl({ PHALA_NODE: " " })).toBe("ws://127.0.0.1:9944");
  });
});

describe("client commands without a network", () => {
  const cli = cliHarness((dir) => ({ PHALA_HOME: dir, PHALA_CONTRACTS: join(dir, "contracts.json") }));
  const phala = cli.phala;

  it("exits 1 when the node cannot be reached, from --node or $PHALA_NODE, with a JSON error under --json", async () => {
    const { output } = cli;
    const url = `ws://127.0.0.1:${await closedPort()}`;
    expect(await phala("balance", "//Alice", "--node", url, "--json")).toBe(1);
    expect(JSON.parse(output.out)).toEqual({
      error: { code: "NODE_UNREACHABLE", message: `cannot connect to the node at ${url}`, details: { url } },
    });
    expect(output.err).toBe(`error: cannot connect to the node at ${url} (NODE_UNREACHABLE)\n`);
    vi.stubEnv("PHALA_NODE", url);
    for (const args of [
      ["chain", "status"],
      ["worker", "list"],
      ["contract", "list"],
      ["transfer", "//Alice", "//Bob", "1"],
    ]) {
      expect(await phala(...args), args.join(" ")).toBe(1);
      expect(output.err).toContain(`${url} (NODE_UNREACHABLE)`);
    }
    vi.stubEnv("PHALA_NODE", "not a url");
    expect(await phala("chain", "status")).toBe(2);
    expect(output.err).toContain("from env 'PHALA_NODE' is invalid");
  });

  it("refuses bad input with exit 2 before connecting: amounts, JSON, accounts, contracts, clusters", async () => {
    const { dir, output } = cli;
    // Port 1 would fail with exit 1: exit 2 shows nothing was sent.
    const node = ["--node", "ws://127.0.0.1:1"];
    expect(await phala("transfer", "//Alice", "//Bob", "1.0000000000001", ...node)).toBe(2);
    expect(output.err).toBe(
      "error: 1.0000000000001 has more than 12 decimals (1 planck is 0.000000000001 PHA) (CLI_BAD_AMOUNT)\n",
    );
    expect(await phala("transfer", "//Alice", "//Bob", "1.5", "--planck", ...node, "--json")).toBe(2);
    expect(JSON.parse(output.out)).toMatchObject({ error: { code: "CLI_BAD_AMOUNT" } });
    expect(await phala("transfer", "45R2pfjQUW2s9PQRHU48HQKLKHVMaDja7N3wpBtmF28UYDs2", "//Bob", "1", ...node)).toBe(2);
    expect(output.err).toContain("it cannot sign");
    expect(await phala("transfer", "//Alice", "nobody", "1", ...node)).toBe(2);
    expect(output.err).toContain("(CLI_UNKNOWN_ACCOUNT)");
    expect(await phala("contract", "query", "private-token", "{balance}", ...node)).toBe(2);
    expect(output.err).toContain("the query is not JSON");
    expect(await phala("contract", "query", "private-token", "{}", ...node, "--json")).toBe(2);
    expect(JSON.parse(output.out)).toMatchObject({ error: { code: "CLI_UNKNOWN_CONTRACT" } });
    expect(await phala("contract", "command", `0x${"ab".repeat(32)}`, "{}", "--gas", "lots", ...node)).toBe(2);
    expect(output.err).toContain("not a whole number of gas");
    expect(await phala("contract", "deploy", "bundle.js", "--cluster", "first", ...node)).toBe(2);
    expect(output.err).toContain("neither an index (0, 1, …) nor a cluster id");
    expect(await phala("contract", "deploy", join(dir, "missing.js"), ...node)).toBe(2);
    expect(output.err).toContain("cannot read the contract bundle");
    expect(await phala("worker", "verify", "ftp://worker", ...node)).toBe(2);
  });

  it("refuses a contract name already in the book before deploying anything", async () => {
    const { dir, output } = cli;
    const book = join(dir, "contracts.json");
    const id = `0x${"cd".repeat(32)}`;
    await writeFile(
      book,
      JSON.stringify({
        version: 1,
        contracts: { counter: { id, cluster: id, codeHash: id, deployer: "x", salt: "0x" } },
      }),
    );
    expect(
      await phala("contract", "deploy", "missing.js", "--name", "counter", "--node", "ws://127.0.0.1:1", "--json"),
    ).toBe(2);
    expect(JSON.parse(output.out)).toEqual({
      error: {
        code: "CLI_CONTRACT_NAME_TAKEN",
        message: `"counter" already names ${id} in ${book}`,
        details: { name: "counter", path: book, id },
      },
    });
    expect(await phala("contract", "deploy", "missing.js", "--name", "Not-A-Name")).toBe(2);
  });
});
