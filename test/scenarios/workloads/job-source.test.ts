import { describe, expect, it } from "vitest";
import type { JobSpec } from "../../../scenarios/model.js";
import { jobSources } from "../../../scenarios/workloads/job-source.js";
import type { NextIo, WorkloadSource } from "../../../scenarios/workloads/source.js";
import { Rng } from "../../../sim/rng/streams.js";
import { jobSpec } from "../job-spec.js";

const KiB = 1024;
const MiB = 1024 * KiB;
const LU = { capacityBytes: 64 * MiB, sectorSizeBytes: 512 };

function job(overrides: Partial<JobSpec> = {}): JobSpec {
  return jobSpec({ name: "j", sizeBytes: 1 * MiB, ...overrides });
}

function only(spec: JobSpec, seed = "seed"): WorkloadSource {
  const sources = jobSources(spec, Rng.root(seed), LU);
  expect(sources).toHaveLength(1);
  return sources[0] as WorkloadSource;
}

/** Every I/O the source gives, up to `max` (a guard against a source that never ends). */
function drain(source: WorkloadSource, max = 1_000_000): NextIo[] {
  const out: NextIo[] = [];
  for (let next = source.next(); next !== undefined; next = source.next()) {
    out.push(next);
    if (out.length > max) throw new Error(`source ${source.name} gave more than ${max} I/Os`);
  }
  return out;
}

function share(values: readonly unknown[], predicate: (value: unknown) => boolean): number {
  return values.filter(predicate).length / values.length;
}

describe("jobSources: sequential jobs", () => {
  it("advance by bs from the region start and stop after size bytes", () => {
    const source = only(job({ rw: "write", offsetBytes: 2 * MiB, sizeBytes: 1 * MiB, blockSizeBytes: { read: 4 * KiB, write: 16 * KiB } }));
    expect(source.name).toBe("j/0");
    expect(source.loop).toEqual({ kind: "closed", iodepth: 1, thinktimeNs: 0, thinktimeBlocks: 1 });
    const ios = drain(source);
    expect(ios).toHaveLength(64);
    ios.forEach((next, i) => {
      expect(next).toEqual({ io: { kind: "write", offsetBytes: 2 * MiB + i * 16 * KiB, lengthBytes: 16 * KiB }, arrivalNs: 0 });
    });
    // Exhausted stays exhausted.
    expect(source.next()).toBeUndefined();
  });

  it("shorten the I/O that would cross the region end, and say so", () => {
    const source = only(job({ sizeBytes: 10 * KiB }));
    expect(drain(source).map((n) => [n.io.offsetBytes, n.io.lengthBytes])).toEqual([
      [0, 4 * KiB],
      [4 * KiB, 4 * KiB],
      [8 * KiB, 2 * KiB],
    ]);
    expect(source.notes.join("\n")).toMatch(/shortened/);
  });

  it("rw keeps one cursor per direction (fio's last_pos[ddir]) and stops at size bytes in total", () => {
    const ios = drain(only(job({ rw: "rw", readPercent: 30, sizeBytes: 4 * MiB, blockSizeBytes: { read: 4 * KiB, write: 8 * KiB } })));
    const reads = ios.filter((n) => n.io.kind === "read");
    const writes = ios.filter((n) => n.io.kind === "write");
    reads.forEach((n, i) => expect(n.io).toEqual({ kind: "read", offsetBytes: i * 4 * KiB, lengthBytes: 4 * KiB }));
    writes.forEach((n, i) => expect(n.io).toEqual({ kind: "write", offsetBytes: i * 8 * KiB, lengthBytes: 8 * KiB }));
    const total = ios.reduce((sum, n) => sum + n.io.lengthBytes, 0);
    expect(total).toBeGreaterThanOrEqual(4 * MiB);
    expect(total - (ios.at(-1)?.io.lengthBytes ?? 0)).toBeLessThan(4 * MiB);
    expect(reads.length / ios.length).toBeGreaterThan(0.25);
    expect(reads.length / ios.length).toBeLessThan(0.35);
  });

  it("with runtime are time based: wrap at the region end until number_ios", () => {
    const source = only(job({ rw: "write", offsetBytes: 1 * MiB, sizeBytes: 16 * KiB, runtimeNs: 5e9, numberIos: 10 }));
    expect(source.runtimeNs).toBe(5e9);
    expect(drain(source).map((n) => (n.io.offsetBytes - 1 * MiB) / (4 * KiB))).toEqual([0, 1, 2, 3, 0, 1, 2, 3, 0, 1]);
    expect(source.notes.join("\n")).toMatch(/time based/);
  });

  it("clones all start at the region start", () => {
    const sources = jobSources(job({ numjobs: 3, sizeBytes: 64 * KiB }), Rng.root("s"), LU);
    expect(sources.map((s) => s.name)).toEqual(["j/0", "j/1", "j/2"]);
    const offsets = sources.map((s) => drain(s).map((n) => n.io.offsetBytes));
    expect(offsets[1]).toEqual(offsets[0]);
    expect(offsets[2]).toEqual(offsets[0]);
  });
});

