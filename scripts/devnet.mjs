#!/usr/bin/env node
// `npm run devnet` will start the whole network (node, pherry, pRuntime workers and gatekeepers)
// once the roles exist (issues 6-8). Until then it says plainly what runs today.
const lines = [
  "Phala-TS devnet: not available yet.",
  "",
  "Gatekeepers, contracts and clients are still being built (issues 6-8);",
  "`npm run devnet` will start the whole network here once they exist.",
  "",
  "What runs today (after `npm run build`):",
  "  node packages/cli/bin/phala.js node --dev     a development chain, JSON-RPC on ws://127.0.0.1:9944",
  "  node packages/cli/bin/phala.js pruntime       a pRuntime (simulated enclave), API on http://127.0.0.1:8000",
  "  PHALA_PHERRY_OPERATOR=//Bob node packages/cli/bin/phala.js pherry",
  "                                                the relayer: syncs the pRuntime, relays its messages, registers it",
  "  npm test        every test, including real node, pRuntime and pherry processes on loopback",
  "  npm run bench   our figures beside baselines measured in the same run",
];
process.stdout.write(`${lines.join("\n")}\n`);
