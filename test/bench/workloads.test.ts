import { describe, expect, it } from "vitest";
import { runBareHeap } from "../../reports/wall/bare-heap-loop.js";
import { runKernelCallbacks, runKernelCoroutines } from "../../bench/kernel-workloads.js";
import { Lcg } from "../../reports/wall/lcg.js";
import { coveredRewrites, engineRig, firstWrites } from "../../bench/engine-workloads.js";
import { runMemoryWorkload, MEMORY_RUN_DEFAULTS } from "../../bench/memory-workload.js";
import { figureLine, met, summaryTable, type Figure } from "../../bench/figures.js";
import { COMMIT_POLICY_NAMES } from "../../engine/index.js";
import { disksimText } from "../../bench/trace-bench.js";
import { parseDisksim } from "../../scenarios/traces/disksim.js";

describe("bench workloads", () => {
  it("the trace figures' DiskSim text is the number of requests asked for, one read in three, in time order, inside 48 GiB", () => {
    const requests = parseDisksim(disksimText(3000), "bench.trace");
    expect(requests).toHaveLength(3000);
    expect(requests.filter((r) => r.kind === "read")).toHaveLength(1000);
    expect(requests.every((r, i) => i === 0 || r.timeNs > requests[i - 1]!.timeNs)).toBe(true);
    expect(Math.max(...requests.map((r) => r.offsetBytes + r.lengthBytes))).toBeLessThanOrEqual(48 * 2 ** 30);
    expect(disksimText(3000)).toBe(disksimText(3000));
  });

  it("the LCG is deterministic and its delays stay in [1, 1024]", () => {
    const a = new Lcg(42);
    const b = new Lcg(42);
    for (let i = 0; i < 10_000; i++) {
      const delay = a.delayNs();
      expect(delay).toBe(b.delayNs());
      expect(delay).toBeGreaterThanOrEqual(1);
      expect(delay).toBeLessThanOrEqual(1024);
    }
  });

  it("kernel workloads run exactly the events asked for", () => {
    expect(runBareHeap(20_000, 1000, 7)).toBe(20_000);
    expect(runKernelCallbacks(20_000, 1000, 7)).toBe(20_000);
    expect(runKernelCoroutines(20_000, 1000, 7)).toBe(20_000);
  });

  it.each(COMMIT_POLICY_NAMES)("engine workloads copy once per first write and never on rewrites (%s)", (policy) => {
    const rig = engineRig(policy, { chunks: 500 });
    expect(firstWrites(rig, 0, 500, 32)).toBe(500);
    coveredRewrites(rig, 500, 0, 2000, 32);
    expect(rig.engine.counters.cofwCopies).toBe(500);
    expect(rig.engine.counters.hostWrites).toBe(2500);
    rig.engine.assertConsistent();
  });

  it("the memory workload makes one copy per write on a 16 TiB source with 4 sessions", () => {
    const result = runMemoryWorkload({ ...MEMORY_RUN_DEFAULTS, writes: 300, sampleEvery: 100 });
    expect(result.copies).toBe(300);
    expect(result.samples).toBeGreaterThanOrEqual(3);
    expect(result.rssPeakSampledBytes).toBeGreaterThan(0);
    expect(result.cofwChunkCount).toBeGreaterThanOrEqual(100_000);
  });

  it("figures print with their verdicts", () => {
    const figures: Figure[] = [
      { id: "a", label: "rate", value: 6_000_000, unit: "/s", target: { op: ">=", value: 5_000_000 }, detail: { rmePercent: 1.5 } },
      { id: "b", label: "memory", value: 2 * 1024 ** 3, unit: "bytes", target: { op: "<", value: 1024 ** 3 }, detail: {} },
      { id: "c", label: "reference", value: 1.04, unit: "ratio", detail: {} },
    ];
    expect(figures.map(met)).toEqual([true, false, undefined]);
    expect(figureLine(figures[0]!)).toBe("rate: 6.00M/s ±1.5%  target ≥ 5.00M/s: met");
    expect(figureLine(figures[1]!)).toBe("memory: 2.0 GiB  target < 1.0 GiB: MISSED");
    const table = summaryTable(figures).split("\n");
    expect(table).toHaveLength(5);
    expect(table[2]).toMatch(/^rate\s+6\.00M\/s ±1\.5%\s+≥ 5\.00M\/s\s+yes$/);
    expect(table[3]).toMatch(/NO$/);
  });
});