describe("jobSources: random jobs", () => {
  it("uniform: aligned, inside the region, every block exactly once in size bytes (fio's random map)", () => {
    const source = only(job({ rw: "randwrite", offsetBytes: 3 * MiB, sizeBytes: 2 * MiB, blockSizeBytes: { read: 4 * KiB, write: 8 * KiB } }));
    const ios = drain(source);
    expect(ios).toHaveLength(256);
    const blocks = ios.map((n) => {
      expect(n.io.kind).toBe("write");
      expect(n.io.lengthBytes).toBe(8 * KiB);
      expect((n.io.offsetBytes - 3 * MiB) % (8 * KiB)).toBe(0);
      expect(n.io.offsetBytes).toBeGreaterThanOrEqual(3 * MiB);
      expect(n.io.offsetBytes + n.io.lengthBytes).toBeLessThanOrEqual(5 * MiB);
      return (n.io.offsetBytes - 3 * MiB) / (8 * KiB);
    });
    expect(new Set(blocks).size).toBe(256);
    // Random, not sequential.
    expect(blocks.slice(0, 16)).not.toEqual([...Array(16).keys()]);
  });

  it("uniform with a blockalign other than bs: no random map, offsets on blockalign, whole region reached", () => {
    const source = only(job({ rw: "randread", sizeBytes: 256 * KiB, blockAlignBytes: 2 * KiB, runtimeNs: 1e9, numberIos: 4000 }));
    const ios = drain(source);
    expect(ios).toHaveLength(4000);
    const positions = ios.map((n) => n.io.offsetBytes / (2 * KiB));
    positions.forEach((p) => expect(Number.isInteger(p)).toBe(true));
    // Positions where a 4 KiB block fits: 0 .. (256 - 4) / 2.
    expect(Math.min(...positions)).toBe(0);
    expect(Math.max(...positions)).toBe(126);
    expect(new Set(positions).size).toBe(127);
    // Independent draws repeat within the first pass; the random map would not.
    expect(new Set(positions.slice(0, 127)).size).toBeLessThan(127);
    expect(source.notes.join("\n")).toMatch(/no random map/);
  });

  it("zipf skews: the hottest block takes about 1/H(n, theta) of the I/Os", () => {
    const spec = job({ rw: "randread", sizeBytes: 4 * MiB, runtimeNs: 1e9, numberIos: 20_000 });
    const counts = (s: JobSpec): number => {
      const hits = new Map<number, number>();
      for (const n of drain(only(s))) hits.set(n.io.offsetBytes, (hits.get(n.io.offsetBytes) ?? 0) + 1);
      return Math.max(...hits.values()) / 20_000;
    };
    // 1024 blocks, theta 1.2: H = sum k^-1.2 is about 4.35, so the top block gets about 23%.
    const zipfTop = counts({ ...spec, randomDistribution: { kind: "zipf", theta: 1.2 } });
    expect(zipfTop).toBeGreaterThan(0.18);
    expect(zipfTop).toBeLessThan(0.28);
    // Uniform with the random map: each pass of 1024 touches each block once.
    expect(counts(spec)).toBeLessThanOrEqual(20 / 1024);
  });

  it.each([
    { kind: "pareto", h: 0.2 },
    { kind: "normal", deviationPercent: 10 },
    { kind: "normal", deviationPercent: 5, centerFraction: 0.9 },
    { kind: "zoned", zones: [{ accessPercent: 80, sizePercent: 10 }, { accessPercent: 20, sizePercent: 90 }] },
  ] as const)("%o stays aligned and inside the region", (randomDistribution) => {
    const ios = drain(only(job({ rw: "randwrite", offsetBytes: 8 * MiB, sizeBytes: 1 * MiB, randomDistribution, numberIos: 2000, runtimeNs: 1e9 })));
    expect(ios).toHaveLength(2000);
    for (const n of ios) {
      expect(n.io.offsetBytes % (4 * KiB)).toBe(0);
      expect(n.io.offsetBytes).toBeGreaterThanOrEqual(8 * MiB);
      expect(n.io.offsetBytes + n.io.lengthBytes).toBeLessThanOrEqual(9 * MiB);
    }
  });

  it("zoned puts the zone's share of I/Os in the zone", () => {
    const randomDistribution = { kind: "zoned", zones: [{ accessPercent: 80, sizePercent: 10 }, { accessPercent: 20, sizePercent: 90 }] } as const;
    const ios = drain(only(job({ rw: "randread", sizeBytes: 10 * MiB, randomDistribution, numberIos: 10_000, runtimeNs: 1e9 })));
    expect(share(ios, (n) => (n as NextIo).io.offsetBytes < 1 * MiB)).toBeCloseTo(0.8, 1);
  });

  it("rwmixread: reads in proportion within tolerance at a fixed seed", () => {
    const ios = drain(only(job({ rw: "randrw", readPercent: 70, sizeBytes: 16 * MiB, runtimeNs: 1e9, numberIos: 20_000 })));
    // Binomial standard deviation is 0.0032 here: 0.02 is six of them.
    expect(Math.abs(share(ios, (n) => (n as NextIo).io.kind === "read") - 0.7)).toBeLessThan(0.02);
    expect(share(drain(only(job({ rw: "randrw", readPercent: 0 }))), (n) => (n as NextIo).io.kind === "write")).toBe(1);
    expect(share(drain(only(job({ rw: "rw", readPercent: 100 }))), (n) => (n as NextIo).io.kind === "read")).toBe(1);
  });

  it("randrw with equal positions shares one random map: each block touched once by a read or a write", () => {
    const ios = drain(only(job({ rw: "randrw", sizeBytes: 1 * MiB })));
    expect(ios).toHaveLength(256);
    expect(new Set(ios.map((n) => n.io.offsetBytes)).size).toBe(256);
  });
});

