import type { Keypair } from "@phala-ts/core";
import type { ContractView } from "../network/phatContracts.js";
import type { CommandOptions } from "./command.js";
import type {
  AnswerOf,
  AnyContract,
  CommandOf,
  CommandOutcome,
  ContractDefinitionLike,
  QueryOutcome,
  RequestOf,
  ResultOf,
} from "./contractTypes.js";

/** What a handle needs of the client. */
export interface ContractClient {
  command(signer: Keypair, contract: string, input: unknown, options: CommandOptions): Promise<CommandOutcome>;
  query(workerUrl: string, signer: Keypair, contract: string, request: unknown): Promise<QueryOutcome>;
  contractInfo(contract: string): Promise<ContractView | undefined>;
}

/**
 * A contract on chain, typed by its definition: `client.contract<typeof counter>(id)`, where
 * `counter` is the default export of a contract written with `defineContract`, makes `command`
 * and `query` take its command and request types and resolve with its result and answer types.
 */
export class ContractHandle<D extends ContractDefinitionLike = AnyContract> {
  constructor(
    readonly client: ContractClient,
    /** 0x-hex. */
    readonly id: string,
  ) {}

  command(signer: Keypair, input: CommandOf<D>, options: CommandOptions): Promise<CommandOutcome<ResultOf<D>>> {
    return this.client.command(signer, this.id, input, options) as Promise<CommandOutcome<ResultOf<D>>>;
  }

  query(workerUrl: string, signer: Keypair, request: RequestOf<D>): Promise<QueryOutcome<AnswerOf<D>>> {
    return this.client.query(workerUrl, signer, this.id, request) as Promise<QueryOutcome<AnswerOf<D>>>;
  }

  /** Its record on chain (deployer, code, cluster, keys, command count), or undefined. */
  info(): Promise<ContractView | undefined> {
    return this.client.contractInfo(this.id);
  }
}
