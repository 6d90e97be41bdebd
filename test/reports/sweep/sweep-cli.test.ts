import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { METRIC_COLUMNS } from "../../../reports/sweep/metrics.js";

/** The built CLI, as a user runs it (npm test builds dist/ first): the workers are the compiled dist/ files. */
const root = fileURLToPath(new URL("../../..", import.meta.url));
const cli = join(root, "dist/bin/cofwsim.js");
const scenario = join(root, "scenarios/quickstart.yaml");

function cofwsim(...args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", cwd: root });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** 3 x 3 points, shortened: the first session starts after 2000 host I/Os, so 3000 gives it copies to make. */
const SWEEP = ["--vary", "engine.chunkSize=16KiB,64KiB,256KiB", "--vary", "engine.regionSize=4KiB,16KiB,64KiB", "--set", "stop.hostIos=3000"];

let dir = "";
const out = (name: string) => join(dir, name);
const read = (name: string, file: string) => readFileSync(join(out(name), file), "utf8");

function sweep(name: string, ...extra: string[]) {
  const result = cofwsim("sweep", scenario, ...SWEEP, "--out", out(name), ...extra);
  expect(result.code, result.stderr).toBe(0);
  return result;
}

/** A small XML well-formedness check: every tag closed in order, one root element, nothing but whitespace outside it. */
function checkXml(text: string): void {
  const stack: string[] = [];
  let roots = 0;
  const body = text.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, "").replace(/<!--[\s\S]*?-->/g, "").replace(/<\?[\s\S]*?\?>/g, "");
  let last = 0;
  for (const match of body.matchAll(/<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/g)) {
    const between = body.slice(last, match.index);
    expect(between.includes("<"), `stray "<" before ${match[0].slice(0, 40)}`).toBe(false);
    if (stack.length === 0) expect(between.trim()).toBe("");
    last = match.index + match[0].length;
    const [, closing, name, , selfClosing] = match;
    if (closing === "/") expect(stack.pop(), `</${name!}>`).toBe(name);
    else {
      if (stack.length === 0) roots++;
      if (selfClosing !== "/") stack.push(name!);
    }
  }
  expect(body.slice(last).trim()).toBe("");
  expect(stack).toEqual([]);
  expect(roots).toBe(1);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "cofwsim-sweep-"));
  sweep("jobs1", "--jobs", "1");
  sweep("jobs2", "--jobs", "2");
  sweep("shard1", "--jobs", "1", "--shard", "1/2");
  sweep("shard2", "--jobs", "1", "--shard", "2/2");
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("cofwsim sweep", () => {
  it("gives byte-identical outputs with 1 and with 2 workers", () => {
    const files = readdirSync(out("jobs1")).sort();
    expect(readdirSync(out("jobs2")).sort()).toEqual(files);
    expect(read("jobs2", "sweep.csv")).toBe(read("jobs1", "sweep.csv"));
    for (const file of files) expect(read("jobs2", file), file).toBe(read("jobs1", file));
  });

  it("writes sweep.csv with a header of the documented columns and one row per point, in point order", () => {
    const lines = read("jobs1", "sweep.csv").trimEnd().split("\n");
    expect(lines[0]!.split(",")).toEqual(["point", "point_id", "engine.chunkSize", "engine.regionSize", ...METRIC_COLUMNS, "problems"]);
    expect(METRIC_COLUMNS).toEqual([
      "read_iops", "read_bw_bytes_per_s", "read_clat_mean_ns", "read_clat_p50_ns", "read_clat_p99_ns", "read_clat_p99_9_ns", "read_clat_max_ns",
      "write_iops", "write_bw_bytes_per_s", "write_clat_mean_ns", "write_clat_p50_ns", "write_clat_p99_ns", "write_clat_p99_9_ns", "write_clat_max_ns",
      "total_iops", "cofw_copies", "copies_per_host_write", "write_amplification",
      "host_bytes_written", "bytes_copied", "metadata_bytes_written", "device_bytes_written",
      "metadata_writes", "engine_flushes", "host_flushes", "copy_waits",
      "cache_chunks_used", "cache_peak_bytes", "sessions_terminated", "rollback_chunks", "recovery_ns", "recovery_bytes_read", "recovery_regions_rebuilt",
    ]);
    expect(lines).toHaveLength(10);
    const header = lines[0]!.split(",");
    const rows = lines.slice(1).map((line) => Object.fromEntries(line.split(",").map((cell, i) => [header[i]!, cell])));
    expect(rows.map((r) => r["point"])).toEqual(["0", "1", "2", "3", "4", "5", "6", "7", "8"]);
    expect(rows[5]).toMatchObject({ point_id: "5_64KiB_64KiB", "engine.chunkSize": "64KiB", "engine.regionSize": "64KiB", problems: "" });
    for (const r of rows) {
      // A write-only workload: no read latency (empty), positive write figures, copies made once the session started.
      expect(r["read_clat_p99_ns"]).toBe("");
      expect(Number(r["write_iops"])).toBeGreaterThan(0);
      expect(Number(r["write_clat_p99_ns"])).toBeGreaterThanOrEqual(Number(r["write_clat_p50_ns"]));
      expect(Number(r["write_clat_max_ns"])).toBeGreaterThanOrEqual(Number(r["write_clat_p99_9_ns"]));
      expect(Number(r["write_clat_mean_ns"])).toBeGreaterThan(0);
      // Every byte the devices took is host data, a copy or metadata (no rollback here).
      expect(Number(r["device_bytes_written"])).toBe(Number(r["host_bytes_written"]) + Number(r["bytes_copied"]) + Number(r["metadata_bytes_written"]));
      expect(Number(r["cofw_copies"])).toBeGreaterThan(0);
      expect(Number(r["write_amplification"])).toBeGreaterThan(1);
    }
    // The chunk size is what was varied: bigger chunks, more Cache LU bytes per copy.
    expect(Number(rows[6]!["cache_peak_bytes"])).toBeGreaterThan(Number(rows[0]!["cache_peak_bytes"]));
    // Nothing frees chunks in these runs (no session ends): the peak is the end's usage.
    for (const r of rows) expect(Number(r["cache_peak_bytes"])).toBe(Number(r["cache_chunks_used"]) * 1024 * Number.parseInt(r["engine.chunkSize"]!, 10));
  });

  it("writes each chart as a vega-lite spec and a well-formed SVG with marks, and a self-contained sweep.html", () => {
    const files = readdirSync(out("jobs1"));
    const charts = files.filter((f) => f.endsWith(".svg")).map((f) => f.slice(0, -4)).sort();
    expect(charts).toEqual(["heatmap-cache_chunks_used", "heatmap-cache_peak_bytes", "heatmap-recovery_ns", "heatmap-write_amplification", "heatmap-write_clat_p99_ns", "heatmap-write_iops"]);
    for (const chart of charts) {
      const spec = JSON.parse(read("jobs1", `${chart}.vl.json`)) as { $schema: string; data: { values: unknown[] } };
      expect(spec.$schema).toMatch(/vega-lite/);
      expect(spec.data.values).toHaveLength(9);
      const svg = read("jobs1", `${chart}.svg`);
      expect(svg.startsWith("<svg")).toBe(true);
      expect(svg).toMatch(/class="marks"/);
      expect(svg).toMatch(/role-mark/);
      checkXml(svg);
    }
    const html = read("jobs1", "sweep.html");
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html.match(/<svg/g)).toHaveLength(charts.length);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    expect(html).toMatch(/Recommendations/);
    // Inline SVGs must not share clip or gradient ids.
    const ids = [...html.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
    const recommendations = read("jobs1", "recommendations.csv").trimEnd().split("\n");
    expect(recommendations[0]).toMatch(/^objective,point,point_id,engine.chunkSize,engine.regionSize,write_clat_p99_ns,/);
    expect(recommendations.slice(1).map((line) => line.split(",")[0])).toEqual(["write-latency", "iops", "write-amplification", "cache-space", "recovery"]);
  });

  it("reports a point whose geometry the engine cannot lay out as that point's problem (exit 1), and runs the others", () => {
    // A 6 MiB Cache LU is too small for the metadata of the 8 GiB Source LU at 16 KiB chunks, large enough at 1 MiB.
    const result = cofwsim("sweep", scenario, "--vary", "engine.chunkSize=16KiB,1MiB", "--set", "devices.cache.capacity=6MiB", "--set", "stop.hostIos=500", "--jobs", "1", "--out", out("layout"));
    // Exit 1: the sweep ran and found a problem (a refused point).
    expect(result.code, result.stderr).toBe(1);
    const [header, ...rows] = read("layout", "sweep.csv").trimEnd().split("\n");
    const problems = header!.split(",").indexOf("problems");
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^0,0_16KiB,16KiB,.*"invalid scenario: .*devices\.cache\.capacity: Cache LU of 6291456 bytes is too small.*expected at least 17989632 bytes/);
    expect(rows[1]!.split(",")[problems]).toBe("");
    expect(Number(rows[1]!.split(",")[header!.split(",").indexOf("write_iops")])).toBeGreaterThan(0);
  });

  it("reports a point the run finds out of range (too many time-series buckets) as that point's problem (exit 1), and runs the others", () => {
    // A RangeError in a worker used to end the whole sweep with a stack trace and no outputs.
    const result = cofwsim("sweep", scenario, "--set", "stop.hostIos=3000", "--vary", "report.bucket=1us,1ms", "--jobs", "2", "--out", out("buckets"));
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toBe("");
    expect(result.stdout).toMatch(/^PROBLEM: point 0_1us: RangeError: report\.bucket of 1000 ns makes more than 20,000 buckets/m);
    const [header, ...rows] = read("buckets", "sweep.csv").trimEnd().split("\n");
    const columns = header!.split(",");
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^0,0_1us,1us,(,)+"RangeError: report\.bucket of 1000 ns makes more than 20,000 buckets: .*give a larger report\.bucket/);
    expect(rows[1]!.split(",")[columns.indexOf("problems")]).toBe("");
    expect(Number(rows[1]!.split(",")[columns.indexOf("write_iops")])).toBeGreaterThan(0);
  });

  it("reports a point whose trace it cannot replay (requests past a Source LU the point made smaller) as that point's problem, paths relative to the scenario", () => {
    // A trace error in a worker, like the RangeError above, used to end the whole sweep with a stack trace.
    const tpcc = join(dirname(scenario), "tpcc-replay.yaml");
    const result = cofwsim("sweep", tpcc, "--set", "stop.hostIos=500", "--vary", "devices.source.capacity=16KiB,8GiB", "--jobs", "1", "--out", out("trace"));
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toBe("");
    expect(result.stdout).toMatch(/^PROBLEM: point 0_16KiB: TraceSourceError: trace tpcc: \d+ requests are longer than the 16 KiB Source LU: data\/mqsim-tpcc-small\.trace:27 /m);
    const sweepCsv = read("trace", "sweep.csv");
    expect(sweepCsv).not.toContain(dirname(scenario));
    const [header, ...rows] = sweepCsv.trimEnd().split("\n");
    expect(rows).toHaveLength(2);
    expect(Number(rows[1]!.split(",")[header!.split(",").indexOf("total_iops")])).toBeGreaterThan(0);
  });

  it("does not recommend a point whose run reported a problem, and says it left it out", () => {
    // Point 0 starts session 1 in slot 0, which session 0 still holds: the start is refused, so point 0 makes fewer
    // copies and looks best in every objective.
    const result = cofwsim("sweep", scenario, "--vary", "sessions[1].slot=0,1", "--set", "stop.hostIos=5000", "--set", "sessions[1].afterHostIos=3000", "--jobs", "2", "--out", out("refused-start"));
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toMatch(/^PROBLEM: point 0_0: session start of slot 0 at \d+ ns refused/m);
    expect(result.stdout).toMatch(/^ {2}left out of the ranking \(its run reported problems\): 0_0$/m);
    const recommendations = read("refused-start", "recommendations.csv").trimEnd().split("\n").slice(1);
    expect(recommendations.map((line) => line.split(",")[2])).toEqual(["1_1", "1_1", "1_1", "1_1", "1_1"]);
    const json = JSON.parse(read("refused-start", "sweep.json")) as { leftOut: unknown };
    expect(json.leftOut).toEqual([{ point: 0, pointId: "0_0", reason: "its run reported problems" }]);
  });

  it("judges Cache LU space on its peak, and does not recommend a point whose full Cache LU terminated sessions", () => {
    // 64 MiB fills up: the engine terminates both sessions, which frees every chunk, so the run ends with none used.
    const result = cofwsim("sweep", scenario, "--vary", "devices.cache.capacity=64MiB,2GiB", "--set", "stop.hostIos=8000", "--set", "sessions[1].afterHostIos=4000", "--jobs", "2", "--out", out("overflow"));
    // Not a problem of the run (exit 0): the engine did what it must with a full Cache LU.
    expect(result.code, result.stderr).toBe(0);
    const [header, ...lines] = read("overflow", "sweep.csv").trimEnd().split("\n");
    const rows = lines.map((line) => Object.fromEntries(line.split(",").map((cell, i) => [header!.split(",")[i]!, cell])));
    expect(rows[0]).toMatchObject({ point_id: "0_64MiB", cache_chunks_used: "0", sessions_terminated: "2", problems: "" });
    // Its peak is the Cache LU's every chunk (954 of 64 KiB fit beside the metadata), not the end's 0.
    expect(Number(rows[0]!["cache_peak_bytes"])).toBe(954 * 65536);
    expect(rows[1]).toMatchObject({ point_id: "1_2GiB", sessions_terminated: "0" });
    const recommendations = read("overflow", "recommendations.csv").trimEnd().split("\n").slice(1);
    expect(recommendations.map((line) => line.split(",")[2])).toEqual(["1_2GiB", "1_2GiB", "1_2GiB", "1_2GiB", "1_2GiB"]);
    expect(result.stdout).toMatch(/^ {2}least Cache LU space needed \(peak\): devices\.cache\.capacity=2GiB \(cache_peak_bytes \d+\)$/m);
    expect(result.stdout).toMatch(/^ {2}left out of the ranking \(sessions terminated by a full Cache LU\): 0_64MiB$/m);
  });

  it("refuses bad --vary, --shard and values with exit 2 before running anything", () => {
    const noVary = cofwsim("sweep", scenario, "--out", out("bad"));
    expect(noVary.code).toBe(2);
    expect(noVary.stderr).toMatch(/at least one --vary/);
    const shard = cofwsim("sweep", scenario, ...SWEEP, "--shard", "3/2", "--out", out("bad"));
    expect(shard.code).toBe(2);
    expect(shard.stderr).toMatch(/--shard 3\/2: no such shard; expected the shard number to be from 1 to 2/);
    const value = cofwsim("sweep", scenario, "--vary", "engine.chunkSize=16KiB,lots", "--out", out("bad"));
    expect(value.code).toBe(2);
    expect(value.stderr).toMatch(/--vary engine.chunkSize: the value "lots" does not make a valid scenario/);
    const jobs = cofwsim("sweep", scenario, ...SWEEP, "--jobs", "0", "--out", out("bad"));
    expect(jobs.code).toBe(2);
    // Written differently, equal in value: the same scenario twice.
    const equal = cofwsim("sweep", scenario, "--vary", "engine.chunkSize=16KiB,64KiB,16384", "--out", out("bad"));
    expect(equal.code).toBe(2);
    expect(equal.stderr).toMatch(/--vary engine.chunkSize: the values "16KiB" and "16384" make the same scenario/);
    const huge = cofwsim("sweep", scenario, ...SWEEP, "--shard", "1/99999999999999999999", "--out", out("bad"));
    expect(huge.code).toBe(2);
    expect(huge.stderr).toMatch(/expected the number of shards to be at most 100,000/);
    expect(readdirSync(dir)).not.toContain("bad");
  });

  it("a sweep of one axis into the directory of a two-axis sweep leaves no heatmap of the old one behind", () => {
    const reused = out("reused");
    expect(cofwsim("sweep", scenario, ...SWEEP, "--jobs", "1", "--shard", "1/4", "--out", reused).code).toBe(0);
    const before = readdirSync(reused);
    expect(before.filter((name) => name.startsWith("heatmap-")).length).toBeGreaterThan(0);
    writeFileSync(join(reused, "mine.svg"), "<svg/>");
    // A chart of a column earlier versions wrote (end-of-run Cache LU space) goes as well.
    writeFileSync(join(reused, "heatmap-cache_used_bytes.svg"), "<svg/>");
    const again = cofwsim("sweep", scenario, "--vary", "engine.chunkSize=16KiB,64KiB", "--set", "stop.hostIos=1000", "--jobs", "1", "--out", reused);
    expect(again.code, again.stderr).toBe(0);
    const after = readdirSync(reused).sort();
    expect(after.filter((name) => name.startsWith("heatmap-"))).toEqual([]);
    expect(after).not.toContain("heatmap-cache_used_bytes.svg");
    expect(after.filter((name) => name.startsWith("line-")).length).toBe(before.filter((name) => name.startsWith("heatmap-")).length);
    // Files a sweep does not write are the user's.
    expect(after).toContain("mine.svg");
  });

  it("runs a shard that holds no point, saying so, and merge takes it with the others", () => {
    const small = ["--vary", "engine.chunkSize=16KiB,64KiB", "--set", "stop.hostIos=1000", "--jobs", "1"];
    for (const index of [1, 2, 3]) {
      const result = cofwsim("sweep", scenario, ...small, "--shard", `${index}/3`, "--out", out(`small${index}`));
      expect(result.code, result.stderr).toBe(0);
      if (index === 3) expect(result.stderr).toMatch(/note: shard 3\/3 holds none of the 2 points/);
      else expect(result.stderr).toBe("");
    }
    const merged = cofwsim("merge", out("small1"), out("small2"), out("small3"), "--out", out("small-merged"));
    expect(merged.code, merged.stderr).toBe(0);
    expect(read("small-merged", "sweep.csv").trimEnd().split("\n")).toHaveLength(3);
  });
});