describe("jobSources: block sizes", () => {
  it("bssplit picks sizes in proportion", () => {
    const blockSizeSplit = {
      read: [],
      write: [
        { sizeBytes: 4 * KiB, percent: 10 },
        { sizeBytes: 64 * KiB, percent: 50 },
        { sizeBytes: 32 * KiB, percent: 40 },
      ],
    };
    const source = only(job({ rw: "randwrite", sizeBytes: 32 * MiB, blockSizeSplit, runtimeNs: 1e9, numberIos: 20_000 }));
    const ios = drain(source);
    const lengths = ios.map((n) => n.io.lengthBytes);
    // Offsets align to the smallest size (fio's min_bs); an I/O near the end is shortened, so count whole sizes only.
    for (const n of ios) expect(n.io.offsetBytes % (4 * KiB)).toBe(0);
    expect(Math.abs(share(lengths, (l) => l === 4 * KiB) - 0.1)).toBeLessThan(0.015);
    expect(Math.abs(share(lengths, (l) => l === 64 * KiB) - 0.5)).toBeLessThan(0.02);
    expect(Math.abs(share(lengths, (l) => l === 32 * KiB) - 0.4)).toBeLessThan(0.02);
    expect(source.notes.join("\n")).toMatch(/shortened/);
  });

  it("bssplit percentages that do not add to 100 are used in proportion and noted", () => {
    const blockSizeSplit = { read: [{ sizeBytes: 4 * KiB, percent: 1 }, { sizeBytes: 8 * KiB, percent: 3 }, { sizeBytes: 16 * KiB, percent: 0 }], write: [] };
    const source = only(job({ rw: "read", sizeBytes: 64 * MiB, blockSizeSplit, numberIos: 8000 }));
    const lengths = drain(source).map((n) => n.io.lengthBytes);
    expect(lengths).toHaveLength(8000);
    expect(lengths).not.toContain(16 * KiB);
    expect(Math.abs(share(lengths, (l) => l === 8 * KiB) - 0.75)).toBeLessThan(0.03);
    expect(source.notes.join("\n")).toMatch(/add to 4/);
  });

  it('"read,write" block sizes: each direction its own size and alignment', () => {
    const ios = drain(only(job({ rw: "randrw", sizeBytes: 4 * MiB, blockSizeBytes: { read: 8 * KiB, write: 32 * KiB }, numberIos: 2000, runtimeNs: 1e9 })));
    const reads = ios.filter((n) => n.io.kind === "read");
    const writes = ios.filter((n) => n.io.kind === "write");
    expect(reads.length).toBeGreaterThan(800);
    expect(writes.length).toBeGreaterThan(800);
    for (const n of reads) expect([n.io.lengthBytes, n.io.offsetBytes % (8 * KiB)]).toEqual([8 * KiB, 0]);
    for (const n of writes) expect([n.io.lengthBytes, n.io.offsetBytes % (32 * KiB)]).toEqual([32 * KiB, 0]);
    // Writes reach 32 KiB positions that are not 64 KiB aligned too (their own position grid).
    expect(writes.some((n) => n.io.offsetBytes % (64 * KiB) !== 0)).toBe(true);
  });
});

