import { X509Certificate } from "node:crypto";
import { simQuotingPublicKey } from "@phala-ts/attestation";
import { devAccounts, fromHex, keypairFromUri, PhalaError, ss58Decode, ss58Encode, toHex } from "@phala-ts/core";
import { PHA } from "../pallets/balances.js";
import { DEFAULT_ATTESTATION_POLICY } from "../pallets/registry.js";
import type { GenesisConfig } from "./genesisState.js";

/**
 * A chain spec: everything that fixes a chain's genesis and parameters. Its JSON form (what
 * `phala build-spec` prints and `--chain <file>` reads) uses SS58 addresses, hex keys and
 * decimal-string balances so that it is readable and exact.
 */
export interface ChainSpec {
  readonly name: string;
  readonly id: string;
  readonly chainType: "Development" | "Local" | "Live";
  readonly properties: { readonly ss58Format: number; readonly tokenSymbol: string; readonly tokenDecimals: number };
  readonly blockTimeMs: number;
  readonly attestation: {
    /** Whether workers may register with simulated attestation (never on a live chain). */
    readonly allowSimulated: boolean;
    /** The Ed25519 keys whose simulated quotes the chain accepts (the sim platform's quoting key). */
    readonly simulatedQuotingKeys: readonly Uint8Array[];
    /** Whether SGX DCAP evidence (quote and collateral) is accepted. Default true. */
    readonly allowDcap: boolean;
    /** Whether legacy IAS (EPID) reports are accepted. Default false: IAS ended in 2025. */
    readonly allowIas: boolean;
    /**
     * The worst TCB confidence accepted for SGX evidence, 1 (UpToDate) to 5 (out of date); revoked
     * TCBs never register. Default 5, as Phala: the level is recorded on the worker.
     */
    readonly maxConfidenceLevel: number;
    /** Intel advisory IDs tolerated for confidence 3 (`INTEL-SA-00615`). Default none. */
    readonly advisoryAllowlist: readonly string[];
    /** The oldest DCAP collateral accepted (now minus its TCB info / QE identity issue date). Default 30 days. */
    readonly dcapMaxCollateralAgeSecs: number;
    /** The oldest IAS report accepted (now minus its timestamp). Default 7200 s. */
    readonly iasMaxReportAgeSecs: number;
    /**
     * DER of a root CA trusted instead of Intel's SGX Root CA, for test networks with a private
     * PKI; absent (the default) means Intel's pinned root. A Live chain may not set it.
     */
    readonly trustedSgxRootCa?: Uint8Array | undefined;
    /**
     * The pRuntime builds allowed at genesis (MRENCLAVE, or the sim bundle measurement `/info`
     * shows); sudo's `add_pruntime` / `remove_pruntime` manage the list afterwards. Default none.
     */
    readonly pruntimeAllowList: readonly Uint8Array[];
  };
  readonly genesis: {
    readonly balances: readonly (readonly [accountId: Uint8Array, free: bigint])[];
    /** Ed25519 authority keys with their weights. */
    readonly authorities: readonly (readonly [id: Uint8Array, weight: bigint])[];
    readonly sudo: Uint8Array | undefined;
  };
}

export class ChainSpecError extends PhalaError<"CHAIN_SPEC_INVALID"> {
  override readonly name = "ChainSpecError";
}

const PHALA_PROPERTIES = { ss58Format: 30, tokenSymbol: "PHA", tokenDecimals: 12 } as const;

/** The attestation fields a spec may leave out, and their values then (the registry's defaults). */
const ATTESTATION_DEFAULTS = {
  allowDcap: DEFAULT_ATTESTATION_POLICY.allowDcap,
  allowIas: DEFAULT_ATTESTATION_POLICY.allowIas,
  maxConfidenceLevel: DEFAULT_ATTESTATION_POLICY.maxConfidenceLevel,
  advisoryAllowlist: DEFAULT_ATTESTATION_POLICY.advisoryAllowlist,
  dcapMaxCollateralAgeSecs: Number(DEFAULT_ATTESTATION_POLICY.dcapMaxCollateralAgeSecs),
  iasMaxReportAgeSecs: Number(DEFAULT_ATTESTATION_POLICY.iasMaxReportAgeSecs),
  pruntimeAllowList: [] as readonly Uint8Array[],
} as const;

