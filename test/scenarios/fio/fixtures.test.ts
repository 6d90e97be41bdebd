/**
 * Every fio job file in the shared fixtures (fio's own examples/) imports,
 * with the values fio gives them, and its scenario text loads back to the
 * same jobs.
 */
import { fileURLToPath } from "node:url";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FioImportError } from "../../../scenarios/fio/fio-import-error.js";
import { importFioJobFile, type FioImport, type FioImportOptions } from "../../../scenarios/fio/import-job-file.js";
import { fioImportToScenarioYaml } from "../../../scenarios/fio/to-scenario-yaml.js";
import type { JobSpec } from "../../../scenarios/model.js";
import { loadScenarioText } from "../../../scenarios/schema/load.js";

const FIXTURES = fileURLToPath(new URL("../../../../shared/fixtures/fio-jobs", import.meta.url));
const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
const S_NS = 1_000_000_000;

function importFixture(file: string, options: FioImportOptions = {}): FioImport {
  return importFioJobFile(readFileSync(join(FIXTURES, file), "utf8"), file, options);
}

function onlyJob(imported: FioImport): JobSpec {
  expect(imported.jobs).toHaveLength(1);
  const [job] = imported.jobs;
  if (job === undefined) throw new Error("no job");
  return job;
}

function ignoredOptions(imported: FioImport): string[] {
  return imported.ignored.map((entry) => `${entry.line}:${entry.option}`);
}

const files = readdirSync(FIXTURES).filter((file) => file.endsWith(".fio")).sort();