describe("jobSources: limits, clones and determinism", () => {
  it("number_ios stops the job before size does", () => {
    expect(drain(only(job({ rw: "randread", numberIos: 17 })))).toHaveLength(17);
    // ... and never extends it: size allows 256 I/Os.
    expect(drain(only(job({ rw: "randread", numberIos: 1000 })))).toHaveLength(256);
  });

  it("numjobs clones are independent, and the same seed gives the same sequences", () => {
    const spec = job({ rw: "randrw", numjobs: 3, sizeBytes: 8 * MiB, numberIos: 500 });
    const run = (seed: string): Array<Array<[string, number, number]>> =>
      jobSources(spec, Rng.root(seed), LU).map((s) => drain(s).map((n) => [n.io.kind, n.io.offsetBytes, n.io.lengthBytes]));
    const a = run("seed-1");
    expect(a).toHaveLength(3);
    expect(a[1]).not.toEqual(a[0]);
    expect(a[2]).not.toEqual(a[0]);
    expect(a[2]).not.toEqual(a[1]);
    expect(run("seed-1")).toEqual(a);
    expect(run("seed-2")[0]).not.toEqual(a[0]);
  });

  it("clone streams are named workload/<job>/<clone>: another job's clones do not change these", () => {
    const first = drain(only(job({ rw: "randread", name: "a" }))).map((n) => n.io.offsetBytes);
    const fromTwo = drain(jobSources(job({ rw: "randread", name: "a", numjobs: 2 }), Rng.root("seed"), LU)[0] as WorkloadSource).map((n) => n.io.offsetBytes);
    expect(fromTwo).toEqual(first);
    const other = drain(only(job({ rw: "randread", name: "b" }))).map((n) => n.io.offsetBytes);
    expect(other).not.toEqual(first);
  });

  it("passes startdelay, runtime, iodepth and thinktime through", () => {
    const source = only(job({ iodepth: 8, thinktimeNs: 2500, startDelayNs: 1e6, runtimeNs: 3e9 }));
    expect(source.loop).toEqual({ kind: "closed", iodepth: 8, thinktimeNs: 2500, thinktimeBlocks: 1 });
    expect(source.startDelayNs).toBe(1e6);
    expect(source.runtimeNs).toBe(3e9);
    expect("runtimeNs" in only(job())).toBe(false);
  });
});

