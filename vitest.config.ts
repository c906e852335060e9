import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { conditions: ["phala-source"] },
  test: {
    include: ["packages/*/src/**/*.test.ts", "test/**/*.test.ts"],
    pool: "threads",
    testTimeout: 60_000,
  },
});
