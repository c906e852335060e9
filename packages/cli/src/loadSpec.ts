import { readFileSync } from "node:fs";
import { type ChainSpec, devSpec, localSpec, specFromJson } from "@phala-ts/node";
import { InvalidArgumentError } from "commander";

export function loadSpec(chain: string): ChainSpec {
  if (chain === "dev") return devSpec();
  if (chain === "local") return localSpec();
  let text: string;
  try {
    text = readFileSync(chain, "utf8");
  } catch {
    throw new InvalidArgumentError(`--chain must be dev, local or a chain spec file; cannot read ${chain}`);
  }
  return specFromJson(JSON.parse(text));
}
