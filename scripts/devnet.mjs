#!/usr/bin/env node
// `npm run devnet` will start the whole network (node, pherry, pRuntime workers and gatekeepers)
// once those packages exist. Until then it says plainly what runs today.
const lines = [
  "Phala-TS devnet: not available yet.",
  "",
  "The chain node, pRuntime, pherry and the gatekeepers are still being built (issues 3-8);",
  "`npm run devnet` will start them all here once they exist.",
  "",
  "What runs today:",
  "  npm test        the test suite of @phala-ts/core (SCALE, hashing, keys, envelope encryption,",
  "                  the Substrate trie and message-queue types), checked against ../shared/vectors",
  "  npm run bench   our figures beside baselines measured in the same run",
  "  npm run build   compile every package (tsc -b)",
];
process.stdout.write(`${lines.join("\n")}\n`);
