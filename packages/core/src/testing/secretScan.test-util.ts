import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

export function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Every way a secret could show up in a file or a log: raw, hex (either case), base64. */
export function secretEncodings(secret: Uint8Array): Buffer[] {
  const raw = Buffer.from(secret);
  const hex = raw.toString("hex");
  return [raw, Buffer.from(hex), Buffer.from(hex.toUpperCase()), Buffer.from(raw.toString("base64"))];
}

/** Where any encoding of any secret appears: `[place, index of the secret]` for each hit. */
export function findSecrets(
  secrets: readonly Uint8Array[],
  haystacks: readonly (readonly [place: string, bytes: Uint8Array])[],
): [string, number][] {
  const hits: [string, number][] = [];
  secrets.forEach((secret, index) => {
    const needles = secretEncodings(secret);
    for (const [place, bytes] of haystacks) {
      const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      if (needles.some((needle) => buffer.includes(needle))) hits.push([place, index]);
    }
  });
  return hits;
}

/** Every file under `dir`, read, named by its path. */
export function filesAsHaystacks(dir: string): [string, Uint8Array][] {
  return filesUnder(dir).map((path) => [path, readFileSync(path)]);
}