describe("jobSources: open loop", () => {
  it("linear arrivals are exact multiples of 1e9 / rate_iops", () => {
    const source = only(job({ rateIops: { read: 1000, write: 1000 }, numberIos: 100 }));
    expect(source.loop).toEqual({ kind: "open" });
    expect(drain(source).map((n) => n.arrivalNs)).toEqual([...Array(100).keys()].map((k) => k * 1e6));
    // A rate that does not divide 1e9: floor(k * 1e9 / 3), no drift.
    expect(drain(only(job({ rateIops: { read: 3, write: 3 }, numberIos: 4 }))).map((n) => n.arrivalNs)).toEqual([0, 333_333_333, 666_666_666, 1_000_000_000]);
  });

  it("stop at runtime: rate_iops * runtime I/Os, none at or after runtime", () => {
    const ios = drain(only(job({ rateIops: { read: 1000, write: 1000 }, runtimeNs: 1e9, sizeBytes: 64 * KiB })));
    expect(ios).toHaveLength(1000);
    expect(ios.at(-1)?.arrivalNs).toBe(999e6);
  });

  it("poisson arrivals: integer, nondecreasing, from 0, exponential gaps with mean 1e9 / rate_iops", () => {
    const count = 20_000;
    const ios = drain(only(job({ rw: "randread", rateIops: { read: 10_000, write: 10_000 }, rateProcess: "poisson", numberIos: count, runtimeNs: 1e12 })));
    expect(ios).toHaveLength(count);
    expect(ios[0]?.arrivalNs).toBe(0);
    const gaps: number[] = [];
    for (let i = 1; i < count; i++) {
      const gap = (ios[i] as NextIo).arrivalNs - (ios[i - 1] as NextIo).arrivalNs;
      expect(Number.isInteger((ios[i] as NextIo).arrivalNs)).toBe(true);
      expect(gap).toBeGreaterThanOrEqual(0);
      gaps.push(gap);
    }
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((a, b) => a + (b - mean) ** 2, 0) / gaps.length);
    // Standard error of the mean is 0.7% here: 3% is four of them. An exponential's sd equals its mean.
    expect(Math.abs(mean / 1e5 - 1)).toBeLessThan(0.03);
    expect(Math.abs(sd / mean - 1)).toBeLessThan(0.05);
  });

  it("arrivals come from their own stream: linear and poisson jobs issue the same I/Os", () => {
    const spec = job({ rw: "randwrite", rateIops: { read: 500, write: 500 }, numberIos: 300, sizeBytes: 8 * MiB });
    const ios = (s: JobSpec): unknown[] => drain(only(s)).map((n) => n.io);
    expect(ios({ ...spec, rateProcess: "poisson" })).toEqual(ios(spec));
  });

  it("a mixed job's reads and writes arrive as two streams at their own rates, as fio paces them; rwmixread does not set the mix", () => {
    const kinds = (spec: JobSpec) => drain(only(spec)).map((n) => `${n.io.kind[0]}${n.arrivalNs / 1e6}`);
    // Equal rates: a read and a write every millisecond (reads first on a tie), whatever rwmixread says.
    expect(kinds(job({ rw: "randrw", readPercent: 70, rateIops: { read: 1000, write: 1000 }, numberIos: 6 }))).toEqual(["r0", "w0", "r1", "w1", "r2", "w2"]);
    // 700 reads and 300 writes a second: in one second of arrivals, exactly those.
    const second = drain(only(job({ rw: "randrw", readPercent: 10, rateIops: { read: 700, write: 300 }, runtimeNs: 1e9 })));
    expect(second.filter((n) => n.io.kind === "read")).toHaveLength(700);
    expect(second.filter((n) => n.io.kind === "write")).toHaveLength(300);
    expect(second.map((n) => n.arrivalNs)).toEqual([...second.map((n) => n.arrivalNs)].sort((a, b) => a - b));
    // Poisson: two independent streams, each at its mean rate.
    const poisson = drain(only(job({ rw: "rw", rateIops: { read: 2000, write: 500 }, rateProcess: "poisson", runtimeNs: 10e9, sizeBytes: 64 * MiB })));
    expect(poisson.filter((n) => n.io.kind === "read").length / 10).toBeCloseTo(2000, -2);
    expect(poisson.filter((n) => n.io.kind === "write").length / 10).toBeCloseTo(500, -2);
    // rwmixread=100 issues no writes: only the read rate applies.
    expect(new Set(drain(only(job({ rw: "randrw", readPercent: 100, rateIops: { read: 100, write: 0 }, numberIos: 20 }))).map((n) => n.io.kind))).toEqual(new Set(["read"]));
    expect(only(job({ rw: "randrw", rateIops: { read: 700, write: 300 }, numberIos: 1 })).notes.join("\n")).toContain("reads arrive at 700 and writes at 300 per second (1000 in all)");
  });

  it("refuses a mixed job with a rate for one direction only", () => {
    expect(() => only(job({ rw: "randrw", rateIops: { read: 100, write: 0 } }))).toThrow(/rate_iops for writes must be a finite number > 0/);
  });

  it("notes that thinktime and iodepth do not apply", () => {
    const notes = only(job({ rateIops: { read: 100, write: 100 }, thinktimeNs: 10, iodepth: 4 })).notes.join("\n");
    expect(notes).toMatch(/thinktime ignored/);
    expect(notes).toMatch(/iodepth 4/);
  });
});