function testnet(name: string, id: string, chainType: ChainSpec["chainType"], validators: string[]): ChainSpec {
  const sr = devAccounts("sr25519");
  return {
    name,
    id,
    chainType,
    properties: PHALA_PROPERTIES,
    blockTimeMs: 1000,
    attestation: { ...ATTESTATION_DEFAULTS, allowSimulated: true, simulatedQuotingKeys: [simQuotingPublicKey()] },
    genesis: {
      balances: Object.values(sr).map((k) => [k.accountId, 1_000_000n * PHA] as const),
      authorities: validators.map((uri) => [keypairFromUri(uri, "ed25519").publicKey, 1n] as const),
      sudo: sr.Alice.accountId,
    },
  };
}

/** `--chain dev`: one validator (//Alice), every dev account endowed, Alice as sudo. */
export const devSpec = (): ChainSpec => testnet("Phala-TS Development", "phala_ts_dev", "Development", ["//Alice"]);
/** `--chain local`: Alice and Bob as validators. */
export const localSpec = (): ChainSpec =>
  testnet("Phala-TS Local Testnet", "phala_ts_local", "Local", ["//Alice", "//Bob"]);

export function genesisConfig(spec: ChainSpec): GenesisConfig {
  return {
    Balances: { balances: spec.genesis.balances },
    Session: { authorities: spec.genesis.authorities },
    PhalaRegistry: {
      policy: {
        allowSimulated: spec.attestation.allowSimulated,
        simulatedQuotingKeys: [...spec.attestation.simulatedQuotingKeys],
        allowDcap: spec.attestation.allowDcap,
        allowIas: spec.attestation.allowIas,
        maxConfidenceLevel: spec.attestation.maxConfidenceLevel,
        advisoryAllowlist: [...spec.attestation.advisoryAllowlist],
        dcapMaxCollateralAgeSecs: BigInt(spec.attestation.dcapMaxCollateralAgeSecs),
        iasMaxReportAgeSecs: BigInt(spec.attestation.iasMaxReportAgeSecs),
        trustedSgxRootCa: spec.attestation.trustedSgxRootCa,
      },
      allowList: [...spec.attestation.pruntimeAllowList],
    },
    ...(spec.genesis.sudo === undefined ? {} : { Sudo: { key: spec.genesis.sudo } }),
  };
}

export function specToJson(spec: ChainSpec): unknown {
  const prefix = spec.properties.ss58Format;
  return {
    name: spec.name,
    id: spec.id,
    chainType: spec.chainType,
    properties: spec.properties,
    blockTimeMs: spec.blockTimeMs,
    attestation: {
      allowSimulated: spec.attestation.allowSimulated,
      simulatedQuotingKeys: spec.attestation.simulatedQuotingKeys.map(toHex),
      allowDcap: spec.attestation.allowDcap,
      allowIas: spec.attestation.allowIas,
      maxConfidenceLevel: spec.attestation.maxConfidenceLevel,
      advisoryAllowlist: [...spec.attestation.advisoryAllowlist],
      dcapMaxCollateralAgeSecs: spec.attestation.dcapMaxCollateralAgeSecs,
      iasMaxReportAgeSecs: spec.attestation.iasMaxReportAgeSecs,
      pruntimeAllowList: spec.attestation.pruntimeAllowList.map(toHex),
      ...(spec.attestation.trustedSgxRootCa === undefined
        ? {}
        : { trustedSgxRootCa: toHex(spec.attestation.trustedSgxRootCa) }),
    },
    genesis: {
      balances: spec.genesis.balances.map(([who, free]) => [ss58Encode(who, prefix), free.toString()]),
      authorities: spec.genesis.authorities.map(([id, weight]) => [toHex(id), Number(weight)]),
      sudo: spec.genesis.sudo === undefined ? null : ss58Encode(spec.genesis.sudo, prefix),
    },
  };
}

