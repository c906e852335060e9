import { toHex } from "@phala-ts/core";
import { devAccount } from "@phala-ts/sdk";
import { describe, expect, it } from "vitest";
import { type DevnetSummary, readyJson, readyLines, shellQuote, tryCommands } from "./readyReport.js";

const hex = (byte: number) => `0x${byte.toString(16).padStart(2, "0").repeat(32)}`;
const summary = (port: (n: number) => number, dataDir = "/home/me/repo/.devnet"): DevnetSummary => ({
  dataDir,
  logsDir: `${dataDir}/logs`,
  node: { ws: `ws://127.0.0.1:${port(9944)}`, http: `http://127.0.0.1:${port(9944)}` },
  pruntimes: {
    gk: { url: `http://127.0.0.1:${port(8000)}`, identity: hex(1) },
    w1: { url: `http://127.0.0.1:${port(8001)}`, identity: hex(2) },
    w2: { url: `http://127.0.0.1:${port(8002)}`, identity: hex(3) },
  },
  cluster: hex(0),
  contracts: { "sealed-bid-auction": hex(0xa3), "private-token": hex(0xa1), "web3-analytics": hex(0xa2) },
  resumed: false,
  elapsedMs: 12_345,
});
const bob = toHex(devAccount("Bob").accountId);

describe("the ready report", () => {
  it("gives the commands as the README spells them for a devnet on the default ports in ./.devnet", () => {
    expect(
      tryCommands(
        summary((n) => n),
        "/home/me/repo",
      ),
    ).toEqual([
      "npx phala chain status",
      "npx phala balance //Alice",
      "npx phala transfer //Alice //Bob 10",
      `npx phala contract query private-token '{"balance":{}}' --as //Alice`,
      `npx phala contract command private-token '{"transfer":{"to":"${bob}","amount":"5"}}' --from //Alice`,
      "npx phala worker verify http://127.0.0.1:8001",
      "npx phala devnet logs w1",
    ]);
  });

  it("adds --node, --worker, --book and --data-dir where the devnet is elsewhere", () => {
    const commands = tryCommands(
      summary((n) => n + 10, "/tmp/my net"),
      "/home/me/repo",
    );
    expect(commands[0]).toBe("npx phala chain status --node ws://127.0.0.1:9954");
    expect(commands[3]).toBe(
      `npx phala contract query private-token '{"balance":{}}' --as //Alice --worker http://127.0.0.1:8011 --node ws://127.0.0.1:9954 --book '/tmp/my net'/contracts.json`,
    );
    expect(commands.at(-1)).toBe("npx phala devnet logs w1 --data-dir '/tmp/my net'");
    // A data directory below the working directory is shown relative to it.
    expect(
      tryCommands(
        summary((n) => n, "/home/me/repo/nets/a"),
        "/home/me/repo",
      ).at(-1),
    ).toBe("npx phala devnet logs w1 --data-dir nets/a");
  });

  it("leaves the contract commands out when nothing was deployed", () => {
    const commands = tryCommands({ ...summary((n) => n), contracts: {} }, "/home/me/repo");
    expect(commands.some((command) => command.includes("contract"))).toBe(false);
  });

  it("shows endpoints, accounts and contracts in the examples' order", () => {
    const text = readyLines(
      summary((n) => n),
      "/home/me/repo",
    ).join("\n");
    expect(text).toContain("Phala-TS devnet started in 12.3 s");
    expect(text).toContain("ws://127.0.0.1:9944 (WebSocket)  http://127.0.0.1:9944 (HTTP)");
    expect(text).toContain(devAccount("Alice").address);
    expect(text).toContain(devAccount("Bob").address);
    expect(text.indexOf("private-token")).toBeLessThan(text.indexOf("web3-analytics"));
    expect(text.indexOf("web3-analytics")).toBeLessThan(text.indexOf("sealed-bid-auction  0x"));
    expect(text).not.toMatch(/\nready$/);
  });

  it("prints one JSON object with endpoints, pids and contracts", () => {
    const pids = { node: 10, gk: 11, w1: 12, w2: undefined, "gk-pherry": 14, "w1-pherry": 15, "w2-pherry": 16 };
    const json = readyJson(
      summary((n) => n),
      pids,
    );
    expect(json).toMatchObject({
      ready: true,
      resumed: false,
      elapsedMs: 12_345,
      node: { ws: "ws://127.0.0.1:9944", http: "http://127.0.0.1:9944", pid: 10 },
      pruntimes: {
        gk: { url: "http://127.0.0.1:8000", identity: hex(1), pid: 11, pherryPid: 14 },
        w2: { url: "http://127.0.0.1:8002", pid: null, pherryPid: 16 },
      },
      contracts: { "private-token": hex(0xa1) },
      dataDir: "/home/me/repo/.devnet",
    });
    expect(Object.keys(json["contracts"] as object)).toEqual(["private-token", "web3-analytics", "sealed-bid-auction"]);
  });

  it("quotes words for a shell only when needed", () => {
    expect(shellQuote("/tmp/a-b_c.d")).toBe("/tmp/a-b_c.d");
    expect(shellQuote("/tmp/my net")).toBe("'/tmp/my net'");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });
});
