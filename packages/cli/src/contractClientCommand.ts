import { readFile } from "node:fs/promises";
import type { BlockRef, CommandOutcome, ContractView, DeployedContract } from "@phala-ts/sdk";
import { type Command, Option } from "commander";
import { parsePha, parsePlanck, phaText } from "./amount.js";
import { field, item, listLines } from "./chainQuery.js";
import { CliError } from "./cliError.js";
import {
  ACCOUNT_FORMS,
  clientAction,
  helpText,
  jsonOption,
  NODE_FAILURE,
  nodeOption,
  printResult,
  Refusal,
  signerOption,
  withClient,
} from "./clientCommand.js";
import { contractBookPath, readContractBook, recordContract, resolveContract } from "./contractBook.js";
import { jsonText, parseJsonArg } from "./jsonOutput.js";
import { localName } from "./keystore.js";
import { LOCAL_WORKER_URL, WORKER_ENV, workerUrl } from "./options.js";

/** What a command may burn unless `--gas` says otherwise: the engine's default limit per call. */
export const DEFAULT_GAS = 10_000_000n;

interface BookFlags {
  node: string;
  json?: boolean;
  book?: string;
}

interface DeployFlags extends BookFlags {
  cluster: string;
  args?: string;
  salt?: string;
  gas?: string;
  from: string;
  name?: string;
}

interface CommandFlags extends BookFlags {
  from: string;
  gas?: string;
  deposit?: string;
}

interface QueryFlags extends BookFlags {
  as: string;
  worker: string;
}

const HEX32 = /^0x[0-9a-fA-F]{64}$/;

/** A cluster given as its index (0, 1, …) or its id (0x + 64 hex digits). */
export function parseClusterRef(text: string): bigint | string {
  if (/^\d{1,20}$/.test(text)) return BigInt(text);
  if (HEX32.test(text)) return text.toLowerCase();
  throw new CliError(
    "CLI_BAD_ARGUMENT",
    `--cluster ${text} is neither an index (0, 1, …) nor a cluster id (0x + 64 hex digits)`,
    {
      cluster: text,
    },
  );
}

/** The bundle to deploy: a `.ts` source is built first (as `phala contract build`), anything else is the bundle. */
async function loadCode(file: string): Promise<string> {
  if (/\.[cm]?tsx?$/.test(file)) {
    const { buildContract } = await import("@phala-ts/contracts/build");
    return (await buildContract(file)).code;
  }
  try {
    return await readFile(file, "utf8");
  } catch (cause) {
    throw new CliError("CLI_BAD_ARGUMENT", `cannot read the contract bundle ${file}`, { file }, { cause });
  }
}

const blockText = (at: BlockRef) => `#${at.number} ${at.hash}`;

/** A command's receipt (init's included): where it went and what it cost. */
function receiptJson(outcome: CommandOutcome): Record<string, unknown> {
  return {
    index: outcome.index,
    gasUsed: outcome.gasUsed,
    fee: outcome.fee,
    txHash: outcome.txHash,
    pushedIn: outcome.pushedIn,
    repliedIn: outcome.repliedIn,
  };
}

function receiptLines(outcome: CommandOutcome, label = "command"): string[] {
  return [
    field(0, label, `#${outcome.index}, pushed in block ${blockText(outcome.pushedIn)}`),
    field(0, "replied in", blockText(outcome.repliedIn)),
    field(0, "gas used", `${outcome.gasUsed} (fee ${phaText(outcome.fee)})`),
  ];
}

export interface DeployView {
  readonly deployed: DeployedContract;
  readonly deployer: string;
  readonly name: string | undefined;
  readonly book: string;
}

export function deployJson({ deployed, deployer, name, book }: DeployView): Record<string, unknown> {
  return {
    id: deployed.id,
    name: name ?? null,
    book: name === undefined ? null : book,
    codeHash: deployed.codeHash,
    cluster: deployed.cluster,
    deployer,
    salt: deployed.salt,
    keys: deployed.keys,
    init: receiptJson(deployed.init),
  };
}

