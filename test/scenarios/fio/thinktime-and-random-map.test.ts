/**
 * Two fio options whose meaning changes how many I/Os are in flight and which
 * blocks are touched: thinktime (with thinktime_blocks) caps the queue depth,
 * and norandommap lets random offsets repeat within a pass.
 */
import { describe, expect, it } from "vitest";
import { importFioJobFile } from "../../../scenarios/fio/import-job-file.js";
import { fioImportToScenarioYaml } from "../../../scenarios/fio/to-scenario-yaml.js";
import { loadScenarioText } from "../../../scenarios/schema/load.js";
import { jobSources } from "../../../scenarios/workloads/job-source.js";
import { Rng } from "../../../sim/rng/streams.js";

const lines = (...text: string[]) => `${text.join("\n")}\n`;
const reasonOf = (imported: ReturnType<typeof importFioJobFile>, option: string) => imported.ignored.find((entry) => entry.option === option)?.reason;

describe("norandommap", () => {
  it("turns the random map off on a uniform random job: offsets repeat within a pass, as in fio", () => {
    const text = (flag: string) => lines("[j]", "rw=randwrite", "bs=4k", "size=4m", flag);
    const withMap = importFioJobFile(text(""), "x.fio").jobs[0]!;
    const without = importFioJobFile(text("norandommap"), "x.fio");
    expect(without.jobs[0]!.noRandomMap).toBe(true);
    expect(reasonOf(without, "norandommap")).toBeUndefined();
    const distinct = (job: typeof withMap) => {
      const [source] = jobSources(job, Rng.root("1"), { capacityBytes: 8 << 20, sectorSizeBytes: 512 });
      const seen = new Set<number>();
      for (let next = source!.next(); next !== undefined; next = source!.next()) seen.add(next.io.offsetBytes);
      return seen.size;
    };
    // size=4m of 4k blocks: one pass is 1024 I/Os; the map touches each block once, independent draws ~63% of them.
    expect(distinct(withMap)).toBe(1024);
    expect(distinct(without.jobs[0]!)).toBeGreaterThan(550);
    expect(distinct(without.jobs[0]!)).toBeLessThan(750);
    expect(jobSources(without.jobs[0]!, Rng.root("1"), { capacityBytes: 8 << 20, sectorSizeBytes: 512 })[0]!.notes.join("\n")).toContain("norandommap: no random map");
  });

  it("is ignored, with the reason, where it changes nothing", () => {
    expect(reasonOf(importFioJobFile(lines("[j]", "rw=write", "norandommap"), "x.fio"), "norandommap")).toContain("only applies to random jobs");
    expect(reasonOf(importFioJobFile(lines("[j]", "rw=randread", "norandommap=0"), "x.fio"), "norandommap")).toContain("keeps the random map");
    const zipf = importFioJobFile(lines("[j]", "rw=randread", "random_distribution=zipf:1.2", "norandommap"), "x.fio");
    expect(reasonOf(zipf, "norandommap")).toContain("already draws each offset independently");
    expect(zipf.jobs[0]!.noRandomMap).toBeUndefined();
  });

  it("reads back from the scenario the import prints", () => {
    const imported = importFioJobFile(lines("[j]", "rw=randrw", "norandommap"), "x.fio");
    const yaml = fioImportToScenarioYaml(imported, "x.fio");
    expect(yaml).toContain("norandommap: true");
    expect(loadScenarioText(yaml, { fileName: "x.yaml" }).workloads).toEqual(imported.jobs);
  });
});

describe("thinktime_blocks", () => {
  const job = (...options: string[]) => importFioJobFile(lines("[j]", "ioengine=libaio", "iodepth=16", "rw=randread", "thinktime=100", ...options), "x.fio");

  it("notes that a thinktime caps the queue depth, by default at one I/O", () => {
    const imported = job();
    expect(imported.jobs[0]!.thinktimeBlocks).toBeUndefined();
    expect(imported.notes.join("\n")).toContain("at most 1 of iodepth=16 are in flight");
  });

  it("takes N I/Os between pauses, noting that fio counts them at completion unless told issue", () => {
    const complete = job("thinktime_blocks=4");
    expect(complete.jobs[0]!.thinktimeBlocks).toBe(4);
    expect(complete.notes.join("\n")).toContain("thinktime_blocks=4 counts completed I/Os");
    expect(complete.notes.join("\n")).toContain("at most 4 of iodepth=16");
    const issue = job("thinktime_blocks=4", "thinktime_blocks_type=issue");
    expect(issue.jobs[0]!.thinktimeBlocks).toBe(4);
    expect(issue.notes.join("\n")).not.toContain("counts completed I/Os");
    expect(reasonOf(issue, "thinktime_blocks_type")).toBeUndefined();
  });

  it("ignores both options without a thinktime, and the type when every I/O pauses", () => {
    const none = importFioJobFile(lines("[j]", "rw=randread", "thinktime_blocks=4", "thinktime_blocks_type=issue"), "x.fio");
    expect(reasonOf(none, "thinktime_blocks")).toContain("only matters with a thinktime");
    expect(reasonOf(none, "thinktime_blocks_type")).toContain("only matters with a thinktime");
    expect(reasonOf(job("thinktime_blocks_type=issue"), "thinktime_blocks_type")).toContain("pauses after every I/O");
  });

  it("reads back from the scenario the import prints", () => {
    const imported = job("thinktime_blocks=4");
    const yaml = fioImportToScenarioYaml(imported, "x.fio");
    expect(yaml).toContain("thinktime_blocks: 4");
    expect(loadScenarioText(yaml, { fileName: "x.yaml" }).workloads).toEqual(imported.jobs);
  });
});