function fail(message: string, details: Record<string, unknown> = {}): never {
  throw new ChainSpecError("CHAIN_SPEC_INVALID", message, details);
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail(`${what} must be an object`);
  return value as Record<string, unknown>;
}

function list(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) fail(`${what} must be an array`);
  return value;
}

function text(value: unknown, what: string): string {
  if (typeof value !== "string" || value.length === 0) fail(`${what} must be a non-empty string`);
  return value;
}

function positiveInteger(value: unknown, what: string): number {
  if (!Number.isSafeInteger(value) || (value as number) <= 0) fail(`${what} must be a positive integer`);
  return value as number;
}

function account(value: unknown, prefix: number, what: string): Uint8Array {
  try {
    return ss58Decode(text(value, what), prefix).publicKey;
  } catch (cause) {
    if (cause instanceof ChainSpecError) throw cause;
    fail(`${what} is not an address of this chain`, { value, reason: (cause as Error).message });
  }
}

function bytes32(value: unknown, what: string, kind: string): Uint8Array {
  let key: Uint8Array;
  try {
    key = fromHex(text(value, what));
  } catch {
    fail(`${what} must be 0x-hex`);
  }
  if (key.length !== 32) fail(`${what} must be a 32-byte ${kind}`);
  return key;
}

const ed25519Key = (value: unknown, what: string) => bytes32(value, what, "Ed25519 public key");

/** `field` of `object`, or `fallback` when absent (specs written before the field existed). */
function optional<T>(object: Record<string, unknown>, field: string, fallback: T, parse: (value: unknown) => T): T {
  const value = object[field];
  return value === undefined || value === null ? fallback : parse(value);
}

function boolean(value: unknown, what: string): boolean {
  if (typeof value !== "boolean") fail(`${what} must be a boolean`);
  return value;
}

/** Intel's advisory IDs: `INTEL-SA-00615`, `INTEL-DOC-00001`. */
const ADVISORY_ID = /^INTEL-[A-Z]+-[0-9]{5}$/;

/** A DER X.509 certificate, in hex: the root a test network trusts instead of Intel's. */
function rootCertificate(value: unknown, what: string): Uint8Array {
  let der: Uint8Array;
  try {
    der = fromHex(text(value, what));
  } catch {
    fail(`${what} must be 0x-hex`);
  }
  try {
    const certificate = new X509Certificate(der);
    if (!certificate.ca) fail(`${what} must be a CA certificate`);
  } catch (cause) {
    if (cause instanceof ChainSpecError) throw cause;
    fail(`${what} is not a DER X.509 certificate`, { reason: (cause as Error).message });
  }
  return der;
}

