/**
 * fio's section rules: [global] sets defaults for the jobs below it, a job
 * overrides them, a later [global] affects only later jobs, and a job is
 * named by name= or its section; comments and bare options as fio reads them.
 */
import { describe, expect, it } from "vitest";
import { importFioJobFile } from "../../../scenarios/fio/import-job-file.js";
import { parseFioJobFile } from "../../../scenarios/fio/parse-job-file.js";

const KiB = 1024;

describe("parseFioJobFile", () => {
  it("keeps sections, options and their lines and columns; comments and blank lines are skipped", () => {
    const text = ["; leading comment", "# another", "[global]", "  bs = 4k  ; trailing comment", "", "[job one]", "time_based", "rw=randread # why", "filename=/dev/sdb"].join("\r\n");
    const file = parseFioJobFile(text, "x.fio");
    expect(file.sections).toEqual([
      { name: "global", line: 3, isGlobal: true, options: [{ name: "bs", value: "4k", line: 4, column: 3, valueColumn: 8 }] },
      {
        name: "job one",
        line: 6,
        isGlobal: false,
        options: [
          { name: "time_based", value: undefined, line: 7, column: 1 },
          { name: "rw", value: "randread", line: 8, column: 1, valueColumn: 4 },
          { name: "filename", value: "/dev/sdb", line: 9, column: 1, valueColumn: 10 },
        ],
      },
    ]);
  });

  it("cuts a line at its first ';' or '#', as fio does, even inside a value", () => {
    const file = parseFioJobFile("[job]\nfilename=/dev/disk#1\n", "x.fio");
    expect(file.sections[0]?.options[0]).toEqual({ name: "filename", value: "/dev/disk", line: 2, column: 1, valueColumn: 10 });
  });
});

describe("[global] and job sections", () => {
  it("applies [global] to every job and lets a job override it", () => {
    const text = ["[global]", "rw=randwrite", "bs=8k", "iodepth=4", "", "[a]", "", "[b]", "bs=64k", "iodepth=32", ""].join("\n");
    const { jobs } = importFioJobFile(text, "x.fio");
    expect(jobs.map((job) => [job.name, job.rw, job.blockSizeBytes.write, job.iodepth])).toEqual([
      ["a", "randwrite", 8 * KiB, 1], // no ioengine: fio's default psync keeps one I/O in flight
      ["b", "randwrite", 64 * KiB, 1],
    ]);
  });

  it("takes [Global] for a job, as fio does (it compares \"global\" case and all): its options are not defaults", () => {
    const { jobs } = importFioJobFile("[Global]\nrw=randwrite\n[a]\n", "x.fio");
    expect(jobs.map((job) => [job.name, job.rw])).toEqual([
      ["Global", "randwrite"],
      ["a", "read"],
    ]);
  });

  it("applies a later [global] only to the jobs below it, on top of the earlier one", () => {
    const text = ["[global]", "rw=read", "bs=8k", "[a]", "[global]", "bs=16k", "[b]", ""].join("\n");
    const { jobs } = importFioJobFile(text, "x.fio");
    expect(jobs.map((job) => [job.name, job.rw, job.blockSizeBytes.read])).toEqual([
      ["a", "read", 8 * KiB],
      ["b", "read", 16 * KiB],
    ]);
  });

  it("keeps the later of two values of one option, aliases included (readwrite is rw)", () => {
    const { jobs } = importFioJobFile("[job]\nrw=read\nreadwrite=randwrite\n", "x.fio");
    expect(jobs[0]?.rw).toBe("randwrite");
  });

  it("names a job by name=, else by its section; a [global] name= names every job, made unique", () => {
    expect(importFioJobFile("[section]\nname=from-option\n", "x.fio").jobs[0]?.name).toBe("from-option");
    const shared = importFioJobFile("[global]\nname=same\n[a]\n[b]\n", "x.fio");
    expect(shared.jobs.map((job) => job.name)).toEqual(["same", "same-2"]);
    expect(shared.notes.join("\n")).toContain("imported as same-2");
  });

  it("uses ioengine to decide whether iodepth means anything", () => {
    const queued = importFioJobFile("[job]\nioengine=io_uring\niodepth=32\n", "x.fio");
    expect(queued.jobs[0]?.iodepth).toBe(32);
    const synchronous = importFioJobFile("[job]\nioengine=psync\niodepth=32\n", "x.fio");
    expect(synchronous.jobs[0]?.iodepth).toBe(1);
    expect(synchronous.notes.join("\n")).toContain("psync is synchronous, so fio keeps one I/O in flight");
  });
});

describe("ignored options", () => {
  const text = [
    "[global]",
    "ioengine=libaio",
    "direct=1",
    "group_reporting",
    "thread",
    "randseed=42",
    "write_lat_log=lat",
    "verify=0",
    "zonemode=none",
    "[a]",
    "rw=read",
    "rwmixread=70",
    "random_distribution=zipf:1.2",
    "blockalign=8k",
    "[b]",
    "rw=randread",
    "norandommap",
    "",
  ].join("\n");
  const imported = importFioJobFile(text, "x.fio");

  it("lists every ignored option once per job it applied to, with its line and a specific reason", () => {
    const forA = imported.ignored.filter((entry) => entry.job === "a").map((entry) => `${entry.line} ${entry.option}`);
    expect(forA).toEqual(["2 ioengine", "3 direct", "4 group_reporting", "5 thread", "6 randseed", "7 write_lat_log", "8 verify", "9 zonemode", "12 rwmixread", "13 random_distribution", "14 blockalign"]);
    const reason = (job: string, option: string) => imported.ignored.find((entry) => entry.job === job && entry.option === option)?.reason;
    expect(reason("a", "ioengine")).toBe("the simulator issues I/O itself; there is no engine to choose (libaio queues, so iodepth=1 applies)");
    expect(reason("a", "group_reporting")).toContain("only changes what fio reports");
    expect(reason("a", "thread")).toContain("simulated jobs use no CPU");
    expect(reason("a", "randseed")).toContain("seeded by the scenario's seed");
    expect(reason("a", "verify")).toBe("verify is off");
    expect(reason("a", "rwmixread")).toContain("only matters for mixed workloads");
    expect(reason("a", "random_distribution")).toContain("only shapes random offsets; this job is rw=read");
    expect(reason("a", "blockalign")).toContain("fio aligns only random offsets");
    // Job b's norandommap is taken, not ignored: it turns the random map off (see the importer's own tests).
    expect(reason("b", "norandommap")).toBeUndefined();
    expect(imported.jobs.find((job) => job.name === "b")?.noRandomMap).toBe(true);
  });

  it("keeps the value as written", () => {
    expect(imported.ignored.find((entry) => entry.option === "randseed")).toMatchObject({ value: "42" });
    expect(imported.ignored.find((entry) => entry.option === "group_reporting")?.value).toBeUndefined();
  });
});
