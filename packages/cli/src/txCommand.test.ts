import { decodeExtrinsic, fromHex } from "@phala-ts/core";
import { type ChainEvent, devAccount, type TxResult } from "@phala-ts/sdk";
import { describe, expect, it } from "vitest";
import { nodeMetadata } from "../../sdk/src/nodeMetadata.test-util.js";
import { extrinsicEvents, hashOf, includingNode, moduleError } from "../../sdk/src/tx/includingNode.test-util.js";
import { CliError } from "./cliError.js";
import { cliHarness } from "./cliHarness.test-util.js";
import { jsonText } from "./jsonOutput.js";
import { closeNames, eventLine, parseCallArgs, txHeadLines, txJson, txLines, unknownCallError } from "./txCommand.js";

const alice = devAccount("Alice");
const bob = devAccount("Bob");
const txHash = hashOf(0xee);
const measurement = hashOf(0x4d);

const event = (pallet: string, name: string, data: unknown): ChainEvent =>
  ({ pallet, name, data, phase: { type: "ApplyExtrinsic", index: 1 }, topics: [] }) as ChainEvent;

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("did not throw");
}

describe("tx arguments and names", () => {
  it("takes one JSON object of the call's fields, {} when none, and refuses other JSON as CLI_BAD_JSON", () => {
    expect(parseCallArgs(undefined)).toEqual({});
    expect(parseCallArgs('{"measurement":"0x01"}')).toEqual({ measurement: "0x01" });
    for (const [text, message] of [
      ['["0x01"]', /must be one JSON object of its fields .*, not an array$/],
      ["null", /not null$/],
      ['"0x01"', /not a string$/],
      ["{measurement:1}", /^the call's arguments is not JSON/],
    ] as const) {
      const error = thrown(() => parseCallArgs(text));
      expect(error, text).toBeInstanceOf(CliError);
      expect((error as CliError).code).toBe("CLI_BAD_JSON");
      expect((error as Error).message).toMatch(message);
    }
  });

  it("finds close names: the same but for case and underscores, or one inside the other", () => {
    const calls = ["register_worker", "add_pruntime", "remove_pruntime", "register_gatekeeper"];
    expect(closeNames("RegisterGatekeeper", calls)).toEqual(["register_gatekeeper"]);
    expect(closeNames("pruntime", calls)).toEqual(["add_pruntime", "remove_pruntime"]);
    expect(closeNames("add_pruntimes", calls)).toEqual(["add_pruntime"]);
    expect(closeNames("add_prutime", calls)).toEqual([]);
    expect(closeNames("_", calls)).toEqual([]);
  });

  it("turns the SDK's unknown pallet or call into bad input naming the close names, else all of them", () => {
    const unknownCall = unknownCallError(
      thrown(() => nodeMetadata.call("PhalaRegistry", "add_prutime")),
      "PhalaRegistry",
      "add_prutime",
    );
    expect(unknownCall).toBeInstanceOf(CliError);
    expect(unknownCall?.code).toBe("CLI_UNKNOWN_CALL");
    expect(unknownCall?.message).toBe(
      "the chain has no call PhalaRegistry.add_prutime; PhalaRegistry's calls: register_worker, add_pruntime, remove_pruntime, register_gatekeeper, unregister_gatekeeper, rotate_master_key, cancel_master_key_rotation",
    );
    const closeCall = unknownCallError(
      thrown(() => nodeMetadata.call("PhalaRegistry", "gatekeeper")),
      "",
      "gatekeeper",
    );
    expect(closeCall?.message).toMatch(/; did you mean register_gatekeeper or unregister_gatekeeper\?$/);
    expect(closeCall?.details).toMatchObject({ close: ["register_gatekeeper", "unregister_gatekeeper"] });
    const closePallet = unknownCallError(
      thrown(() => nodeMetadata.call("phala_registry", "add_pruntime")),
      "phala_registry",
      "add_pruntime",
    );
    expect(closePallet?.message).toBe("the chain has no pallet phala_registry; did you mean PhalaRegistry?");
    const nothingClose = unknownCallError(
      thrown(() => nodeMetadata.call("Treasury", "spend")),
      "Treasury",
      "spend",
    );
    expect(nothingClose?.message).toMatch(
      /^the chain has no pallet Treasury; the chain's pallets: System, Timestamp, /,
    );
    const badArgs = thrown(() => nodeMetadata.encodeCall("PhalaRegistry", "add_pruntime", { measurement: "0x01" }));
    expect(unknownCallError(badArgs, "PhalaRegistry", "add_pruntime")).toBeUndefined();
    expect(unknownCallError(new Error("boom"), "PhalaRegistry", "add_pruntime")).toBeUndefined();
  });
});

describe("tx output", () => {
  const events = [
    event("PhalaRegistry", "PRuntimeAdded", { measurement }),
    event("Sudo", "Sudid", { sudo_result: { success: true } }),
    event("Sudo", "KeyRemoved", undefined),
    event("TransactionPayment", "TransactionFeePaid", { who: "a", actual_fee: 1_500_000n, tip: 0n }),
  ];
  const result: TxResult = { ok: true, txHash, blockHash: hashOf(1), blockNumber: 7, index: 1, events };

  it("prints the call, the signer, then each event on a line and the fee", () => {
    expect(txHeadLines("PhalaRegistry.add_pruntime", true, "45abc")).toEqual([
      "call:                   PhalaRegistry.add_pruntime, wrapped in Sudo.sudo",
      "from:                   45abc",
    ]);
    expect(txHeadLines("Balances.transfer_keep_alive", false, "45abc")[0]).toBe(
      "call:                   Balances.transfer_keep_alive",
    );
    expect(eventLine(events[0]!)).toBe(`PhalaRegistry.PRuntimeAdded {"measurement":"${measurement}"}`);
    expect(eventLine(event("X", "Y", { bytes: Uint8Array.of(1, 2), big: 2n ** 70n }))).toBe(
      'X.Y {"bytes":"0x0102","big":"1180591620717411303424"}',
    );
    expect(txLines({ result })).toEqual([
      "events:                 4",
      `  PhalaRegistry.PRuntimeAdded {"measurement":"${measurement}"}`,
      '  Sudo.Sudid {"sudo_result":{"success":true}}',
      "  Sudo.KeyRemoved",
      '  TransactionPayment.TransactionFeePaid {"who":"a","actual_fee":"1500000","tip":"0"}',
      "fee:                    0.0000015 PHA",
    ]);
    expect(txLines({ result: { ...result, events: [] } })).toEqual([
      "events:                 none",
      "fee:                    not reported",
    ]);
  });

  it("prints one JSON object: the call, the block, the fee and the events with bigints as strings", () => {
    const json = JSON.parse(
      jsonText(
        txJson({
          call: "PhalaRegistry.add_pruntime",
          sudo: true,
          from: "45abc",
          waitedFor: "inBlock",
          result,
          statuses: [],
        }),
      ),
    );
    expect(json).toEqual({
      call: "PhalaRegistry.add_pruntime",
      sudo: true,
      from: "45abc",
      status: "inBlock",
      txHash,
      blockHash: hashOf(1),
      blockNumber: 7,
      index: 1,
      fee: "1500000",
      statuses: [],
      events: [
        { pallet: "PhalaRegistry", name: "PRuntimeAdded", data: { measurement } },
        { pallet: "Sudo", name: "Sudid", data: { sudo_result: { success: true } } },
        { pallet: "Sudo", name: "KeyRemoved" },
        {
          pallet: "TransactionPayment",
          name: "TransactionFeePaid",
          data: { who: "a", actual_fee: "1500000", tip: "0" },
        },
      ],
    });
  });
});

/**
 * A node that includes every submission at index 1 of block #11 (0xbb…), finalized, with a fee of
 * 1000 planck, for a sudo call a Sudid event reporting `sudoResult`, and `failure` as the extrinsic's.
 */
function txNode(sudoResult?: { type: "Ok" } | { type: "Err"; value: unknown }, failure?: unknown) {
  const fee = {
    type: "TransactionPayment",
    value: { type: "TransactionFeePaid", value: { who: alice.accountId, actualFee: 1000n, tip: 0n } },
  };
  const sudid = sudoResult === undefined ? [] : [{ type: "Sudo", value: { type: "Sudid", value: { sudoResult } } }];
  return includingNode(extrinsicEvents([...sudid, fee], failure));
}

describe("phala tx against a node", () => {
  const cli = cliHarness((dir) => ({ PHALA_HOME: dir }));
  const phala = cli.phala;

  it("submits Sudo.sudo(call) with --sudo, printing the statuses, the events and the fee", async () => {
    const { node, submitted } = await txNode({ type: "Ok" });
    const args = JSON.stringify({ measurement });
    expect(await phala("tx", "PhalaRegistry", "addPruntime", args, "--sudo", "--node", node.url)).toBe(0);
    expect(cli.output.err).toBe("");
    const lines = cli.output.out.trimEnd().split("\n");
    expect(lines.slice(0, 2)).toEqual([
      "call:                   PhalaRegistry.add_pruntime, wrapped in Sudo.sudo",
      `from:                   ${alice.address}`,
    ]);
    expect(lines[2]).toMatch(/^submitted: +0x[0-9a-f]{64}$/);
    expect(lines.slice(3)).toEqual([
      `in block:               #11 ${hashOf(0xbb)}`,
      `finalized:              #11 ${hashOf(0xbb)}`,
      "events:                 3",
      '  Sudo.Sudid {"sudo_result":{"success":true}}',
      `  TransactionPayment.TransactionFeePaid {"who":"${alice.address}","actual_fee":"1000","tip":"0"}`,
      expect.stringMatching(/^ {2}System\.ExtrinsicSuccess \{"dispatch_info":/),
      "fee:                    0.000000001 PHA",
    ]);
    expect(decodeExtrinsic(fromHex(submitted[0]!)).call).toEqual(
      nodeMetadata.encodeCall("Sudo", "sudo", {
        call: { type: "PhalaRegistry", value: { type: "add_pruntime", value: { measurement } } },
      }),
    );
  });

  it("submits the call itself without --sudo, from --from, and prints JSON with --json", async () => {
    const { node, submitted } = await txNode();
    const args = JSON.stringify({ dest: { type: "Id", value: alice.address }, value: "1000000000000" });
    expect(
      await phala(
        "tx",
        "Balances",
        "transfer_keep_alive",
        args,
        "--from",
        "//Bob",
        "--wait",
        "inBlock",
        "--node",
        node.url,
        "--json",
      ),
    ).toBe(0);
    const json = JSON.parse(cli.output.out);
    expect(json).toMatchObject({
      call: "Balances.transfer_keep_alive",
      sudo: false,
      from: bob.address,
      status: "inBlock",
      fee: "1000",
    });
    expect(json.statuses.map((s: { type: string }) => s.type)).toEqual(["ready", "inBlock"]);
    const xt = decodeExtrinsic(fromHex(submitted[0]!));
    expect(xt.call).toEqual(
      nodeMetadata.encodeCall("Balances", "transfer_keep_alive", { dest: alice.accountId, value: 10n ** 12n }),
    );
    expect(xt.signed?.signer).toEqual(bob.accountId);
  });

  it("exits 3 naming the wrapped call's error when Sudid reports a failure", async () => {
    const { node } = await txNode({ type: "Err", value: moduleError("PhalaRegistry", "MeasurementAlreadyAllowed") });
    const args = JSON.stringify({ measurement });
    expect(await phala("tx", "PhalaRegistry", "add_pruntime", args, "--sudo", "--node", node.url)).toBe(3);
    expect(cli.output.err).toMatch(
      /^error: PhalaRegistry\.add_pruntime failed under sudo: PhalaRegistry\.MeasurementAlreadyAllowed.* \(TX_FAILED\)\n$/,
    );
    expect(cli.output.out).toMatch(/\nfinalized: +#11 /);
    expect(await phala("tx", "PhalaRegistry", "add_pruntime", args, "--sudo", "--node", node.url, "--json")).toBe(3);
    expect(JSON.parse(cli.output.out).error).toMatchObject({
      code: "TX_FAILED",
      details: { error: "PhalaRegistry.MeasurementAlreadyAllowed", call: "PhalaRegistry.add_pruntime", sudo: true },
    });
  });

  it("exits 3 with BadOrigin for a root call sent without --sudo, and says to add it", async () => {
    const { node } = await txNode(undefined, { type: "BadOrigin" });
    expect(await phala("tx", "PhalaRegistry", "rotate_master_key", "--node", node.url)).toBe(3);
    expect(cli.output.err).toBe(
      "error: the transaction failed: BadOrigin; if it is a governance (root) call, add --sudo (TX_FAILED)\n",
    );
    expect(await phala("tx", "PhalaRegistry", "rotate_master_key", "--node", node.url, "--json")).toBe(3);
    expect(JSON.parse(cli.output.out).error).toMatchObject({ code: "TX_FAILED", details: { error: "BadOrigin" } });
  });

  it("exits 2 with nothing submitted for an unknown pallet or call, arguments that do not fit, or bad JSON", async () => {
    const { node } = await txNode({ type: "Ok" });
    expect(await phala("tx", "PhalaRegistry", "add_prutime", "{}", "--sudo", "--node", node.url)).toBe(2);
    expect(cli.output.err).toBe(
      "error: the chain has no call PhalaRegistry.add_prutime; PhalaRegistry's calls: register_worker, add_pruntime, remove_pruntime, register_gatekeeper, unregister_gatekeeper, rotate_master_key, cancel_master_key_rotation (CLI_UNKNOWN_CALL)\n",
    );
    expect(await phala("tx", "Phalaregistry", "add_pruntime", "{}", "--node", node.url, "--json")).toBe(2);
    expect(JSON.parse(cli.output.out).error).toMatchObject({
      code: "CLI_UNKNOWN_CALL",
      message: "the chain has no pallet Phalaregistry; did you mean PhalaRegistry?",
      details: { close: ["PhalaRegistry"] },
    });
    expect(await phala("tx", "PhalaRegistry", "add_pruntime", '{"measurement":"0x01"}', "--node", node.url)).toBe(2);
    expect(cli.output.err).toBe(
      "error: PhalaRegistry.add_pruntime: measurement must be 32 bytes (a Uint8Array or 0x-hex) (ARGS_INVALID)\n",
    );
    expect(await phala("tx", "PhalaRegistry", "add_pruntime", "{}", "--node", node.url)).toBe(2);
    expect(cli.output.err).toContain("measurement must be given (ARGS_INVALID)");
    expect(cli.output.out).toBe("");
    expect(node.calls.map((c) => c.method)).not.toContain("author_submitAndWatchExtrinsic");
    // Port 1 would fail with exit 1: exit 2 shows nothing was sent.
    expect(await phala("tx", "PhalaRegistry", "add_pruntime", "[1]", "--node", "ws://127.0.0.1:1")).toBe(2);
    expect(cli.output.err).toContain("(CLI_BAD_JSON)");
    expect(
      await phala("tx", "PhalaRegistry", "add_pruntime", "{}", "--from", "nobody", "--node", "ws://127.0.0.1:1"),
    ).toBe(2);
    expect(cli.output.err).toContain("(CLI_UNKNOWN_ACCOUNT)");
    expect(await phala("tx", "PhalaRegistry", "add_pruntime", "{}", "--wait", "ready")).toBe(2);
  });

  it("documents the values it takes, the exit codes and the examples in --help", async () => {
    expect(await phala("tx", "--help")).toBe(0);
    const help = cli.output.out;
    expect(help).toContain("Usage: phala tx [options] <pallet> <call> [args-json]");
    expect(help).toContain("[u8; N], Vec<u8>     0x-hex");
    expect(help).toContain("3  the node refused the transaction");
    expect(help).toContain(`$ phala tx PhalaRegistry register_gatekeeper '{"gatekeeper":"0x…"}' --sudo`);
    expect(help).toContain(
      `$ phala tx PhalaPhatContracts add_cluster '{"workers":["0x…"],"permission":"Public"}' --sudo`,
    );
  });
});
