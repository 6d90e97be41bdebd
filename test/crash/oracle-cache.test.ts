import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AllowedBySector } from "../../scenarios/crash/allowed-by-sector.js";
import { CrashOracle, unreplacedWrites } from "../../scenarios/crash/oracle.js";
import type { Token } from "../../scenarios/crash/tokens.js";
import { recordRun } from "../../scenarios/crash/record.js";
import { Rng } from "../../sim/rng/streams.js";
import { CRASH_SCENARIOS, shippedScenario } from "./campaign-rig.js";

/** The sector's check passes each token of `expected` and fails one outside it. */
function expectAllowsExactly(allowed: AllowedBySector, flat: number, expected: readonly Token[]): void {
  for (const token of expected) expect(allowed.firstDisallowed(flat, Float64Array.of(token), 1)).toBe(-1);
  expect(allowed.firstDisallowed(flat, Float64Array.of(Math.max(0, ...expected) + 1), 1)).toBe(0);
}

// Each with how many sectors of its touched chunks no host write touches: the rollback scenario's writes cover its chunks whole.
const SCENARIOS = [...CRASH_SCENARIOS.map((name) => ({ name, neverWrittenSectors: 128 })), { name: "crash-rollback.yaml", neverWrittenSectors: 0 }];

describe.each(SCENARIOS)("the crash oracle's cached answers on $name", ({ name, neverWrittenSectors }) => {
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
      expect(atPoint.length).toBe(touchedChunks.length * chunkSectors);
      touchedChunks.forEach((chunk, c) => {
        for (let s = 0; s < chunkSectors; s++) {
          const sector = chunk * chunkSectors + s;
          const expected = oracle.allowedSourceUncached(sector, point);
          expect(oracle.allowedSource(sector, point)).toEqual(expected);
          expect(atPoint.at(c * chunkSectors + s)).toEqual(expected);
          expectAllowsExactly(atPoint, c * chunkSectors + s, expected);
          compared++;
        }
      });
    }
    expect(compared).toBeGreaterThan(10_000);
    // The sectors no host write touches, answered without a timeline (see neverWritten), were among those compared.
    const written = new Set(recording.host.writes.flatMap((write) => Array.from({ length: write.lengthBytes / oracle.sectorBytes }, (_, i) => write.offsetBytes / oracle.sectorBytes + i)));
    const neverWritten = touchedChunks.flatMap((chunk) => Array.from({ length: chunkSectors }, (_, s) => chunk * chunkSectors + s)).filter((sector) => !written.has(sector));
    expect(neverWritten).toHaveLength(neverWrittenSectors);
  });

  it("give every session start's allowed contents per touched sector as allowedPhantom does", () => {
    const oracle = new CrashOracle(recording);
    const starts = recording.host.sessionOps.filter((op) => op.action === "start" || op.action === "replace");
    expect(starts.length).toBeGreaterThan(0);
    for (const start of starts) {
      const all = oracle.allowedPhantomAll(start);
      oracle.touchedChunks.forEach((chunk, c) => {
        for (let s = 0; s < oracle.chunkSectors; s++) {
          const expected = oracle.allowedPhantom(start, chunk * oracle.chunkSectors + s);
          expect(all.at(c * oracle.chunkSectors + s)).toEqual(expected);
          expectAllowsExactly(all, c * oracle.chunkSectors + s, expected);
        }
      });
    }
  });
});

describe("the crash oracle's swept timelines on a zipf workload", () => {
  it("equal the definition at sampled crash points, for the hottest sectors (thousands of writes) and random written ones", () => {
    const { scenario, meta } = shippedScenario("quickstart.yaml");
    const recording = recordRun(scenario, meta, undefined);
    const oracle = new CrashOracle(recording);
    const sectorBytes = oracle.sectorBytes;
    const writesPerSector = new Map<number, number>();
    for (const write of recording.host.writes) {
      for (let sector = write.offsetBytes / sectorBytes; sector < (write.offsetBytes + write.lengthBytes) / sectorBytes; sector++) writesPerSector.set(sector, (writesPerSector.get(sector) ?? 0) + 1);
    }
    const byWrites = [...writesPerSector].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    expect(byWrites[0]![1]).toBeGreaterThan(1000);
    const rng = Rng.root(1).stream("swept-timelines");
    const sectors = [...byWrites.slice(0, 4).map(([sector]) => sector), ...Array.from({ length: 40 }, () => byWrites[rng.int(0, byWrites.length - 1)]![0])];
    const points = Array.from({ length: 150 }, () => rng.int(-1, recording.points.length));
    for (const sector of sectors) for (const point of points) expect(oracle.allowedSource(sector, point)).toEqual(oracle.allowedSourceUncached(sector, point));
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
