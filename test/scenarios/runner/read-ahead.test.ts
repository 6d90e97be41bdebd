import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { READ_AHEAD_IOS, runScenario } from "../../../scenarios/runner/run-scenario.js";
import { loadScenarioFile } from "../../../scenarios/schema/load.js";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const meta = { cofwsimVersion: "test", fileName: "s.yaml", contentHash: "h" };

/**
 * Shipped scenarios cut short: closed and open loops, zipf and uniform jobs,
 * reads and writes, a trace, Phantom LU reads, cache-full terminations and
 * two LUs on one disk; and the schema's full example, whose Source LU is a
 * stripe of two rotating disks with write caches.
 */
const CASES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ["scenarios/quickstart.yaml", ["stop.hostIos=3000"]],
  ["scenarios/oltp-zipf-4-sessions.yaml", ["stop.runtime=40ms"]],
  ["scenarios/tpcc-replay.yaml", ["stop.runtime=100ms"]],
  ["scenarios/backup-phantom-read.yaml", ["stop.runtime=30ms"]],
  ["scenarios/cache-fills-up.yaml", []],
  ["scenarios/shared-disk.yaml", ["stop.hostIos=2000"]],
  ["test/scenarios/schema/fixtures/full.yaml", ["stop.hostIos=2000"]],
];

describe("reading workloads ahead to hint the engine (LookaheadSource, CofwEngine.prefetch)", () => {
  it.each(CASES)("%s: the same results and kernel events however far ahead, and the Source LU is hinted of every I/O", (name, overrides) => {
    const scenario = loadScenarioFile(join(root, name), { overrides: [...overrides] });
    const run = (readAheadIos: number) => {
      let hintedIos = 0;
      const { results, kernel } = runScenario(scenario, meta, {
        readAheadIos,
        observeDevices: (devices) => {
          const source = devices.source;
          const passOn = source.prefetch?.bind(source);
          source.prefetch = (offsetsBytes, count) => {
            hintedIos += count;
            passOn?.(offsetsBytes, count);
          };
        },
      });
      // Counted by the engine: the jobs' totals leave out I/Os outside the measurement window (full.yaml's warm-up outlasts this run).
      const ios = results.engine.hostWrites + results.engine.hostReads;
      return { json: JSON.stringify(results), events: kernel.eventCount, hintedIos, ios };
    };
    const none = run(0);
    expect(none.hintedIos).toBe(0);
    expect(none.ios).toBeGreaterThan(100);
    for (const readAheadIos of [1, 7, READ_AHEAD_IOS]) {
      const ahead = run(readAheadIos);
      expect(ahead.json).toBe(none.json);
      expect(ahead.events).toBe(none.events);
      // Every I/O issued was hinted; a run that stops reads at most one batch per source past its last I/O.
      expect(ahead.hintedIos).toBeGreaterThanOrEqual(none.ios);
    }
  });
});