export function deployLines({ deployed, deployer, name, book }: DeployView): string[] {
  return [
    field(0, "contract", deployed.id),
    ...(name === undefined ? [] : [field(0, "name", `${name} (in ${book})`)]),
    field(0, "code hash", deployed.codeHash),
    field(0, "cluster", deployed.cluster),
    field(0, "deployer", deployer),
    field(0, "salt", deployed.salt),
    ...receiptLines(deployed.init, "init"),
  ];
}

/** A command's reply, or the contract's refusal as an error that exits 3. */
export function commandResult(outcome: CommandOutcome): { json: Record<string, unknown>; lines: string[] } {
  if (!outcome.ok) {
    throw new Refusal(outcome.error.code, `the contract refused the command: ${outcome.error.message}`, {
      contract: outcome.contract,
      ...receiptJson(outcome),
    });
  }
  return {
    json: {
      contract: outcome.contract,
      ok: true,
      output: outcome.output,
      events: outcome.events,
      ...receiptJson(outcome),
    },
    lines: [
      field(0, "reply", jsonText(outcome.output)),
      ...receiptLines(outcome),
      ...(outcome.events.length === 0
        ? []
        : listLines(
            0,
            "events",
            outcome.events.map((event) => item(1, jsonText(event))),
          )),
    ],
  };
}

export interface ContractListView {
  readonly at: BlockRef;
  readonly contracts: readonly ContractView[];
  /** Book names by contract id. */
  readonly names: ReadonlyMap<string, string>;
}

export function contractListJson({ at, contracts, names }: ContractListView): Record<string, unknown> {
  return {
    at: { number: at.number, hash: at.hash },
    contracts: contracts.map((contract) => ({
      id: contract.id,
      name: names.get(contract.id) ?? null,
      cluster: contract.cluster,
      deployer: contract.deployer,
      codeHash: contract.codeHash,
      salt: contract.salt,
      commandCount: contract.commandCount,
      keys: contract.keys ?? null,
    })),
  };
}

export function contractListLines({ at, contracts, names }: ContractListView): string[] {
  return [
    field(0, "finalized block", blockText(at)),
    ...listLines(
      0,
      "contracts",
      contracts.flatMap((contract) => {
        const name = names.get(contract.id);
        return [
          item(1, `${contract.id}${name === undefined ? "" : ` (${name})`}`),
          field(2, "cluster", contract.cluster),
          field(2, "deployer", contract.deployer),
          field(2, "code hash", contract.codeHash),
          field(
            2,
            "commands",
            `${contract.commandCount}${contract.keys === undefined ? " (keys not yet published)" : ""}`,
          ),
        ];
      }),
      contracts.length,
    ),
  ];
}

/** Book names by contract id (the first name, alphabetically, when a contract has several). */
export async function namesById(book: string): Promise<Map<string, string>> {
  const { contracts } = await readContractBook(book);
  const names = new Map<string, string>();
  for (const [name, entry] of Object.entries(contracts).sort(([a], [b]) => a.localeCompare(b)))
    if (!names.has(entry.id.toLowerCase())) names.set(entry.id.toLowerCase(), name);
  return names;
}

const bookOption = () =>
  new Option("--book <file>", "the contract address book (default: $PHALA_CONTRACTS, else ./.devnet/contracts.json)");

const CONTRACT_ARG = "a contract id (0x + 64 hex digits) or a name in the address book";