function parseAttestation(
  attestation: Record<string, unknown>,
  chainType: ChainSpec["chainType"],
): ChainSpec["attestation"] {
  const allowSimulated = boolean(attestation["allowSimulated"], "attestation.allowSimulated");
  if (chainType === "Live" && allowSimulated) fail("a Live chain may not allow simulated attestation");
  const simulatedQuotingKeys = list(attestation["simulatedQuotingKeys"], "attestation.simulatedQuotingKeys").map(
    (key, i) => ed25519Key(key, `attestation.simulatedQuotingKeys[${i}]`),
  );
  const defaults = ATTESTATION_DEFAULTS;
  const maxConfidenceLevel = optional(attestation, "maxConfidenceLevel", defaults.maxConfidenceLevel, (value) => {
    if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > 5) {
      fail("attestation.maxConfidenceLevel must be an integer from 1 (UpToDate only) to 5");
    }
    return value as number;
  });
  const advisoryAllowlist = optional(attestation, "advisoryAllowlist", defaults.advisoryAllowlist, (value) =>
    list(value, "attestation.advisoryAllowlist").map((id, i) => {
      if (typeof id !== "string" || !ADVISORY_ID.test(id)) {
        fail(`attestation.advisoryAllowlist[${i}] must be an Intel advisory ID such as INTEL-SA-00615`, { id });
      }
      return id;
    }),
  );
  const trustedSgxRootCa = optional<Uint8Array | undefined>(attestation, "trustedSgxRootCa", undefined, (value) =>
    rootCertificate(value, "attestation.trustedSgxRootCa"),
  );
  if (chainType === "Live" && trustedSgxRootCa !== undefined) {
    fail("a Live chain trusts Intel's SGX Root CA only: attestation.trustedSgxRootCa is for test networks");
  }
  return {
    allowSimulated,
    simulatedQuotingKeys,
    allowDcap: optional(attestation, "allowDcap", defaults.allowDcap, (value) =>
      boolean(value, "attestation.allowDcap"),
    ),
    allowIas: optional(attestation, "allowIas", defaults.allowIas, (value) => boolean(value, "attestation.allowIas")),
    maxConfidenceLevel,
    advisoryAllowlist,
    dcapMaxCollateralAgeSecs: optional(
      attestation,
      "dcapMaxCollateralAgeSecs",
      defaults.dcapMaxCollateralAgeSecs,
      (v) => positiveInteger(v, "attestation.dcapMaxCollateralAgeSecs"),
    ),
    iasMaxReportAgeSecs: optional(attestation, "iasMaxReportAgeSecs", defaults.iasMaxReportAgeSecs, (v) =>
      positiveInteger(v, "attestation.iasMaxReportAgeSecs"),
    ),
    pruntimeAllowList: optional(attestation, "pruntimeAllowList", defaults.pruntimeAllowList, (value) =>
      list(value, "attestation.pruntimeAllowList").map((m, i) =>
        bytes32(m, `attestation.pruntimeAllowList[${i}]`, "measurement"),
      ),
    ),
    ...(trustedSgxRootCa === undefined ? {} : { trustedSgxRootCa }),
  };
}

/** Parses and checks a chain spec's JSON form; any defect is a CHAIN_SPEC_INVALID with its path. */
export function specFromJson(json: unknown): ChainSpec {
  const root = record(json, "the chain spec");
  const properties = record(root["properties"], "properties");
  const ss58Format = properties["ss58Format"];
  if (!Number.isInteger(ss58Format) || (ss58Format as number) < 0 || (ss58Format as number) > 16383) {
    fail("properties.ss58Format must be an integer in 0..16383");
  }
  const prefix = ss58Format as number;
  const chainType = root["chainType"];
  if (chainType !== "Development" && chainType !== "Local" && chainType !== "Live") {
    fail("chainType must be Development, Local or Live");
  }
  const attestation = parseAttestation(record(root["attestation"], "attestation"), chainType);
  const genesis = record(root["genesis"], "genesis");
  const balances = list(genesis["balances"], "genesis.balances").map((entry, i) => {
    const [who, free] = list(entry, `genesis.balances[${i}]`);
    if (typeof free !== "string" || !/^[0-9]+$/.test(free))
      fail(`genesis.balances[${i}] balance must be a decimal string`);
    return [account(who, prefix, `genesis.balances[${i}] account`), BigInt(free)] as const;
  });
  const authorities = list(genesis["authorities"], "genesis.authorities").map((entry, i) => {
    const [id, weight] = list(entry, `genesis.authorities[${i}]`);
    const key = ed25519Key(id, `genesis.authorities[${i}] key`);
    return [key, BigInt(positiveInteger(weight, `genesis.authorities[${i}] weight`))] as const;
  });
  if (authorities.length === 0) fail("genesis.authorities must not be empty");
  const sudo =
    genesis["sudo"] === null || genesis["sudo"] === undefined
      ? undefined
      : account(genesis["sudo"], prefix, "genesis.sudo");
  return {
    name: text(root["name"], "name"),
    id: text(root["id"], "id"),
    chainType,
    properties: {
      ss58Format: prefix,
      tokenSymbol: text(properties["tokenSymbol"], "properties.tokenSymbol"),
      tokenDecimals: positiveInteger(properties["tokenDecimals"], "properties.tokenDecimals"),
    },
    blockTimeMs: positiveInteger(root["blockTimeMs"], "blockTimeMs"),
    attestation,
    genesis: { balances, authorities, sudo },
  };
}
