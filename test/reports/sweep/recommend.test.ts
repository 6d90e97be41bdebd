import { describe, expect, it } from "vitest";
import { emptyMetrics, type HeadlineMetrics } from "../../../reports/sweep/metrics.js";
import { parseVaryList, sweepPoints } from "../../../reports/sweep/points.js";
import { leftOut, recommend, type RankedRow } from "../../../reports/sweep/recommend.js";
import { sweepDocument, type PointRow } from "../../../reports/sweep/sweep-document.js";
import { formatSweepSummary } from "../../../reports/sweep/summary.js";
import { sweepHtml } from "../../../reports/sweep/sweep-html.js";
import { recommendationsCsv } from "../../../reports/sweep/write-outputs.js";

const vary = parseVaryList(["sessions[1].slot=0,1,2"]);
const points = sweepPoints(vary);

/** A point that ran cleanly with ordinary figures; `over` changes some of them. */
function row(index: number, over: Partial<HeadlineMetrics> = {}, problems = ""): PointRow {
  const point = points[index]!;
  const metrics: HeadlineMetrics = {
    ...emptyMetrics(),
    write_clat_p99_ns: 1_000_000,
    total_iops: 30_000,
    write_amplification: 6,
    cache_peak_bytes: 90_000_000,
    recovery_ns: 15_000_000,
    ...over,
  };
  return { point: index, point_id: point.id, values: point.values, metrics, problems };
}

const chosen = (rows: readonly RankedRow[]) => recommend(rows).map((rec) => rec.pointId);

describe("recommendations leave out points with problems", () => {
  // Point 0 is best in every objective, but one of its session starts was refused: it did not run the scenario.
  const refused = "session start of slot 0 at 73272133 ns refused: slot 0 holds a live session";
  const rows = [row(0, { write_clat_p99_ns: 900_000, total_iops: 40_000, write_amplification: 5, cache_peak_bytes: 80_000_000, recovery_ns: 14_000_000 }, refused), row(1), row(2, { total_iops: 35_000 })];

  it("rank only the points that ran cleanly, and measure costs against their bests", () => {
    expect(chosen(rows)).toEqual(["1_1", "2_2", "1_1", "1_1", "1_1"]);
    const iops = recommend(rows)[0]!.costs.find((cost) => cost.objective === "iops")!;
    expect(iops.best).toBe(35_000);
  });

  it("name the left-out points and why, in sweep.json, the summary and the page", () => {
    expect(leftOut(rows)).toEqual([{ point: 0, pointId: "0_0", reason: "its run reported problems" }]);
    const document = sweepDocument({ identity: { cofwsimVersion: "0.1.0", scenario: { name: "q", file: "q.yaml", contentHash: "ab" }, seed: "1", set: [], vary }, pointCount: 3, rows });
    expect(document.leftOut).toEqual(leftOut(rows));
    expect(document.manifest.notes.join(" ")).toMatch(/Recommendations rank only the points that ran cleanly/);
    const summary = formatSweepSummary(document, "out");
    expect(summary).toMatch(/^ {2}left out of the ranking \(its run reported problems\): 0_0$/m);
    expect(summary).toMatch(/^ {2}highest total IOPS: sessions\[1\]\.slot=2 /m);
    expect(sweepHtml(document, [])).toMatch(/Left out of the ranking:<\/p>\n<ul class="notes"><li>its run reported problems: 0_0<\/li><\/ul>/);
  });

  it("leave out a point whose full Cache LU terminated sessions, however little space it ends with", () => {
    const overflowed = [row(0, { cache_peak_bytes: 62_000_000, sessions_terminated: 2 }), row(1, { sessions_terminated: 0 }), row(2, { cache_peak_bytes: 95_000_000, sessions_terminated: 0 })];
    expect(recommend(overflowed).find((rec) => rec.objective === "cache-space")).toMatchObject({ column: "cache_peak_bytes", pointId: "1_1" });
    expect(leftOut(overflowed)).toEqual([{ point: 0, pointId: "0_0", reason: "sessions terminated by a full Cache LU" }]);
  });

  it("name no point when every point is left out", () => {
    const all = rows.map((r) => ({ ...r, problems: "invalid scenario: too small" }));
    expect(chosen(all)).toEqual([null, null, null, null, null]);
    expect(leftOut(all).map((point) => point.pointId)).toEqual(["0_0", "1_1", "2_2"]);
  });
});

describe("recommendation costs", () => {
  // Point 1 makes no copies (its session never had writes to copy): 0 bytes of Cache LU, the best there is.
  const rows = [row(0, { total_iops: 40_000, write_amplification: 6.1, cache_peak_bytes: 90_000_000 }), row(1, { write_amplification: 5.9, cache_peak_bytes: 0 })];
  const cost = (objective: string, of: string) => recommend(rows).find((rec) => rec.objective === objective)!.costs.find((c) => c.objective === of)!;

  it("mark a value equal to a best of 0 as the best (0% worse), and give others their distance from it", () => {
    expect(cost("cache-space", "cache-space")).toMatchObject({ value: 0, best: 0, worsePercent: 0, worseBy: 0 });
    // No percentage of 0 says how far off 90 MB is: the distance, in bytes, does.
    expect(cost("iops", "cache-space")).toMatchObject({ value: 90_000_000, best: 0, worsePercent: null, worseBy: 90_000_000 });
  });

  it("give the distance from the best in the column's unit beside the percentage, without float noise", () => {
    expect(cost("iops", "write-amplification")).toMatchObject({ value: 6.1, best: 5.9, worsePercent: 3.4, worseBy: 0.2 });
    expect(cost("cache-space", "iops")).toMatchObject({ value: 30_000, best: 40_000, worsePercent: 25, worseBy: 10_000 });
  });

  it("show the costs in recommendations.csv and sweep.html, none blank where the best is 0", () => {
    const document = sweepDocument({ identity: { cofwsimVersion: "0.1.0", scenario: { name: "q", file: "q.yaml", contentHash: "ab" }, seed: "1", set: [], vary: parseVaryList(["sessions[1].slot=0,1"]) }, pointCount: 2, rows });
    const [header, ...lines] = recommendationsCsv(document).trimEnd().split("\n");
    const columns = header!.split(",");
    const at = (objective: string, column: string) => lines.find((line) => line.startsWith(`${objective},`))!.split(",")[columns.indexOf(column)];
    expect(at("cache-space", "cache_peak_bytes_worse_percent")).toBe("0");
    expect(at("cache-space", "cache_peak_bytes_worse_by")).toBe("0");
    expect(at("iops", "cache_peak_bytes_worse_percent")).toBe("");
    expect(at("iops", "cache_peak_bytes_worse_by")).toBe("90000000");
    const html = sweepHtml(document, []);
    expect(html).toMatch(/<td class="best">0 \(best\)<\/td>/);
    expect(html).toMatch(/<td>90,000,000 \(90,000,000 worse; the best is 0\)<\/td>/);
  });
});
