import { describe, expect, it } from "vitest";
import { Kernel } from "../../../sim/kernel.js";
import { Rng } from "../../../sim/rng/streams.js";
import { EmpiricalDistribution } from "../../../sim/rng/distributions.js";
import { EmpiricalModel, type EmpiricalOptions } from "../../../sim/devices/models/empirical.js";
import { Recorder, flush, quantile, read, write } from "./helpers.js";

const TABLE = [
  { percentile: 0, value: 10_000 },
  { percentile: 50, value: 20_000 },
  { percentile: 90, value: 50_000 },
  { percentile: 99, value: 100_000 },
  { percentile: 100, value: 200_000 },
];

// As fio writes it in JSON (clat_ns.percentile), trimmed.
const FIO_WRITE_MAP = {
  "1.000000": 30_208,
  "10.000000": 33_024,
  "50.000000": 38_144,
  "90.000000": 47_872,
  "99.000000": 90_624,
  "99.900000": 177_152,
  "99.990000": 602_112,
};

/** Latencies of `count` requests of kind `op` queued at time 0 on one server. */
function latencies(options: EmpiricalOptions, op: "read" | "write", count: number): number[] {
  const kernel = new Kernel("empirical");
  const model = new EmpiricalModel(kernel, { ...options, parallelism: 1 }, Rng.root(5).stream("device"));
  const recorder = new Recorder(kernel, model);
  for (let i = 0; i < count; i++) recorder.submit(op === "read" ? read(0, 4096) : write(0, 4096));
  kernel.runUntilIdle();
  const times = recorder.completions.map((c) => c.completedNs);
  return times.map((t, i) => t - (i === 0 ? 0 : (times[i - 1] as number)));
}

describe("EmpiricalModel", () => {
  it("reproduces the table's percentiles", () => {
    const samples = latencies({ latencyNs: TABLE }, "read", 40_000);
    expect(samples.every((s) => Number.isInteger(s) && s >= 10_000 && s <= 200_000)).toBe(true);
    for (const [p, expected] of [
      [0.25, 15_000], // interpolated between the 0th and 50th
      [0.5, 20_000],
      [0.9, 50_000],
      [0.95, 77_778], // interpolated between the 90th and 99th
      [0.99, 100_000],
    ] as const) {
      expect(Math.abs(quantile(samples, p) / expected - 1), `p${p * 100}`).toBeLessThan(0.03);
    }
  });

  it("takes separate read and write tables, including fio's percentile map", () => {
    const options: EmpiricalOptions = { readLatencyNs: TABLE, writeLatencyNs: FIO_WRITE_MAP };
    const reads = latencies(options, "read", 20_000);
    const writes = latencies(options, "write", 20_000);
    expect(Math.abs(quantile(reads, 0.5) / 20_000 - 1)).toBeLessThan(0.03);
    expect(Math.abs(quantile(writes, 0.5) / 38_144 - 1)).toBeLessThan(0.03);
    expect(Math.abs(quantile(writes, 0.9) / 47_872 - 1)).toBeLessThan(0.03);
    // fio's table starts at the 1st percentile: nothing is drawn below it.
    expect(Math.min(...writes)).toBe(30_208);
    expect(Math.max(...writes)).toBeLessThanOrEqual(602_112);
  });

  it("accepts a ready-made distribution", () => {
    const distribution = EmpiricalDistribution.fromPercentiles(TABLE);
    const samples = latencies({ latencyNs: distribution }, "write", 10_000);
    expect(Math.abs(quantile(samples, 0.5) / 20_000 - 1)).toBeLessThan(0.05);
  });

  it("serves at most `parallelism` requests at once, FIFO", () => {
    const kernel = new Kernel("empirical");
    const constant = [
      { percentile: 0, value: 1000 },
      { percentile: 100, value: 1000 },
    ];
    const model = new EmpiricalModel(kernel, { latencyNs: constant, parallelism: 4, flushNs: 300 }, Rng.root(1).stream("d"));
    const recorder = new Recorder(kernel, model);
    for (let i = 0; i < 8; i++) recorder.submit(read(0, 512));
    recorder.submit(flush);
    kernel.runUntilIdle();
    expect(recorder.completions.map((c) => c.completedNs)).toEqual([1000, 1000, 1000, 1000, 2000, 2000, 2000, 2000, 2300]);
    expect(model.description).toBe("empirical p50 1us p99 1us x4");
  });

  it("rejects missing or unusable tables and a missing stream", () => {
    const kernel = new Kernel("empirical");
    const rng = Rng.root(1);
    expect(() => new EmpiricalModel(kernel, { latencyNs: TABLE })).toThrow(/Rng stream/);
    expect(() => new EmpiricalModel(kernel, {}, rng)).toThrow(/latencyNs/);
    expect(() => new EmpiricalModel(kernel, { readLatencyNs: TABLE }, rng)).toThrow(/writeLatencyNs/);
    expect(() => new EmpiricalModel(kernel, { latencyNs: [{ percentile: 50, value: 9 }, { percentile: 90, value: 1 }] }, rng)).toThrow(
      /latencyNs is not a usable latency table.*not monotone/,
    );
    expect(() => new EmpiricalModel(kernel, { readLatencyNs: TABLE, writeLatencyNs: { p99: 5 } }, rng)).toThrow(/writeLatencyNs/);
    expect(() => new EmpiricalModel(kernel, { latencyNs: TABLE, parallelism: -1 }, rng)).toThrow(/parallelism/);
  });
});