describe("cofwsim merge", () => {
  it("of shard 1/2 and 2/2 equals the unsharded sweep: same sweep.csv, sweep.json (no shard in the manifest), charts and page", () => {
    const shard = JSON.parse(read("shard1", "sweep.json")) as { manifest: { shard?: unknown; points: string[] } };
    expect(shard.manifest.shard).toEqual({ index: 1, count: 2 });
    expect(shard.manifest.points).toEqual(["0_16KiB_4KiB", "2_16KiB_64KiB", "4_64KiB_16KiB", "6_256KiB_4KiB", "8_256KiB_64KiB"]);
    const merged = cofwsim("merge", out("shard2"), out("shard1"), "--out", out("merged"));
    expect(merged.code, merged.stderr).toBe(0);
    expect(read("merged", "sweep.csv")).toBe(read("jobs1", "sweep.csv"));
    const json = JSON.parse(read("merged", "sweep.json")) as { manifest: Record<string, unknown>; rows: unknown[] };
    expect(json.manifest).not.toHaveProperty("shard");
    expect(json.rows).toEqual((JSON.parse(read("jobs1", "sweep.json")) as { rows: unknown[] }).rows);
    const files = readdirSync(out("jobs1")).sort();
    expect(readdirSync(out("merged")).sort()).toEqual(files);
    for (const file of files) expect(read("merged", file), file).toBe(read("jobs1", file));
  });

  it("refuses (exit 2) a shard given twice, a missing shard, and shards of another sweep", () => {
    const twice = cofwsim("merge", out("shard1"), out("shard1"), "--out", out("refused"));
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/point 0_16KiB_4KiB is in both/);
    const missing = cofwsim("merge", out("shard1"), "--out", out("refused"));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/4 of 9 points are in none of the outputs/);
    const other = cofwsim("sweep", scenario, ...SWEEP, "--seed", "2", "--shard", "2/2", "--jobs", "1", "--out", out("seed2"));
    expect(other.code, other.stderr).toBe(0);
    const mixed = cofwsim("merge", out("shard1"), out("seed2"), "--out", out("refused"));
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/is not part of the same sweep .*: seed 1 vs 2/);
    const notSweep = cofwsim("merge", join(dir, "nowhere"), "--out", out("refused"));
    expect(notSweep.code).toBe(2);
    expect(notSweep.stderr).toMatch(/cannot read .*sweep\.json/);
    expect(readdirSync(dir)).not.toContain("refused");
    // Into one of its own inputs: that shard's sweep.json would be lost.
    const shardBefore = readFileSync(join(out("shard1"), "sweep.json"), "utf8");
    const intoInput = cofwsim("merge", out("shard1"), out("shard2"), "--out", out("shard1"));
    expect(intoInput.code).toBe(2);
    expect(intoInput.stderr).toMatch(/it is one of the shard outputs being merged/);
    expect(readFileSync(join(out("shard1"), "sweep.json"), "utf8")).toBe(shardBefore);
  });
});