/** `phala contract deploy|command|query|list`: the client side of confidential contracts. */
export function addContractClientCommands(contract: Command): void {
  contract
    .command("deploy")
    .argument("<file>", "the bundle (`phala contract build`), or a contract's .ts source to build first")
    .description("upload and instantiate a contract in a cluster, wait for its init, and optionally name it")
    .option("--cluster <index|id>", "the cluster to run it: its index (0, 1, …) or id", "0")
    .option("--args <json>", "the init arguments (JSON), sealed to the cluster's key")
    .option("--salt <text>", "makes the contract id unique (default: 16 random bytes)")
    .option("--gas <n>", `the most gas init may use (default ${DEFAULT_GAS})`)
    .addOption(signerOption("--from <account>", "who deploys and pays"))
    .addOption(
      new Option("--name <name>", "record the contract under this name in the address book").argParser(localName),
    )
    .addOption(bookOption())
    .addOption(nodeOption())
    .addOption(jsonOption())
    .addHelpText(
      "after",
      helpText({
        about: `The contract's id is blake2-256(deployer, code hash, cluster, salt). The code is uploaded unless the
chain has it; init runs in every worker of the cluster and its reply is opened here. A name already
in the book is refused before anything is sent.
${ACCOUNT_FORMS}`,
        failure:
          "the node cannot be reached or does not answer in time, no init reply came in time, or another failure",
        refused: "the chain refused a transaction, the cluster is not ready, or init failed (the contract's error)",
        examples: [
          "phala contract deploy contract.ts --name counter --args '{\"start\":1}'",
          "phala contract deploy dist/token.js --cluster 0 --from alice-ops --salt v2 --json",
        ],
      }),
    )
    .action(
      clientAction(async (file: string, flags: DeployFlags) => {
        const cluster = parseClusterRef(flags.cluster);
        const args = flags.args === undefined ? undefined : parseJsonArg(flags.args, "--args");
        const gasLimit = flags.gas === undefined ? DEFAULT_GAS : parsePlanck(flags.gas, "gas");
        const book = contractBookPath(flags.book);
        if (flags.name !== undefined) {
          const known = (await readContractBook(book)).contracts[flags.name];
          if (known !== undefined)
            throw new CliError("CLI_CONTRACT_NAME_TAKEN", `"${flags.name}" already names ${known.id} in ${book}`, {
              name: flags.name,
              path: book,
              id: known.id,
            });
        }
        const { resolveSigner } = await import("./accountArg.js");
        const from = await resolveSigner(flags.from);
        const code = await loadCode(file);
        const deployed = await withClient(flags.node, (client) =>
          client.deploy(from.signer, {
            code,
            cluster,
            args,
            gasLimit,
            ...(flags.salt === undefined ? {} : { salt: flags.salt }),
          }),
        );
        if (flags.name !== undefined)
          await recordContract(book, flags.name, {
            id: deployed.id,
            cluster: deployed.cluster,
            codeHash: deployed.codeHash,
            deployer: from.address,
            salt: deployed.salt,
          });
        const view = { deployed, deployer: from.address, name: flags.name, book };
        printResult(
          flags.json,
          () => deployJson(view),
          () => deployLines(view),
        );
      }),
    );

  contract
    .command("command")
    .argument("<contract>", CONTRACT_ARG)
    .argument("<json>", "the command (JSON), sealed to the contract's key")
    .description("send a sealed command through the chain, wait for the cluster's reply and print it decrypted")
    .addOption(signerOption("--from <account>", "who sends and pays"))
    .option("--gas <n>", `the most gas the command may use (default ${DEFAULT_GAS})`)
    .option("--deposit <pha>", "reserved until the reply (default and least: gas × GasPrice), in PHA")
    .addOption(bookOption())
    .addOption(nodeOption())
    .addOption(jsonOption())
    .addHelpText(
      "after",
      helpText({
        about: `The command is pushed with PhalaPhatContracts.push_command; the reply (sealed to this command's key)
comes in a later finalized block. Only the gas used is burned; the rest of the deposit comes back.
${ACCOUNT_FORMS}`,
        failure: "the node cannot be reached or does not answer in time, no reply came in time, or another failure",
        refused:
          "the chain refused the transaction, or the contract refused the command (its error: CONTRACT_THREW, CONTRACT_OUT_OF_GAS, …)",
        examples: [
          `phala contract command private-token '{"transfer":{"to":"0x8eaf04151687736326c9fea17e25fc5287613693c912909cb226aa4794f26a48","amount":"10"}}'`,
          "phala contract command counter '{\"add\":2}' --from alice-ops --gas 2000000 --json",
        ],
      }),
    )
    .action(
      clientAction(async (ref: string, input: string, flags: CommandFlags) => {
        const command = parseJsonArg(input, "the command");
        const gasLimit = flags.gas === undefined ? DEFAULT_GAS : parsePlanck(flags.gas, "gas");
        const deposit = flags.deposit === undefined ? undefined : parsePha(flags.deposit);
        const id = await resolveContract(ref, contractBookPath(flags.book));
        const { resolveSigner } = await import("./accountArg.js");
        const from = await resolveSigner(flags.from);
        const outcome = await withClient(flags.node, (client) =>
          client.command(from.signer, id, command, { gasLimit, ...(deposit === undefined ? {} : { deposit }) }),
        );
        const { json, lines } = commandResult(outcome);
        printResult(
          flags.json,
          () => json,
          () => lines,
        );
      }),
    );

  contract
    .command("query")
    .argument("<contract>", CONTRACT_ARG)
    .argument("<json>", "the query (JSON)")
    .description("ask a worker a signed, encrypted query and print the contract's answer (JSON)")
    .addOption(signerOption("--as <account>", "who asks (the contract sees this caller)"))
    .addOption(
      new Option("--worker <url>", "the worker's API address")
        .env(WORKER_ENV)
        .default(LOCAL_WORKER_URL)
        .argParser(workerUrl),
    )
    .addOption(bookOption())
    .addOption(nodeOption())
    .addOption(jsonOption())
    .addHelpText(
      "after",
      helpText({
        about: `The worker is verified first (\`phala worker verify\`): its /info signed by a registered identity key.
The query is signed by the account, sealed to the worker's key, and the answer is checked against
the worker's identity key. Nothing goes through the chain.
${ACCOUNT_FORMS}`,
        failure: "the node or the worker cannot be reached or does not answer in time, or another failure",
        refused:
          "the contract refused the query (its error), the worker refused it (QUERY_RATE_LIMITED, QUERY_CONTRACT_NOT_FOUND, …), or the worker failed verification",
        examples: [
          `phala contract query private-token '{"balance":{}}'`,
          `phala contract query private-token '{"totalSupply":{}}' --as alice-ops --worker http://127.0.0.1:8002 --json`,
        ],
      }),
    )
    .action(
      clientAction(async (ref: string, input: string, flags: QueryFlags) => {
        const request = parseJsonArg(input, "the query");
        const id = await resolveContract(ref, contractBookPath(flags.book));
        const { resolveSigner } = await import("./accountArg.js");
        const as = await resolveSigner(flags.as);
        const outcome = await withClient(flags.node, (client) => client.query(flags.worker, as.signer, id, request));
        if (!outcome.ok)
          throw new Refusal(outcome.error.code, `the contract refused the query: ${outcome.error.message}`, {
            contract: id,
            worker: flags.worker,
          });
        printResult(
          flags.json,
          () => ({ contract: id, worker: flags.worker, as: as.address, output: outcome.output }),
          () => [JSON.stringify(outcome.output ?? null, null, 2)],
        );
      }),
    );

  contract
    .command("list")
    .description("show the contracts on chain: id, cluster, deployer, code hash, and their names in the address book")
    .addOption(bookOption())
    .addOption(nodeOption())
    .addOption(jsonOption())
    .addHelpText(
      "after",
      helpText({
        about: "Reads PhalaPhatContracts at the node's finalized head, by contract id.",
        failure: NODE_FAILURE,
        examples: ["phala contract list", "phala contract list --book ./contracts.json --json"],
      }),
    )
    .action(
      clientAction(async (flags: BookFlags) => {
        const names = await namesById(contractBookPath(flags.book));
        const view = await withClient(flags.node, async (client) => {
          const at = await client.finalizedBlock();
          return { at, contracts: await client.contracts({ at: at.hash }), names };
        });
        printResult(
          flags.json,
          () => contractListJson(view),
          () => contractListLines(view),
        );
      }),
    );
}
