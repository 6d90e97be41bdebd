import { describe, expect, it } from "vitest";
import { SweepError } from "../../../reports/sweep/errors.js";
import { mergeSweeps } from "../../../reports/sweep/merge.js";
import { emptyMetrics, METRIC_COLUMNS } from "../../../reports/sweep/metrics.js";
import { parseVaryList, sweepPoints } from "../../../reports/sweep/points.js";
import { recommend } from "../../../reports/sweep/recommend.js";
import { selectShard } from "../../../reports/sweep/shard.js";
import { readSweepDocument, sweepColumns, sweepJson, type PointRow, type SweepIdentity, type SweepResult } from "../../../reports/sweep/sweep-document.js";
import { seedOverride } from "../../../scenarios/schema/overrides.js";

const vary = parseVaryList(["engine.chunkSize=16KiB,64KiB,256KiB", "engine.regionSize=4KiB,64KiB"]);
const identity: SweepIdentity = { cofwsimVersion: "0.1.0", scenario: { name: "quickstart", file: "quickstart.yaml", contentHash: "ab".repeat(32) }, seed: "1", set: ["stop.hostIos=2000"], vary };

/** Made-up metrics that differ per point, so a mixed-up row would show; no session terminated, so every point is ranked. */
function row(index: number): PointRow {
  const point = sweepPoints(vary)[index]!;
  const metrics = emptyMetrics();
  METRIC_COLUMNS.forEach((column, i) => (metrics[column] = column.startsWith("read_clat") ? null : (index + 1) * 1000 + i));
  metrics.sessions_terminated = 0;
  return { point: index, point_id: point.id, values: point.values, metrics, problems: "" };
}

function shardResult(index: number, count: number, over: Partial<SweepIdentity> = {}): SweepResult {
  const rows = selectShard(sweepPoints(vary), { index, count }).map((p) => row(p.index));
  return { identity: { ...identity, ...over }, shard: { index, count }, pointCount: 6, rows };
}

const whole: SweepResult = { identity, pointCount: 6, rows: [0, 1, 2, 3, 4, 5].map(row) };

describe("sweep.json", () => {
  it("reads back to the same result, and writes back to the same bytes", () => {
    const text = sweepJson(whole);
    const back = readSweepDocument(text, "a/sweep.json");
    expect(back).toEqual(whole);
    expect(sweepJson(back)).toBe(text);
  });

  it("has the documented columns: point, point_id, the varied paths, the metrics, problems", () => {
    const document = JSON.parse(sweepJson(whole)) as { columns: string[]; rows: Array<Record<string, unknown>> };
    expect(document.columns).toEqual(sweepColumns(vary));
    expect(document.columns.slice(0, 4)).toEqual(["point", "point_id", "engine.chunkSize", "engine.regionSize"]);
    expect(Object.keys(document.rows[0]!)).toEqual(document.columns);
  });

  it("refuses what is not a sweep output", () => {
    expect(() => readSweepDocument("{", "x")).toThrow(/x:1:2: not JSON, as the sweep.json of a cofwsim sweep.s output directory must be: the end of the file .*; expected/);
    expect(() => readSweepDocument("{}", "x")).toThrow(/x: not a cofwsim sweep output/);
  });
});

describe("merge", () => {
  it("of all shards equals the whole sweep, byte for byte, in any order of the shards", () => {
    const parts = [shardResult(3, 3), shardResult(1, 3), shardResult(2, 3)].map((result, i) => ({ source: `s${i}`, result }));
    expect(sweepJson(mergeSweeps(parts))).toBe(sweepJson(whole));
  });

  it("refuses shards of different sweeps, a point twice, a point missing", () => {
    const a = { source: "a", result: shardResult(1, 2) };
    const b = { source: "b", result: shardResult(2, 2) };
    expect(() => mergeSweeps([a, { source: "b", result: shardResult(2, 2, { seed: "2" }) }])).toThrow(/b is not part of the same sweep as a: seed 1 vs 2/);
    // One shard given the scenario's own seed with --seed: said as --seed, not as a --set list nobody wrote.
    const seeded = { source: "b", result: shardResult(2, 2, { set: [...identity.set, ...seedOverride("1")] }) };
    expect(() => mergeSweeps([a, seeded])).toThrow(/b is not part of the same sweep as a: --seed not given vs 1 \(the same seed, 1, but/);
    expect(() => mergeSweeps([{ ...seeded, source: "s" }, b])).toThrow(/b is not part of the same sweep as s: --seed 1 vs not given/);
    // A --set seed=... of the user's own is a --set difference.
    expect(() => mergeSweeps([a, { source: "b", result: shardResult(2, 2, { set: [...identity.set, "seed=1"] }) }])).toThrow(/--set \["stop.hostIos=2000"\] vs \["stop.hostIos=2000","seed=1"\]/);
    expect(() => mergeSweeps([a, { source: "b", result: shardResult(2, 2, { set: ["stop.hostIos=3000"] }) }])).toThrow(/--set \["stop.hostIos=2000"\] vs \["stop.hostIos=3000"\]/);
    expect(() => mergeSweeps([a, { source: "b", result: shardResult(2, 2, { scenario: { ...identity.scenario, contentHash: "cd".repeat(32) } }) }])).toThrow(/content hash/);
    expect(() => mergeSweeps([a, { source: "b", result: shardResult(2, 2, { vary: parseVaryList(["engine.chunkSize=16KiB,64KiB,256KiB", "engine.regionSize=4KiB,16KiB"]) }) }])).toThrow(/--vary/);
    expect(() => mergeSweeps([a, b, { source: "c", result: shardResult(2, 2) }])).toThrow(/point 1_16KiB_64KiB is in both b and c/);
    expect(() => mergeSweeps([a])).toThrow(/3 of 6 points are in none of the outputs.*1_16KiB_64KiB, 3_64KiB_64KiB, 5_256KiB_64KiB/);
    expect(() => mergeSweeps([])).toThrow(SweepError);
  });
});

describe("recommendations", () => {
  it("pick the best point per objective (ties to the lower index) and state the cost in the others", () => {
    const rows = [0, 1, 2].map(row);
    rows[1]!.metrics.write_clat_p99_ns = 500;
    rows[2]!.metrics.write_clat_p99_ns = 500;
    rows[0]!.metrics.total_iops = 9_000_000;
    const [latency, iops] = recommend(rows);
    expect(latency).toMatchObject({ objective: "write-latency", point: 1, pointId: "1_16KiB_64KiB" });
    expect(iops).toMatchObject({ objective: "iops", point: 0 });
    const iopsCost = latency!.costs.find((cost) => cost.objective === "iops")!;
    expect(iopsCost.best).toBe(9_000_000);
    expect(iopsCost.worsePercent).toBeCloseTo(((9_000_000 - rows[1]!.metrics.total_iops!) / 9_000_000) * 100, 1);
    expect(latency!.costs.find((cost) => cost.objective === "write-latency")!.worsePercent).toBe(0);
  });

  it("name no point for a metric no point has", () => {
    const rows = [0, 1].map(row);
    for (const r of rows) r.metrics.write_clat_p99_ns = null;
    expect(recommend(rows)[0]).toMatchObject({ point: null, pointId: null });
  });
});