describe("jobSources: validation", () => {
  const cases: Array<[string, Partial<JobSpec>, RegExp]> = [
    ["offset past the end", { offsetBytes: 64 * MiB }, /offset .* past the end/],
    ["offset + size past the end", { offsetBytes: 63 * MiB, sizeBytes: 2 * MiB }, /outside the Source LU/],
    ["bs not a sector multiple", { blockSizeBytes: { read: 3000, write: 4096 } }, /bs \(read\) 3000 B is not a multiple of .*512-byte sector/],
    ["offset not a sector multiple", { offsetBytes: 100 }, /offset 100 B is not a multiple/],
    ["size not a sector multiple", { sizeBytes: 1000 }, /size 1000 B is not a multiple/],
    ["region smaller than a block", { sizeBytes: 2 * KiB }, /smaller than the smallest read block/],
    ["blockalign not a sector multiple", { rw: "randread", blockAlignBytes: 1000 }, /blockalign 1000 B/],
    ["bssplit all zero", { blockSizeSplit: { read: [{ sizeBytes: 4096, percent: 0 }], write: [] } }, /every block size 0 percent/],
    ["bssplit size not a sector multiple", { blockSizeSplit: { read: [{ sizeBytes: 4000, percent: 100 }], write: [] } }, /bssplit \(read\) entry 0 block size 4000 B/],
    ["rwmixread out of range", { rw: "rw", readPercent: 101 }, /rwmixread/],
    ["numjobs 0", { numjobs: 0 }, /numjobs/],
    ["rate_iops 0", { rateIops: { read: 0, write: 0 } }, /rate_iops/],
    ["number_ios 0", { numberIos: 0 }, /number_ios/],
    ["zipf theta 0", { rw: "randread", randomDistribution: { kind: "zipf", theta: 0 } }, /random_distribution: .*theta/],
  ];
  it.each(cases)("rejects %s with a RangeError naming the job", (_label, overrides, message) => {
    const run = (): unknown => jobSources(job({ name: "oltp", ...overrides }), Rng.root("s"), LU);
    expect(run).toThrow(RangeError);
    expect(run).toThrow(/^job "oltp": /);
    expect(run).toThrow(message);
  });

  it("checks only the directions the job uses, and size 0 runs to the end of the Source LU", () => {
    const source = only(job({ rw: "write", blockSizeBytes: { read: 3000, write: 1 * MiB }, offsetBytes: 60 * MiB, sizeBytes: 0 }));
    const ios = drain(source);
    expect(ios).toHaveLength(4);
    expect(ios.at(-1)?.io).toEqual({ kind: "write", offsetBytes: 63 * MiB, lengthBytes: 1 * MiB });
  });
});
