import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/setup.ts"],
    testTimeout: 60_000,
    pool: "forks",
    // Vitest's default leaves a core idle (one worker on this 2-core machine); most of the suite's time is spawned CLI
    // runs and crash campaigns, which use both: the whole suite took 604 s with one worker and 411 s with two, which
    // keeps CI (.ci/run) well inside its 15 minutes.
    maxWorkers: availableParallelism(),
  },
});
