import { defineConfig } from "vitest/config";

// Test subset used by mutation testing (`npm run mutation`, see stryker.config.mjs):
// only the crash and engine suites that judge the commit and recovery code.
export default defineConfig({
  test: {
    include: [
      "test/crash/**/*.test.ts",
      "test/engine/crash-*.test.ts",
      "test/engine/recovery*.test.ts",
      "test/engine/format*.test.ts",
      "test/engine/fsck*.test.ts",
      "test/engine/policy-costs.test.ts",
    ],
    testTimeout: 60_000,
    pool: "forks",
  },
});
