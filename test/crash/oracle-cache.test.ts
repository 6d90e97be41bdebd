import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CrashOracle, unreplacedWrites } from "../../scenarios/crash/oracle.js";
import { recordRun } from "../../scenarios/crash/record.js";
import { Rng } from "../../sim/rng/streams.js";
import { CRASH_SCENARIOS, shippedScenario } from "./campaign-rig.js";

describe.each([...CRASH_SCENARIOS, "crash-rollback.yaml"])("the crash oracle's cached answers on %s", (name) => {
  const { scenario, meta } = shippedScenario(name);
  const recording = recordRun(scenario, meta, undefined);

  it("equal the answers worked out from the definition at every crash point and sector", () => {
    const oracle = new CrashOracle(recording);
    const { chunkSectors, touchedChunks } = oracle;
    expect(chunkSectors).toBe(scenario.engine.chunkSizeBytes / oracle.sectorBytes);
    let compared = 0;
    // Forward, backward, forward again in strides, each point twice, and jumps either way in a fixed random order
    // (as a sampled campaign asks): the per-point list is updated in place from the previous point's every time.
    const ascending = Array.from({ length: recording.points.length + 2 }, (_, i) => i - 1);
    const strides = ascending.filter((point) => point % 7 === 0);
    const rng = Rng.root(1).stream("oracle-jumps");
    const jumps = Array.from({ length: 40 }, () => rng.int(-1, recording.points.length));
    for (const point of [...ascending, ...[...ascending].reverse().slice(0, 30), ...strides, ...strides.slice(0, 5), ...jumps]) {
      const atPoint = oracle.allowedSourceAt(point);
      expect(atPoint).toHaveLength(touchedChunks.length * chunkSectors);
      touchedChunks.forEach((chunk, c) => {
        for (let s = 0; s < chunkSectors; s++) {
          const sector = chunk * chunkSectors + s;
          const expected = oracle.allowedSourceUncached(sector, point);
          expect(oracle.allowedSource(sector, point)).toEqual(expected);
          expect(atPoint[c * chunkSectors + s]).toEqual(expected);
          compared++;
        }
      });
    }
    expect(compared).toBeGreaterThan(10_000);
  });

  it("give every session start's allowed contents per touched sector as allowedPhantom does", () => {
    const oracle = new CrashOracle(recording);
    const starts = recording.host.sessionOps.filter((op) => op.action === "start" || op.action === "replace");
    expect(starts.length).toBeGreaterThan(0);
    for (const start of starts) {
      const all = oracle.allowedPhantomAll(start);
      oracle.touchedChunks.forEach((chunk, c) => {
        for (let s = 0; s < oracle.chunkSectors; s++) expect(all[c * oracle.chunkSectors + s]).toEqual(oracle.allowedPhantom(start, chunk * oracle.chunkSectors + s));
      });
    }
  });
});

describe("unreplacedWrites", () => {
  it("keeps exactly the candidates no settled candidate submitted at or after their acknowledgement replaces (against the definition, write by write)", () => {
    const write = fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 10 })).map(([submitPoint, wait]) => ({ submitPoint, ackPoint: submitPoint + wait }));
    fc.assert(
      fc.property(fc.array(write, { maxLength: 30 }), fc.array(fc.boolean(), { maxLength: 30 }), fc.array(fc.boolean(), { maxLength: 30 }), (writes, inList, settledBits) => {
        const candidates = writes.map((_, i) => i).filter((i) => inList[i] === true);
        const settled = (i: number) => settledBits[i] === true;
        // The definition, as the oracle's documentation states it.
        const sure = candidates.filter(settled);
        const expected = candidates.filter((i) => !sure.some((d) => writes[d]!.submitPoint >= writes[i]!.ackPoint));
        expect(unreplacedWrites(writes, candidates, settled)).toEqual({ anySettled: sure.length > 0, kept: expected });
      }),
    );
  });
});
