import { defineConfig } from "vitest/config";
import { SummaryReporter } from "./scripts/summaryReporter.js";

export default defineConfig({
  resolve: { conditions: ["phala-source"] },
  test: {
    include: ["packages/*/src/**/*.test.ts", "test/**/*.test.ts", "examples/**/*.test.ts"],
    pool: "threads",
    testTimeout: 60_000,
    reporters: ["default", new SummaryReporter()],
  },
});
