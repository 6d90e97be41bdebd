import { describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { compareMetrics, identityMismatches, judgeChange, resolveRule, type MetricComparison } from "../../../reports/gate/compare.js";
import { defaultDirection, headlineMetrics, type MetricValues } from "../../../reports/gate/metrics.js";
import { loadScenarioWithHash } from "../../../scenarios/schema/scenario-hash.js";
import type { BaselineEntry } from "../../../reports/gate/baseline.js";
import { runScenario } from "../../../scenarios/runner/run-scenario.js";

const quickstart = fileURLToPath(new URL("../../../scenarios/quickstart.yaml", import.meta.url));
/** quickstart cut to 4,000 host I/Os with both sessions on the way: ~0.1 s a run. */
const SHORT = ["stop.hostIos=4000", "sessions[1].afterHostIos=2500"];

function metricsOf(extraOverrides: readonly string[]): MetricValues {
  const loaded = loadScenarioWithHash(quickstart, [...SHORT, ...extraOverrides]);
  return headlineMetrics(runScenario(loaded.scenario, { cofwsimVersion: "test", fileName: loaded.fileName, contentHash: loaded.contentHash }).results);
}

function verdictOf(comparisons: readonly MetricComparison[], metric: string): string {
  const found = comparisons.find((comparison) => comparison.metric === metric);
  if (found === undefined) throw new Error(`no ${metric} in ${comparisons.map((c) => c.metric).join(", ")}`);
  return found.verdict;
}

/** Every verdict must agree with the sign of the change and the metric's built-in direction. */
function expectVerdictsFollowDirections(comparisons: readonly MetricComparison[]): void {
  for (const c of comparisons) {
    const delta = c.now! - c.baseline!;
    const direction = defaultDirection(c.metric);
    const expected = delta === 0 ? "same" : (direction === "higher-is-better") === delta > 0 ? "improvement" : "REGRESSION";
    expect(c.verdict, `${c.metric}: ${c.baseline} -> ${c.now} (${direction})`).toBe(expected);
  }
}

describe("judgeChange", () => {
  const exact = { relativePercent: 0, absolute: 0 } as const;

  it("compares exactly by default: any difference is a change", () => {
    expect(judgeChange(100, 100, { ...exact, direction: "higher-is-better" })).toBe("same");
    expect(judgeChange(100, 100.000001, { ...exact, direction: "higher-is-better" })).toBe("improvement");
    expect(judgeChange(100, 99.999999, { ...exact, direction: "higher-is-better" })).toBe("REGRESSION");
  });

  it("reads the direction: lower-is-better flips the verdict, either fails both ways", () => {
    expect(judgeChange(100, 90, { ...exact, direction: "lower-is-better" })).toBe("improvement");
    expect(judgeChange(100, 110, { ...exact, direction: "lower-is-better" })).toBe("REGRESSION");
    expect(judgeChange(100, 90, { ...exact, direction: "either" })).toBe("REGRESSION");
    expect(judgeChange(100, 110, { ...exact, direction: "either" })).toBe("REGRESSION");
  });

  it("treats a change within either tolerance as the same (the larger allowance applies)", () => {
    expect(judgeChange(1000, 1019, { relativePercent: 2, absolute: 0, direction: "higher-is-better" })).toBe("same");
    expect(judgeChange(1000, 979, { relativePercent: 2, absolute: 0, direction: "higher-is-better" })).toBe("REGRESSION");
    expect(judgeChange(1000, 975, { relativePercent: 2, absolute: 30, direction: "higher-is-better" })).toBe("same");
    expect(judgeChange(0, 3, { relativePercent: 50, absolute: 0, direction: "lower-is-better" })).toBe("REGRESSION");
    expect(judgeChange(0, 3, { relativePercent: 0, absolute: 3, direction: "lower-is-better" })).toBe("same");
  });

  it("takes a change of exactly the tolerance as the same, whatever binary subtraction makes of the decimals", () => {
    // 0.34805 - 0.33805 is 0.010000000000000009 and 0.33 - 0.3 is 0.030000000000000027 in doubles.
    expect(judgeChange(0.33805, 0.34805, { relativePercent: 0, absolute: 0.01, direction: "lower-is-better" })).toBe("same");
    expect(judgeChange(0.3, 0.33, { relativePercent: 10, absolute: 0, direction: "lower-is-better" })).toBe("same");
    // Just past the tolerance is still a change.
    expect(judgeChange(0.33805, 0.34806, { relativePercent: 0, absolute: 0.01, direction: "lower-is-better" })).toBe("REGRESSION");
    expect(judgeChange(0.3, 0.3301, { relativePercent: 10, absolute: 0, direction: "lower-is-better" })).toBe("REGRESSION");
  });
});

describe("built-in directions", () => {
  it("IOPS and bandwidth are better higher; latencies, engine work and losses lower; unknown ids must not move", () => {
    expect(defaultDirection("jobs.oltp.write.iops")).toBe("higher-is-better");
    expect(defaultDirection("jobs.oltp.read.bw_bytes")).toBe("higher-is-better");
    for (const id of ["jobs.oltp.write.clat_ns.mean", "jobs.oltp.write.clat_ns.p99.9", "engine.cofwCopies", "engine.copiesPerHostWrite", "engine.writeAmplification", "engine.metadataWrites", "engine.flushes", "engine.cacheChunksUsed", "engine.sessionsTerminated", "run.problems"]) {
      expect(defaultDirection(id), id).toBe("lower-is-better");
    }
    expect(defaultDirection("something.else")).toBe("either");
  });
});

describe("resolveRule", () => {
  it("takes each field from the most specific rule that sets it: scenario before file, exact before pattern, longer pattern first", () => {
    const file = { "*": { relativePercent: 1 }, "jobs.*.iops": { relativePercent: 5, direction: "either" as const }, "engine.flushes": { absolute: 2 } };
    const scenario = { "jobs.oltp.*": { absolute: 10 }, "jobs.oltp.write.iops": { direction: "lower-is-better" as const } };
    expect(resolveRule("jobs.oltp.write.iops", scenario, file)).toEqual({ relativePercent: 5, absolute: 10, direction: "lower-is-better" });
    expect(resolveRule("jobs.other.write.iops", scenario, file)).toEqual({ relativePercent: 5, absolute: 0, direction: "either" });
    expect(resolveRule("engine.flushes", undefined, file)).toEqual({ relativePercent: 1, absolute: 2, direction: "lower-is-better" });
    expect(resolveRule("engine.flushes", undefined, undefined)).toEqual({ relativePercent: 0, absolute: 0, direction: "lower-is-better" });
  });

  it("treats pattern characters other than * literally", () => {
    expect(resolveRule("jobs.aXb.write.iops", undefined, { "jobs.a.b.*": { relativePercent: 9 } }).relativePercent).toBe(0);
    expect(resolveRule("jobs.a.b.write.iops", undefined, { "jobs.a.b.*": { relativePercent: 9 } }).relativePercent).toBe(9);
  });
});

describe("compareMetrics", () => {
  it("reports metrics only one side has as new or missing", () => {
    const comparisons = compareMetrics({ "engine.flushes": 3, "jobs.a.read.iops": 10 }, { "engine.flushes": 3, "jobs.a.write.iops": 7 });
    expect(comparisons.map((c) => [c.metric, c.verdict])).toEqual([
      ["engine.flushes", "same"],
      ["jobs.a.read.iops", "missing"],
      ["jobs.a.write.iops", "new"],
    ]);
  });

  it("honours the baseline's tolerances and directions", () => {
    const comparisons = compareMetrics({ "jobs.a.write.iops": 1000, "engine.flushes": 10 }, { "jobs.a.write.iops": 990, "engine.flushes": 12 }, { "engine.flushes": { direction: "higher-is-better" } }, { "*.iops": { relativePercent: 1.5 } });
    expect(verdictOf(comparisons, "jobs.a.write.iops")).toBe("same");
    expect(verdictOf(comparisons, "engine.flushes")).toBe("improvement");
    expect(comparisons.find((c) => c.metric === "jobs.a.write.iops")?.changePercent).toBeCloseTo(-1, 10);
  });
});

describe("engine geometry and policy changes show up with the right direction", () => {
  const defaults = metricsOf([]);

  it("an unchanged run is all same", () => {
    const again = compareMetrics(defaults, metricsOf([]));
    expect(again.length).toBeGreaterThan(10);
    expect(again.every((c) => c.verdict === "same")).toBe(true);
  });

  it("256 KiB chunks instead of 64 KiB: fewer copies (improvement) but more bytes per copy, so write amplification, latency and IOPS regress", () => {
    const comparisons = compareMetrics(defaults, metricsOf(["engine.chunkSize=256KiB"]));
    expectVerdictsFollowDirections(comparisons);
    expect(verdictOf(comparisons, "jobs.oltp.write.iops")).toBe("REGRESSION");
    expect(verdictOf(comparisons, "jobs.oltp.write.bw_bytes")).toBe("REGRESSION");
    expect(verdictOf(comparisons, "jobs.oltp.write.clat_ns.p99")).toBe("REGRESSION");
    expect(verdictOf(comparisons, "engine.writeAmplification")).toBe("REGRESSION");
    expect(verdictOf(comparisons, "engine.cofwCopies")).toBe("improvement");
    // And the same change undone is an improvement of IOPS.
    const undone = compareMetrics(metricsOf(["engine.chunkSize=256KiB"]), defaults);
    expect(verdictOf(undone, "jobs.oltp.write.iops")).toBe("improvement");
    expect(verdictOf(undone, "engine.writeAmplification")).toBe("improvement");
  });

  it("group commit instead of write-through: fewer metadata writes (improvement), many more flushes (regression)", () => {
    const comparisons = compareMetrics(defaults, metricsOf(["engine.commitPolicy=group-commit"]));
    expectVerdictsFollowDirections(comparisons);
    expect(verdictOf(comparisons, "engine.metadataWrites")).toBe("improvement");
    expect(verdictOf(comparisons, "engine.flushes")).toBe("REGRESSION");
  });
});

describe("identityMismatches", () => {
  const entry: BaselineEntry = {
    manifest: { cofwsimVersion: "0.1.0", scenario: { name: "s", file: "s.yaml", contentHash: "aaa" }, seed: "1", overrides: [], nodeVersion: "v20.0.0" },
    metrics: {},
  };

  it("names the hash and the seed, and says whether the overrides or the file's bytes differ", () => {
    expect(identityMismatches(entry, { name: "s", file: "s.yaml", contentHash: "aaa", seed: "1", overrides: [] })).toEqual([]);
    const [hash, seed] = identityMismatches(entry, { name: "s", file: "t.yaml", contentHash: "bbb", seed: "2", overrides: [] });
    expect(hash).toMatch(/content hash differs: aaa \(baseline, from s.yaml\) vs bbb \(now, from t.yaml\); same --set overrides \[\], so the scenario file's bytes differ/);
    expect(seed).toBe("seed differs: 1 (baseline) vs 2 (now)");
    const [overrides] = identityMismatches(entry, { name: "s", file: "s.yaml", contentHash: "ccc", seed: "1", overrides: ["engine.chunkSize=16KiB"] });
    expect(overrides).toMatch(/--set overrides \[\] in the baseline, \["engine.chunkSize=16KiB"\] now/);
  });
});
