/**
 * The scenario text `cofwsim import` prints: a header naming the fio file and
 * every ignored option with its reason, fio's option names with units, the
 * default devices, engine and stop, and text that loads back to the same jobs.
 */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { importFioJobFile } from "../../../scenarios/fio/import-job-file.js";
import { fioImportToScenarioYaml } from "../../../scenarios/fio/to-scenario-yaml.js";
import { loadScenarioText } from "../../../scenarios/schema/load.js";

const lines = (...text: string[]) => `${text.join("\n")}\n`;

function convert(text: string, fileName = "jobs.fio"): { yaml: string; body: Record<string, unknown>; jobs: ReturnType<typeof importFioJobFile>["jobs"] } {
  const imported = importFioJobFile(text, fileName);
  const yaml = fioImportToScenarioYaml(imported, fileName);
  const scenario = loadScenarioText(yaml, { fileName: "jobs.yaml" });
  expect(scenario.workloads).toEqual(imported.jobs);
  return { yaml, body: parse(yaml) as Record<string, unknown>, jobs: imported.jobs };
}

describe("fioImportToScenarioYaml", () => {
  const { yaml, body } = convert(
    lines("[global]", "ioengine=libaio", "direct=1", "group_reporting", "time_based", "runtime=2m", "[writer]", "rw=randwrite", "bs=4k,64k", "iodepth=8", "size=2g", "offset=1g", "random_distribution=normal:5:0.25", "[reader]", "rw=rw", "rwmixread=70", "thinktime=250", "startdelay=10s", "size=512m", "bssplit=4k/50:8k/50,64k/100"),
    "mixed.fio",
  );

  it("starts with a header naming the fio file and each ignored option once, with its line, jobs and reason", () => {
    const header = yaml.split("\n").filter((line) => line.startsWith("#"));
    expect(header[0]).toBe("# cofwsim scenario imported from the fio job file mixed.fio (cofwsim import).");
    const text = header.map((line) => line.replace(/^# ?/, "").trim()).join(" ");
    // The reason names each job's own depth, so the two jobs get one line each.
    expect(text).toContain("- line 2 ioengine=libaio (writer): the simulator issues I/O itself; there is no engine to choose (libaio queues, so iodepth=8 applies)");
    expect(text).toContain("- line 2 ioengine=libaio (reader): the simulator issues I/O itself; there is no engine to choose (libaio queues, so iodepth=1 applies)");
    expect(text).toContain("- line 3 direct=1 (writer, reader): the simulator has no page cache");
    expect(text).toContain("- line 4 group_reporting (writer, reader): only changes what fio reports or logs");
    expect(header.every((line) => line.length <= 102)).toBe(true);
  });

  it("writes the default devices, engine and a stop at the end of the last timed job", () => {
    expect(body.devices).toEqual({
      source: { model: "fixed", capacity: "64GiB", latency: "80us", bandwidth: "500MB/s", parallelism: 8 },
      cache: { model: "fixed", capacity: "16GiB", latency: "80us", bandwidth: "500MB/s", parallelism: 8 },
    });
    expect(body.engine).toEqual({ chunkSize: "64KiB", regionSize: "64KiB", commitPolicy: "write-through" });
    expect(body.stop).toEqual({ runtime: "130s" }); // the reader starts at 10s and runs 2m
    expect(body.name).toBe("mixed");
  });

  it("writes the jobs with fio's option names and units", () => {
    expect(body.workloads).toEqual([
      { kind: "job", name: "writer", rw: "randwrite", bs: "4KiB,64KiB", iodepth: 8, numjobs: 1, size: "2GiB", offset: "1GiB", random_distribution: "normal:5:0.25", runtime: "120s" },
      {
        kind: "job",
        name: "reader",
        rw: "rw",
        bssplit: "4KiB/50:8KiB/50,64KiB/100",
        iodepth: 1,
        numjobs: 1,
        size: "512MiB",
        rwmixread: 70,
        runtime: "120s",
        thinktime: "250us",
        startdelay: "10s",
      },
    ]);
  });

  it("stops at 60s when no job has a runtime", () => {
    expect(convert(lines("[job]", "rw=randread", "size=1g")).body.stop).toEqual({ runtime: "60s" });
  });

  it("gives a job without a runtime 60s from its own start, so a job that waits for a timed one still runs", () => {
    // The stonewalled job starts at 2s and stops after its size: a stop at 2s would end the run before its first I/O.
    const { body: sequenced } = convert(lines("[global]", "rw=write", "size=1m", "[timed]", "time_based", "runtime=2s", "[after]", "stonewall"));
    expect(sequenced.stop).toEqual({ runtime: "62s" });
  });

  it("writes rate_iops with its process, number_ios, and bssplit shared by both directions as a list", () => {
    const { body: rated } = convert(lines("[job]", "rw=randrw", "bssplit=4k/25:16k/75", "rate_iops=2000", "rate_process=poisson", "number_ios=50000"));
    expect(rated.workloads).toEqual([
      {
        kind: "job",
        name: "job",
        rw: "randrw",
        bssplit: [
          { bs: "4KiB", percent: 25 },
          { bs: "16KiB", percent: 75 },
        ],
        iodepth: 1,
        numjobs: 1,
        rwmixread: 50,
        rate_iops: 2000,
        rate_process: "poisson",
        number_ios: 50000,
      },
    ]);
  });

  it("writes ramp_time as the measurement warm-up", () => {
    const { body: ramped } = convert(lines("[job]", "rw=randwrite", "size=1g", "time_based", "runtime=30", "ramp_time=5"));
    expect(ramped.measurement).toEqual({ warmup: "5s" });
    expect(ramped.stop).toEqual({ runtime: "35s" });
  });

  it("lists the notes after the ignored options", () => {
    const { yaml: noted } = convert(lines("[job]", "rw=randread", "iodepth=32"));
    expect(noted).toContain("# How the jobs were read:");
    expect(noted).toContain("# - job: ioengine=psync (fio's default) is synchronous");
  });
});
