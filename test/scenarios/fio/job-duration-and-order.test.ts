/**
 * When jobs start and stop: fio's size, io_size, number_ios, runtime and
 * time_based; stonewall and wait_for as start delays; ramp_time as the
 * scenario's warm-up; offset_increment as one job per clone; rates.
 */
import { describe, expect, it } from "vitest";
import { importFioJobFile } from "../../../scenarios/fio/import-job-file.js";

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
const S_NS = 1_000_000_000;

const lines = (...text: string[]) => `${text.join("\n")}\n`;

describe("how a job ends", () => {
  it("time_based with runtime: runs for runtime, whatever size", () => {
    const imported = importFioJobFile(lines("[job]", "rw=write", "size=1g", "time_based", "runtime=30"), "x.fio");
    expect(imported.jobs[0]).toMatchObject({ runtimeNs: 30 * S_NS, sizeBytes: 1 * GiB });
    expect(imported.jobs[0]?.numberIos).toBeUndefined();
    expect(imported.notes.join("\n")).toContain("time_based: runs for 30s whatever its size");
  });

  it("runtime without time_based is only a cap: fio still stops at size bytes, imported as number_ios", () => {
    const imported = importFioJobFile(lines("[job]", "rw=write", "bs=64k", "size=1g", "runtime=30"), "x.fio");
    expect(imported.jobs[0]).toMatchObject({ runtimeNs: 30 * S_NS, numberIos: GiB / (64 * KiB) });
    expect(imported.notes.join("\n")).toContain("imported as number_ios=16384 (1GiB / 64KiB), or runtime=30s if that comes first");
  });

  it("without runtime, the job stops after size bytes by itself: no number_ios needed", () => {
    const job = importFioJobFile(lines("[job]", "rw=randwrite", "size=1g"), "x.fio").jobs[0];
    expect(job?.numberIos).toBeUndefined();
    expect(job?.runtimeNs).toBeUndefined();
  });

  it("io_size smaller than size stops the job early; number_ios keeps the smaller of the two", () => {
    expect(importFioJobFile(lines("[job]", "rw=randread", "size=1g", "io_size=256m"), "x.fio").jobs[0]?.numberIos).toBe((256 * MiB) / (4 * KiB));
    expect(importFioJobFile(lines("[job]", "rw=randread", "size=1g", "io_size=256m", "number_ios=100"), "x.fio").jobs[0]?.numberIos).toBe(100);
  });

  it("uses the mean I/O size of a bssplit mix (approximately, and says so)", () => {
    const imported = importFioJobFile(lines("[job]", "rw=randwrite", "bssplit=4k/50:12k/50", "size=8m", "runtime=10"), "x.fio");
    expect(imported.jobs[0]?.numberIos).toBe(1024); // 8 MiB / 8 KiB mean
    expect(imported.notes.join("\n")).toContain("the mean I/O size of its block size mix");
  });

  it("a job without size on a known Source LU stops after one pass when it has a runtime cap", () => {
    const job = importFioJobFile(lines("[job]", "rw=read", "bs=1m", "runtime=60"), "x.fio", { sourceCapacityBytes: 4 * GiB }).jobs[0];
    expect(job?.numberIos).toBe(4096);
  });

  it("time_based without a runtime is off, as in fio", () => {
    const imported = importFioJobFile(lines("[job]", "rw=read", "size=1g", "time_based"), "x.fio");
    expect(imported.jobs[0]?.runtimeNs).toBeUndefined();
    expect(imported.ignored.find((entry) => entry.option === "time_based")?.reason).toContain("time_based requires a runtime/timeout setting");
  });
});

describe("order between jobs", () => {
  it("stonewall starts a job when the time_based jobs above it end, and later jobs with it", () => {
    const text = lines("[global]", "time_based", "runtime=10", "[fill]", "rw=write", "startdelay=2", "[check]", "stonewall", "rw=read", "runtime=5", "[alongside]", "rw=randread");
    const imported = importFioJobFile(text, "x.fio");
    expect(imported.jobs.map((job) => [job.name, job.startDelayNs, job.runtimeNs])).toEqual([
      ["fill", 2 * S_NS, 10 * S_NS],
      ["check", 12 * S_NS, 5 * S_NS],
      ["alongside", 12 * S_NS, 10 * S_NS],
    ]);
    expect(imported.notes.join("\n")).toContain("check: starts at 12s, when the jobs it waits for (stonewall/wait_for) end");
  });

  it("wait_for starts a job when the named job ends", () => {
    const text = lines("[global]", "time_based", "[a]", "rw=write", "runtime=20", "[b]", "rw=read", "runtime=3", "[c]", "wait_for=b", "rw=randread", "runtime=1");
    const jobs = importFioJobFile(text, "x.fio").jobs;
    expect(jobs.map((job) => job.startDelayNs)).toEqual([0, 0, 3 * S_NS]);
  });
});

