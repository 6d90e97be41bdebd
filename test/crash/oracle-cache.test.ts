import { describe, expect, it } from "vitest";
import { CrashOracle } from "../../scenarios/crash/oracle.js";
import { recordRun } from "../../scenarios/crash/record.js";
import { CRASH_SCENARIOS, shippedScenario } from "./campaign-rig.js";

describe.each(CRASH_SCENARIOS)("the crash oracle's cached answers on %s", (name) => {
  it("equal the answers worked out from the definition at every crash point and sector", () => {
    const { scenario, meta } = shippedScenario(name);
    const recording = recordRun(scenario, meta, undefined);
    const oracle = new CrashOracle(recording);
    const chunkSectors = scenario.engine.chunkSizeBytes / oracle.sectorBytes;
    let compared = 0;
    // Out of order, so the cache is not only ever asked for increasing points.
    const points = Array.from({ length: recording.points.length + 2 }, (_, i) => i - 1).reverse();
    for (const chunk of oracle.touchedChunks) {
      for (let sector = chunk * chunkSectors; sector < (chunk + 1) * chunkSectors; sector++) {
        for (const point of points) {
          expect(oracle.allowedSource(sector, point)).toEqual(oracle.allowedSourceUncached(sector, point));
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(10_000);
  });
});