describe("every fixture", () => {
  it("finds the fixtures", () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  it.each(files)("%s imports, gives a reason for each ignored option, and its scenario text loads back to the same jobs", (file) => {
    const imported = importFixture(file);
    expect(imported.jobs.length).toBeGreaterThan(0);
    for (const entry of imported.ignored) expect(entry.reason.length, `${entry.option}`).toBeGreaterThan(20);

    const text = fioImportToScenarioYaml(imported, file);
    expect(text).toMatch(new RegExp(`^# cofwsim scenario imported from the fio job file ${file.replace(/\./g, "\\.")}`));
    const scenario = loadScenarioText(text, { fileName: `${file}.yaml` });
    expect(scenario.workloads).toEqual(imported.jobs);
  });
});

describe("fio-rand-RW.fio", () => {
  const imported = importFixture("fio-rand-RW.fio");
  const job = onlyJob(imported);

  it("maps rw, rwmixread, bs, iodepth, numjobs, size and the time_based runtime", () => {
    expect(job).toMatchObject({
      kind: "job",
      name: "fio-rand-RW", // [global] name= names the [file1] job
      rw: "randrw",
      readPercent: 60,
      blockSizeBytes: { read: 4 * KiB, write: 4 * KiB },
      blockSizeSplit: { read: [], write: [] },
      iodepth: 16,
      numjobs: 4,
      offsetBytes: 0,
      sizeBytes: 10 * GiB,
      randomDistribution: { kind: "random" },
      runtimeNs: 900 * S_NS,
      thinktimeNs: 0,
      startDelayNs: 0,
    });
    expect(job.numberIos).toBeUndefined();
    expect(job.rateIops).toBeUndefined();
  });

  it("lists filename, direct and ioengine as ignored, at their lines", () => {
    expect(ignoredOptions(imported)).toEqual(["5:filename", "10:direct", "17:ioengine"]);
    expect(imported.ignored.find((entry) => entry.option === "ioengine")?.reason).toContain("there is no engine to choose");
    expect(imported.ignored.find((entry) => entry.option === "direct")?.reason).toContain("no page cache");
  });

  it("notes that time_based runs for the runtime whatever the size", () => {
    expect(imported.notes.join("\n")).toContain("time_based: runs for 900s whatever its size");
  });
});

describe("fio-seq-read.fio", () => {
  it("maps a sequential read of 256 KiB blocks, named by [global] name=", () => {
    expect(onlyJob(importFixture("fio-seq-read.fio"))).toMatchObject({ name: "fio-seq-reads", rw: "read", blockSizeBytes: { read: 256 * KiB, write: 256 * KiB }, iodepth: 16, numjobs: 1 });
  });
});

describe("jesd219.fio", () => {
  const imported = importFixture("jesd219.fio");
  const job = onlyJob(imported);

  it("maps bssplit for both directions, blockalign and the zoned random_distribution", () => {
    const split = [
      { sizeBytes: 512, percent: 4 },
      { sizeBytes: 1024, percent: 1 },
      { sizeBytes: 1536, percent: 1 },
      { sizeBytes: 2048, percent: 1 },
      { sizeBytes: 2560, percent: 1 },
      { sizeBytes: 3072, percent: 1 },
      { sizeBytes: 3584, percent: 1 },
      { sizeBytes: 4 * KiB, percent: 67 },
      { sizeBytes: 8 * KiB, percent: 10 },
      { sizeBytes: 16 * KiB, percent: 7 },
      { sizeBytes: 32 * KiB, percent: 3 },
      { sizeBytes: 64 * KiB, percent: 3 },
    ];
    expect(job.blockSizeSplit).toEqual({ read: split, write: split });
    expect(job.blockAlignBytes).toBe(4 * KiB);
    expect(job.randomDistribution).toEqual({
      kind: "zoned",
      zones: [
        { accessPercent: 50, sizePercent: 5 },
        { accessPercent: 30, sizePercent: 15 },
        { accessPercent: 20, sizePercent: 80 },
      ],
    });
    expect(job).toMatchObject({ name: "JESD219", rw: "randrw", readPercent: 40, iodepth: 256, numjobs: 4 });
  });

  it("takes the whole Source LU when size is missing, and says so", () => {
    expect(job.sizeBytes).toBe(0);
    expect(imported.notes.join("\n")).toContain("no size: the job covers the Source LU from its start to its end");
  });

  it("ignores the engine, the device, fio's seeding, norandommap and group_reporting, each with its reason", () => {
    expect(ignoredOptions(imported)).toEqual(["7:ioengine", "8:direct", "10:norandommap", "11:randrepeat", "19:filename", "20:group_reporting"]);
    expect(imported.ignored.find((entry) => entry.option === "norandommap")?.reason).toContain("already draws each offset independently");
  });
});

describe("fixed-rate-submission.fio", () => {
  const imported = importFixture("fixed-rate-submission.fio");
  const job = onlyJob(imported);

  it("maps rate_iops with fio's default linear rate_process, and size", () => {
    expect(job).toMatchObject({ name: "fixed-rate-submit", rw: "read", rateIops: { read: 1000, write: 0 }, rateProcess: "linear", sizeBytes: 128 * MiB, iodepth: 32 });
    expect(job.runtimeNs).toBeUndefined();
  });

  it("ignores io_submit_mode=offload because rated jobs are always open loop", () => {
    const offload = imported.ignored.find((entry) => entry.option === "io_submit_mode");
    expect(offload).toMatchObject({ line: 9, value: "offload" });
    expect(offload?.reason).toContain("open loop");
  });
});

describe("iometer-file-access-server.fio", () => {
  it("maps the IOMeter bssplit, the mix and the depth, and ignores the description", () => {
    const imported = importFixture("iometer-file-access-server.fio");
    const job = onlyJob(imported);
    expect(job).toMatchObject({ name: "iometer", rw: "randrw", readPercent: 80, iodepth: 64, sizeBytes: 4 * GiB });
    expect(job.blockSizeSplit.read.map((entry) => entry.sizeBytes)).toEqual([512, 1 * KiB, 2 * KiB, 4 * KiB, 8 * KiB, 16 * KiB, 32 * KiB, 64 * KiB]);
    expect(job.blockSizeSplit.read.map((entry) => entry.percent)).toEqual([10, 5, 5, 60, 2, 4, 4, 10]);
    // fio's default alignment with bssplit is the smallest size; the runner applies it, so none is set.
    expect(job.blockAlignBytes).toBeUndefined();
    expect(ignoredOptions(imported)).toContain("3:description");
  });
});

describe("latency-profile.fio", () => {
  it("imports at the fixed iodepth by default, listing the latency options as ignored with what that changes", () => {
    const imported = importFixture("latency-profile.fio");
    expect(onlyJob(imported)).toMatchObject({ name: "device", rw: "randread", iodepth: 128, blockSizeBytes: { read: 4 * KiB, write: 4 * KiB }, sizeBytes: 0 });
    const reasons = new Map(imported.ignored.map((entry) => [entry.option, entry.reason]));
    expect(reasons.get("latency_target")).toBe(
      "fio searches for the deepest queue between 1 and iodepth=128 at which 99.9% of I/Os complete within 500ms (judged over 5s windows), and reports only that depth; " +
        "the simulator runs a job at one fixed depth; imported at the fixed iodepth=128, which gives fio's result only if the device meets the target at full depth",
    );
    expect(reasons.get("latency_window")).toBe("only tunes fio's latency_target search for a queue depth");
    expect(reasons.get("latency_percentile")).toBe("only tunes fio's latency_target search for a queue depth");
    expect(reasons.get("random_generator")).toContain("lfsr");
    expect(ignoredOptions(imported)).toEqual(["9:random_generator", "10:direct", "11:ioengine", "14:latency_target", "16:latency_window", "18:latency_percentile", "21:filename"]);
  });

  it('is refused with latencyTarget "reject", at the latency_target line', () => {
    let error: unknown;
    try {
      importFixture("latency-profile.fio", { latencyTarget: "reject" });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(FioImportError);
    const problems = (error as FioImportError).problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ fileName: "latency-profile.fio", line: 14, column: 16 });
    expect(problems[0]?.message).toContain("searches for the deepest queue between 1 and iodepth=128");
    expect((error as FioImportError).message).toContain("latency-profile.fio:14:16: latency_target=500000");
  });
});