describe("ramp_time", () => {
  it("adds to the runtime and becomes the scenario's warm-up when every job shares it", () => {
    const imported = importFioJobFile(lines("[global]", "time_based", "runtime=30", "ramp_time=5", "[a]", "rw=randwrite", "[b]", "rw=randread"), "x.fio");
    expect(imported.jobs.map((job) => job.runtimeNs)).toEqual([35 * S_NS, 35 * S_NS]);
    expect(imported.warmupNs).toBe(5 * S_NS);
  });
});

describe("clones", () => {
  it("offset_increment gives each clone its own region: one job per clone", () => {
    const imported = importFioJobFile(lines("[w]", "rw=write", "numjobs=3", "size=1g", "offset=1g", "offset_increment=2g"), "x.fio");
    expect(imported.jobs.map((job) => [job.name, job.numjobs, job.offsetBytes])).toEqual([
      ["w.0", 1, 1 * GiB],
      ["w.1", 1, 3 * GiB],
      ["w.2", 1, 5 * GiB],
    ]);
  });

  it("notes that clones share one region where fio, without filename, gives each its own file", () => {
    expect(importFioJobFile(lines("[w]", "rw=randwrite", "numjobs=4", "size=1g"), "x.fio").notes.join("\n")).toContain("fio gives each of the 4 clones its own file");
    expect(importFioJobFile(lines("[w]", "rw=randwrite", "numjobs=4", "size=1g", "filename=/dev/sdb"), "x.fio").notes.join("\n")).not.toContain("its own file");
  });
});

describe("rates", () => {
  it("maps rate_iops and rate_process=poisson, and says the job is open loop", () => {
    const imported = importFioJobFile(lines("[r]", "rw=randread", "rate_iops=500", "rate_process=poisson"), "x.fio");
    expect(imported.jobs[0]).toMatchObject({ rateIops: { read: 500, write: 0 }, rateProcess: "poisson" });
    expect(imported.notes.join("\n")).toContain("rate_iops=500 with poisson arrivals: open loop");
  });

  it("turns a bandwidth rate with one block size into rate_iops", () => {
    expect(importFioJobFile(lines("[r]", "rw=write", "bs=64k", "rate=8m"), "x.fio").jobs[0]?.rateIops).toEqual({ read: 0, write: 128 });
    // Per direction, each in its own block size.
    const mixed = importFioJobFile(lines("[r]", "rw=randrw", "bs=4k,64k", "rate=4m,8m"), "x.fio");
    expect(mixed.jobs[0]?.rateIops).toEqual({ read: 1024, write: 128 });
    expect(mixed.notes.join("\n")).toContain("is 1024 reads and 128 writes per second");
  });

  it("takes the rate of the direction the job uses", () => {
    expect(importFioJobFile(lines("[r]", "rw=write", "rate_iops=100,250"), "x.fio").jobs[0]?.rateIops).toEqual({ read: 0, write: 250 });
    expect(importFioJobFile(lines("[r]", "rw=read", "rate_iops=,250"), "x.fio").jobs[0]?.rateIops).toBeUndefined();
    // rwmixread=100 issues no writes, so the write rate may be left out.
    expect(importFioJobFile(lines("[r]", "rw=randrw", "rwmixread=100", "rate_iops=300,"), "x.fio").jobs[0]?.rateIops).toEqual({ read: 300, write: 0 });
  });

  it("paces a mixed job's reads and writes apart, as fio's clock per direction does: one value rates each", () => {
    const imported = importFioJobFile(lines("[r]", "rw=randrw", "rwmixread=70", "rate_iops=1000"), "x.fio");
    expect(imported.jobs[0]?.rateIops).toEqual({ read: 1000, write: 1000 });
    expect(imported.notes.join("\n")).toContain("reads and writes arrive at their own rates (fio's separate clocks per direction, so the rates, not rwmixread, set the mix)");
    expect(importFioJobFile(lines("[r]", "rw=rw", "rate_iops=700,300"), "x.fio").jobs[0]?.rateIops).toEqual({ read: 700, write: 300 });
  });
});
