import { describe, expect, it } from "vitest";
import { cli, cofwsim, cofwsimIn, cofwsimWithNodeFlags, fixtures, root, withTempDir } from "./cli-rig.js";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** A small scenario around one workload (a YAML flow mapping): a session starts after `sessionAfterIos`, the run stops at `hostIos`. */
function writeScenario(dir: string, workload: string, sessionAfterIos: number, hostIos: number): string {
  const path = join(dir, "scenario.yaml");
  writeFileSync(
    path,
    [
      "devices:",
      "  source: { model: fixed, capacity: 16GiB, latency: 50us, bandwidth: 1GB/s, parallelism: 8 }",
      "  cache: { model: fixed, capacity: 4GiB, latency: 50us, bandwidth: 1GB/s, parallelism: 8 }",
      "workloads:",
      `  - ${workload}`,
      `sessions: [{ afterHostIos: ${sessionAfterIos}, action: start, slot: 0 }]`,
      `stop: { hostIos: ${hostIos} }`,
      "",
    ].join("\n"),
  );
  return path;
}

/** results.json without its `wall` section: the part that must not change between runs. */
function deterministicPart(path: string): string {
  const document = JSON.parse(readFileSync(path, "utf8")) as { wall?: unknown };
  expect(document.wall).toBeDefined();
  delete document.wall;
  return `${JSON.stringify(document, null, 2)}\n`;
}

describe("cofwsim run", () => {
  it("runs the shipped quickstart by default; results.json minus wall is pinned per seed and byte-identical across runs", async () => {
    await withTempDir(async (dir) => {
      const first = cofwsim("run", "--out", join(dir, "a"));
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toMatch(/quickstart, seed 1/);
      expect(first.stdout).toMatch(/oltp write: IOPS=\d+/);
      const second = cofwsim("run", "--out", join(dir, "b"));
      expect(second.code, second.stderr).toBe(0);
      const a = deterministicPart(join(dir, "a", "results.json"));
      expect(deterministicPart(join(dir, "b", "results.json"))).toBe(a);
      await expect(a).toMatchFileSnapshot("__snapshots__/quickstart-seed-1.results.json");
      const other = cofwsim("run", "--seed", "2", "--out", join(dir, "c"));
      expect(other.code).toBe(0);
      const c = deterministicPart(join(dir, "c", "results.json"));
      expect(c).not.toBe(a);
      await expect(c).toMatchFileSnapshot("__snapshots__/quickstart-seed-2.results.json");
    });
  });

  it("--set overrides a field", () => {
    withTempDir((dir) => {
      const result = cofwsim("run", "--set", "engine.chunkSize=256KiB", "--set", "stop.hostIos=3000", "--out", dir);
      expect(result.code, result.stderr).toBe(0);
      const results = JSON.parse(readFileSync(join(dir, "results.json"), "utf8")) as { engine: { chunkSizeBytes: number; hostWrites: number } };
      expect(results.engine.chunkSizeBytes).toBe(256 * 1024);
      expect(results.engine.hostWrites).toBe(3000);
    });
  });

  it("a Cache LU of billions of chunks costs the memory of what the run puts in it", () => {
    withTempDir((dir) => {
      // 4 PiB of 64 KiB chunks: 4,294,967,294 COFW chunks, whose table alone (14 bytes each) would be 56 GiB.
      const scenario = writeScenario(dir, "{ kind: job, name: w, rw: randwrite, bs: 4k, iodepth: 4 }", 0, 100);
      writeFileSync(scenario, readFileSync(scenario, "utf8").replace("capacity: 16GiB", "capacity: 7PiB").replace("capacity: 4GiB", "capacity: 4PiB"));
      const out = join(dir, "out");
      const result = cofwsim("run", scenario, "--out", out);
      expect(result.code, result.stderr).toBe(0);
      const results = JSON.parse(readFileSync(join(out, "results.json"), "utf8")) as { engine: { cacheChunksTotal: number; cacheChunksUsed: number; cofwCopies: number }; wall: { peakRssBytes: number } };
      expect(results.engine.cacheChunksTotal).toBe(2 ** 32 - 2);
      // Writes already in flight when the session started made no copy.
      expect(results.engine.cofwCopies).toBeGreaterThan(80);
      expect(results.engine.cacheChunksUsed).toBe(results.engine.cofwCopies);
      expect(results.wall.peakRssBytes).toBeLessThan(2 * 2 ** 30);
    });
  });

  it("host I/Os per wall second counts every host I/O of the run, as its wall time does, not only the measured window's", () => {
    withTempDir((dir) => {
      const scenario = writeScenario(dir, "{ kind: job, name: w, rw: randwrite, bs: 4k, iodepth: 4 }", 0, 500);
      // A warm-up longer than the run: the window is empty, the run is not.
      writeFileSync(scenario, `${readFileSync(scenario, "utf8")}measurement: { warmup: 10s }\n`);
      const out = join(dir, "out");
      const result = cofwsim("run", scenario, "--out", out);
      expect(result.code, result.stderr).toBe(0);
      const results = JSON.parse(readFileSync(join(out, "results.json"), "utf8")) as { jobs: Array<{ write: { total_ios: number } }>; engine: { hostWrites: number }; wall: { wallSeconds: number; hostIosPerWallSecond: number } };
      expect(results.jobs[0]?.write.total_ios).toBe(0);
      expect(results.engine.hostWrites).toBe(500);
      expect(results.wall.hostIosPerWallSecond).toBe(Math.round(500 / results.wall.wallSeconds));
      expect(result.stdout).toContain(`${results.wall.hostIosPerWallSecond} host I/Os per wall second`);
    });
  });

  it("says how much of the wall time went to reading the workloads: a large trace is most of a short run's", () => {
    withTempDir((dir) => {
      // 300,000 DiskSim lines, of which the run replays 200.
      const lines = Array.from({ length: 300_000 }, (_, i) => `${i * 1000} 0 ${(i * 7919) % 1_000_000} 8 ${i % 2}`);
      writeFileSync(join(dir, "big.trace"), `${lines.join("\n")}\n`);
      const scenario = writeScenario(dir, "{ kind: trace, name: t, format: disksim, path: big.trace }", 0, 200);
      const out = join(dir, "out");
      const result = cofwsim("run", scenario, "--out", out);
      expect(result.code, result.stderr).toBe(0);
      const wall = (JSON.parse(readFileSync(join(out, "results.json"), "utf8")) as { wall: { wallSeconds: number; workloadReadSeconds: number } }).wall;
      expect(wall.workloadReadSeconds).toBeGreaterThan(0);
      expect(wall.workloadReadSeconds).toBeLessThan(wall.wallSeconds);
      // Reading 300,000 lines takes a tenth of a second or more; simulating 200 I/Os a few milliseconds.
      expect(wall.workloadReadSeconds).toBeGreaterThan(wall.wallSeconds / 2);
      expect(result.stdout).toContain(`wall ${wall.wallSeconds.toFixed(2)} s (${wall.workloadReadSeconds.toFixed(2)} s of it reading the workloads), `);
      expect(readFileSync(join(out, "report.html"), "utf8")).toContain("of it, reading the workloads");
    });
  });

  it("exits 1 when the run found a problem", () => {
    withTempDir((dir) => {
      // A second start on the slot the quickstart's first start took: refused in the run (slot 0 is live by then).
      const result = cofwsim("run", "--set", "sessions[1].slot=0", "--set", "sessions[1].afterHostIos=2500", "--set", "stop.hostIos=3000", "--out", dir);
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/PROBLEM: session start of slot 0 at \d+ ns refused: slot 0 holds a live session/);
    });
  });
});

describe("shipped scenarios", () => {
  const shipped = readdirSync(join(root, "scenarios")).filter((name) => name.endsWith(".yaml")).sort();

  it("are listed with descriptions", () => {
    const list = cofwsim("list");
    expect(list.code, list.stderr).toBe(0);
    expect(shipped.length).toBeGreaterThanOrEqual(9);
    for (const name of shipped) expect(list.stdout).toContain(name.replace(/\.yaml$/, ""));
  });

  it("run, validate and sweep take a shipped scenario by the name list prints, from any directory; a file of that name there wins", () => {
    withTempDir((dir) => {
      const listed = cofwsim("list").stdout;
      expect(listed).toMatch(/^cache-fills-up +a Cache LU/m);
      const short = ["--set", "stop.hostIos=400"];
      const byName = cofwsimIn(dir, "run", "cache-fills-up", ...short, "--out", join(dir, "by-name"));
      expect(byName.code, byName.stderr).toBe(0);
      const byPath = cofwsim("run", "scenarios/cache-fills-up.yaml", ...short, "--out", join(dir, "by-path"));
      expect(byPath.code, byPath.stderr).toBe(0);
      expect(deterministicPart(join(dir, "by-name", "results.json"))).toBe(deterministicPart(join(dir, "by-path", "results.json")));
      expect(cofwsimIn(dir, "validate", "quickstart.yaml").code).toBe(0);
      const sweep = cofwsimIn(dir, "sweep", "quickstart", "--vary", "stop.hostIos=300,400", "--jobs", "1", "--out", join(dir, "sweep"));
      expect(sweep.code, sweep.stderr).toBe(0);
      expect(readFileSync(join(dir, "sweep", "sweep.csv"), "utf8").split("\n").filter((line) => line !== "")).toHaveLength(3);
      // The user's own file named like a shipped scenario is the one read.
      writeFileSync(join(dir, "quickstart"), "name: mine\nsede: 3\n");
      const own = cofwsimIn(dir, "validate", "quickstart");
      expect(own.code).toBe(2);
      expect(own.stderr).toContain(`${join(dir, "quickstart")}:2:1`);
      const typo = cofwsimIn(dir, "run", "quikstart");
      expect(typo.code).toBe(2);
      expect(typo.stderr).toContain(`${join(dir, "quikstart")}:1:1: no such file, and no shipped scenario is named "quikstart"; did you mean "quickstart"?`);
      const neither = cofwsimIn(dir, "validate", "nothing-like-any");
      expect(neither.code).toBe(2);
      expect(neither.stderr).toContain(`${join(dir, "nothing-like-any")}:1:1: cannot read the scenario file`);
    });
  });

  it.each(shipped)("%s validates and runs", (name) => {
    const file = join(root, "scenarios", name);
    expect(cofwsim("validate", file).code).toBe(0);
    withTempDir((dir) => {
      const result = cofwsim("run", file, "--out", dir);
      expect(result.code, result.stderr + result.stdout).toBe(0);
      const results = JSON.parse(readFileSync(join(dir, "results.json"), "utf8")) as { jobs: Array<{ read: { total_ios: number }; write: { total_ios: number } }> };
      expect(results.jobs.some((job) => job.read.total_ios + job.write.total_ios > 0)).toBe(true);
    });
  });
});

describe("large traces", () => {
  it("a trace of a million requests runs within a 64 MiB JavaScript heap: it is read a piece at a time into columns, never whole, nor as objects", () => {
    withTempDir((dir) => {
      // DiskSim/MQSim lines (time_ns device sector sectors flags), one read in three, addresses spread over 48 GiB.
      const lines: string[] = [];
      let timeNs = 0;
      for (let i = 0; i < 1_000_000; i++) {
        timeNs += 1000 + ((i * 7919) % 5000);
        lines.push(`${timeNs} 0 ${(i * 104729) % 100_000_000} 8 ${i % 3 === 0 ? 1 : 0}`);
      }
      writeFileSync(join(dir, "big.trace"), `${lines.join("\n")}\n`);
      writeFileSync(
        join(dir, "big.yaml"),
        [
          "devices:",
          "  source: { model: fixed, capacity: 64GiB, latency: 50us, bandwidth: 1GB/s, parallelism: 8 }",
          "  cache: { model: fixed, capacity: 8GiB, latency: 50us, bandwidth: 1GB/s, parallelism: 8 }",
          "workloads:",
          "  - { kind: trace, format: disksim, path: big.trace }",
          "stop: { hostIos: 2000 }",
          "",
        ].join("\n"),
      );
      // An object per request, kept for the run, needed more than 400 MiB here (and took a 13M-request trace past the default heap);
      // the whole file as one string and an object per line while parsing, more than 64 MiB. The run itself needs ~30 MiB.
      const result = cofwsimWithNodeFlags(["--max-old-space-size=64"], root, "run", join(dir, "big.yaml"), "--out", join(dir, "out"));
      expect(result.code, result.stderr.slice(0, 2000)).toBe(0);
      // The trace (25 MB) is big enough for a progress bar on a terminal; stderr here is a pipe, which gets none.
      expect(result.stderr).toBe("");
      const results = JSON.parse(readFileSync(join(dir, "out", "results.json"), "utf8")) as { notes: string[]; engine: { hostReads: number; hostWrites: number } };
      expect(results.notes.join("\n")).toContain("1000000 requests parsed");
      expect(results.engine.hostReads + results.engine.hostWrites).toBe(2000);
    });
  });
});

describe("fixtures", () => {
  const jobs = readdirSync(join(fixtures, "fio-jobs")).sort();

  it.each(jobs)("fio job %s imports, and the printed scenario runs", (name) => {
    const result = cofwsim("import", join(fixtures, "fio-jobs", name));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/kind: job/);
    withTempDir((dir) => {
      // On the placeholder devices as printed; a short stop, since the files ask for up to 900 s. Instant devices never ended a time-based job.
      const scenario = join(dir, "imported.yaml");
      writeFileSync(scenario, result.stdout);
      const run = cofwsim("run", scenario, "--set", "stop.runtime=5ms", "--out", join(dir, "out"));
      expect(run.code, run.stderr).toBe(0);
      const results = JSON.parse(readFileSync(join(dir, "out", "results.json"), "utf8")) as { jobs: Array<{ read: { total_ios: number }; write: { total_ios: number } }> };
      expect(results.jobs.reduce((sum, job) => sum + job.read.total_ios + job.write.total_ios, 0)).toBeGreaterThan(0);
    });
  });

  it("import of a job file that cannot be read (missing, a directory) exits 2 with the file and the reason, no stack trace", () => {
    withTempDir((dir) => {
      for (const [file, reason] of [
        [join(dir, "missing.fio"), /missing\.fio:1: cannot read the job file \(ENOENT: no such file or directory/],
        [dir, /:1: cannot read the job file \(it is a directory\); expected a readable fio job file/],
      ] as const) {
        const result = cofwsim("import", file);
        expect(result.code, file).toBe(2);
        expect(result.stderr, file).toMatch(reason);
        expect(result.stderr, file).not.toMatch(/\n\s+at /);
        expect(result.stdout, file).toBe("");
      }
    });
  });

  it("a job file's problems name it by the path the user gave (import) or as resolved against the scenario (run), not its base name alone", () => {
    withTempDir((dir) => {
      mkdirSync(join(dir, "jobs"));
      writeFileSync(join(dir, "jobs", "bad.fio"), "[job]\nrw=randtrim\n");
      const imported = cofwsimIn(dir, "import", join("jobs", "bad.fio"));
      expect(imported.code).toBe(2);
      expect(imported.stderr).toContain(`cannot import fio job file ${join("jobs", "bad.fio")} (1 problem)`);
      expect(imported.stderr).toContain(`  ${join("jobs", "bad.fio")}:2:4: rw=randtrim:`);
      const scenario = writeScenario(dir, "{ kind: fio, path: jobs/bad.fio }", 10, 100);
      const run = cofwsimIn(dir, "run", "scenario.yaml", "--out", join(dir, "out"));
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`  ${join(dirname(scenario), "jobs", "bad.fio")}:2:4: rw=randtrim:`);
    });
  });

  it("import of a job file with a percentage size says how to give the Source LU's capacity, which the command has no option for", () => {
    withTempDir((dir) => {
      const jobFile = join(dir, "half.fio");
      writeFileSync(jobFile, "[half]\nrw=randwrite\nsize=50%\n");
      const imported = cofwsim("import", jobFile);
      expect(imported.code).toBe(2);
      expect(imported.stderr).toContain("half.fio:3:6: size=50%: a percentage of the Source LU needs its capacity, which cofwsim import is not given: reference this job file from a scenario");
      // What it says to do works: the same file as a scenario's workload.
      const scenario = writeScenario(dir, `{ kind: fio, path: ${JSON.stringify(jobFile)} }`, 10, 100);
      const run = cofwsim("run", scenario, "--out", join(dir, "out"));
      expect(run.code, run.stderr).toBe(0);
      const results = JSON.parse(readFileSync(join(dir, "out", "results.json"), "utf8")) as { notes: string[] };
      expect(results.notes.some((note) => note.includes("size=50% of the 16GiB Source LU is 8GiB"))).toBe(true);
    });
  });

  it("a scenario can reference a fio job file directly; its ignored options are stated in the results", () => {
    withTempDir((dir) => {
      const scenario = writeScenario(dir, `{ kind: fio, path: ${JSON.stringify(join(fixtures, "fio-jobs", "fio-rand-RW.fio"))} }`, 100, 4000);
      const result = cofwsim("run", scenario, "--out", join(dir, "out"));
      expect(result.code, result.stderr).toBe(0);
      const results = JSON.parse(readFileSync(join(dir, "out", "results.json"), "utf8")) as { notes: string[]; jobs: Array<{ jobname: string; read: { total_ios: number }; write: { total_ios: number } }> };
      expect(results.jobs.map((job) => job.jobname)).toEqual(["fio-rand-RW"]);
      const job = results.jobs[0]!;
      expect(job.read.total_ios).toBeGreaterThan(job.write.total_ios);
      expect(results.notes.some((note) => /ioengine ignored/.test(note))).toBe(true);
    });
  });

  it("a referenced fio job file's import notes (how its jobs were read) are in the results and in validate's output", () => {
    withTempDir((dir) => {
      const jobFile = join(dir, "sync.fio");
      writeFileSync(jobFile, "[sync]\nioengine=psync\niodepth=16\nrw=randwrite\nsize=50%\n");
      const scenario = writeScenario(dir, `{ kind: fio, path: ${JSON.stringify(jobFile)} }`, 10, 100);
      const expected = [
        "sync.fio: sync: ioengine=psync is synchronous, so fio keeps one I/O in flight whatever iodepth says",
        "sync.fio: sync: size=50% of the 16GiB Source LU is 8GiB",
      ];
      const run = cofwsim("run", scenario, "--out", join(dir, "out"));
      expect(run.code, run.stderr).toBe(0);
      const results = JSON.parse(readFileSync(join(dir, "out", "results.json"), "utf8")) as { notes: string[] };
      for (const text of expected) expect(results.notes.some((note) => note.startsWith(text)), text).toBe(true);
      const validate = cofwsim("validate", scenario);
      expect(validate.code, validate.stderr).toBe(0);
      for (const text of expected) expect(validate.stdout).toContain(`note: ${text}`);
    });
  });

  it("a closed-loop job with a runtime on instant devices, which would never move simulated time, is refused by validate and run (exit 2) rather than hanging", () => {
    withTempDir((dir) => {
      // The scenario's own job is refused by the loader, at its runtime's value (line 5, column 71); a fio job file's by the run, which reads it.
      for (const [workload, job, place] of [
        ["{ kind: job, name: w, rw: randwrite, bs: 4k, iodepth: 4, runtime: 1ms }", "w", "instant.yaml:5:71: workloads[0].runtime: "],
        [`{ kind: fio, path: ${JSON.stringify(join(fixtures, "fio-jobs", "fio-seq-read.fio"))} }`, "fio-seq-reads", ""],
      ] as const) {
        const scenario = join(dir, "instant.yaml");
        writeFileSync(
          scenario,
          ["devices:", "  source: { model: instant, capacity: 16GiB }", "  cache: { model: instant, capacity: 4GiB }", "workloads:", `  - ${workload}`, "stop: { runtime: 1ms }", ""].join("\n"),
        );
        const expected = `${place}job "${job}": on instant devices every I/O completes when it is issued`;
        for (const args of [["validate", scenario], ["run", scenario, "--out", join(dir, "out")]]) {
          const result = cofwsim(...args);
          expect(result.code, `${args[0]!}: ${result.stderr}`).toBe(2);
          expect(result.stderr).toContain(expected);
        }
        // Bounded by a count, the same run ends.
        const bounded = cofwsim("run", scenario, "--set", "stop.hostIos=500", "--out", join(dir, "bounded"));
        expect(bounded.code, bounded.stderr).toBe(0);
      }
    });
  });

  it("a .json scenario saved with a byte order mark (as Windows editors write it) validates, and says so without an empty description", () => {
    withTempDir((dir) => {
      const scenario = join(dir, "bom.json");
      const json = '{"devices": {"source": {"model": "instant", "capacity": "1GiB"}, "cache": {"model": "instant", "capacity": "1GiB"}}, "workloads": [{"kind": "job", "rw": "randwrite"}], "stop": {"hostIos": 100}}\n';
      writeFileSync(scenario, `\uFEFF${json}`);
      const result = cofwsim("validate", scenario);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout.split("\n")[0]).toBe(`${scenario}: valid. bom`);
    });
  });

  it("a run that only a runtime stops, whose simulated time stands still once every chunk is copied, says so on stderr while it runs (not a terminal)", async () => {
    await withTempDir(async (dir) => {
      // An instant Source LU beside a Cache LU that takes time: nothing static refuses it, as it moves while it copies.
      // Without the warning the child is killed by its timeout, before the test's, and the test fails.
      const scenario = join(dir, "still.yaml");
      writeFileSync(
        scenario,
        [
          "devices:",
          "  source: { model: instant, capacity: 4MiB }",
          "  cache: { model: fixed, capacity: 1GiB, latency: 50us, bandwidth: 400MB/s }",
          "sessions:",
          "  - { at: 0ms, action: start, slot: 0 }",
          "workloads:",
          "  - { kind: job, name: w, rw: randwrite, bs: 4k, iodepth: 4, runtime: 1s }",
          "stop: { runtime: 1s }",
          "",
        ].join("\n"),
      );
      const child = spawn(process.execPath, [cli, "run", scenario, "--out", join(dir, "out")], { stdio: ["ignore", "pipe", "pipe"], timeout: 100_000, killSignal: "SIGKILL" });
      let stderr = "";
      try {
        await new Promise<void>((resolve, reject) => {
          child.stderr.setEncoding("utf8");
          child.stderr.on("data", (text: string) => {
            stderr += text;
            if (stderr.includes("\n")) resolve();
          });
          child.on("exit", (code) => reject(new Error(`cofwsim exited (${code}) without a warning: ${stderr}`)));
        });
      } finally {
        child.kill("SIGKILL");
      }
      expect(stderr).toMatch(/^cofwsim: warning: simulated time has stood still at [\d.]+ ms for 1,000,000 host I\/Os in a row, and only stop\.runtime ends this run\. /);
      expect(stderr).toContain("it is stopped after 100,000,000 host I/Os at one instant, with its results and the problem in them (exit 1)");
    });
  }, 120_000);

  it("a referenced fio job file whose clones keep too many I/Os in flight is refused by validate and before the run, naming the job (exit 2)", () => {
    withTempDir((dir) => {
      // Each value is within its limit; 4,096 clones of 512 are 2,097,152 I/Os in flight.
      writeFileSync(join(dir, "wide.fio"), "[wide]\nioengine=libaio\nrw=randwrite\niodepth=512\nnumjobs=4096\n");
      const scenario = writeScenario(dir, `{ kind: fio, path: ${JSON.stringify(join(dir, "wide.fio"))} }`, 100, 1000);
      for (const args of [["validate", scenario], ["run", scenario, "--out", join(dir, "out")]]) {
        const result = cofwsim(...args);
        expect(result.code, args[0]).toBe(2);
        expect(result.stderr).toContain("the workloads keep 2097152 host I/Os in flight (wide: 2097152); expected at most 1,048,576");
      }
      expect(existsSync(join(dir, "out"))).toBe(false);
    });
  });

  it("validate reads the fio job files and traces a scenario references: it refuses what run refuses, with the line, and states run's notes", () => {
    withTempDir((dir) => {
      const jobFile = join(dir, "deep.fio");
      writeFileSync(jobFile, "[global]\nbs=4k\n[deep]\nrw=randwrite\niodepth=70000\n");
      const traceFile = join(dir, "broken.csv");
      // An MSR Cambridge trace whose second line has six fields.
      writeFileSync(traceFile, "128166372003061629,wdev,0,Write,4096,4096,1\n128166372003061630,wdev,0,Write,8192,4096\n");
      const refused = [
        { workload: `{ kind: fio, path: ${JSON.stringify(jobFile)} }`, message: "deep.fio:5:9: iodepth=70000: expected a whole number from 1 to 65536" },
        { workload: `{ kind: trace, name: t, path: ${JSON.stringify(traceFile)}, format: msr-cambridge }`, message: `${traceFile}:2:42: expected 7 comma-separated fields` },
      ];
      for (const { workload, message } of refused) {
        const scenario = writeScenario(dir, workload, 100, 1000);
        const validate = cofwsim("validate", scenario);
        expect(validate.code, validate.stdout).toBe(2);
        expect(validate.stderr).toContain(message);
        const run = cofwsim("run", scenario, "--out", join(dir, "out"));
        expect(run.code).toBe(2);
        expect(run.stderr).toContain(message);
      }
      const fixture = writeScenario(dir, `{ kind: fio, path: ${JSON.stringify(join(fixtures, "fio-jobs", "fio-rand-RW.fio"))} }`, 100, 1000);
      const valid = cofwsim("validate", fixture);
      expect(valid.code, valid.stderr).toBe(0);
      expect(valid.stdout).toContain("results per workload: fio-rand-RW");
      expect(valid.stdout).toMatch(/note: fio-rand-RW\.fio:\d+: ioengine ignored/);
    });
  });

  it.each([
    ["mqsim-tpcc-small.trace", "disksim"],
    ["mqsim-wsrch-small.trace", "disksim"],
    ["fio-t0038.iolog", "fio-iolog"],
  ])("trace %s replays", (name, format) => {
    withTempDir((dir) => {
      const workload = `{ kind: trace, name: replay, path: ${JSON.stringify(join(fixtures, "traces", name))}, format: ${format}, timing: ignore, iodepth: 8, addressMapping: wrap, maxRequests: 3000 }`;
      const scenario = writeScenario(dir, workload, 10, 3000);
      const result = cofwsim("run", scenario, "--out", join(dir, "out"));
      expect(result.code, result.stderr).toBe(0);
      const results = JSON.parse(readFileSync(join(dir, "out", "results.json"), "utf8")) as { notes: string[]; jobs: Array<{ read: { total_ios: number }; write: { total_ios: number } }> };
      expect(results.jobs[0]!.read.total_ios + results.jobs[0]!.write.total_ios).toBeGreaterThan(0);
      // The address mapping applied is stated in the results.
      expect(results.notes.some((note) => /wrap|fits|address/i.test(note))).toBe(true);
    });
  });

  // The column is just past the first line's end: read as the wrong format, it has too few fields.
  it.each([
    ["mqsim-tpcc-small.trace", "msr-cambridge", "disksim", 27],
    ["fio-t0038.iolog", "disksim", "fio-iolog", 20],
  ])("trace %s read as %s is refused naming the format it reads as (exit 2)", (name, format, detected, column) => {
    withTempDir((dir) => {
      const workload = `{ kind: trace, name: replay, path: ${JSON.stringify(join(fixtures, "traces", name))}, format: ${format}, addressMapping: wrap }`;
      const result = cofwsim("validate", writeScenario(dir, workload, 10, 1000));
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain(`${join(fixtures, "traces", name)}:1:${column}: expected`);
      expect(result.stderr).toContain(`  ${name} reads as a ${detected} trace from its first record: did you mean format: ${detected}?\n`);
    });
  });

  it("an iodepth given to a trace replayed at its timestamps is said not to be used, where fio's own replay would cap the queue with it", () => {
    withTempDir((dir) => {
      const trace = JSON.stringify(join(fixtures, "traces", "mqsim-tpcc-small.trace"));
      const honor = cofwsim("validate", writeScenario(dir, `{ kind: trace, name: tpcc, path: ${trace}, format: disksim, addressMapping: wrap, iodepth: 32 }`, 10, 1000));
      expect(honor.code, honor.stderr).toBe(0);
      expect(honor.stdout).toContain("note: tpcc: iodepth 32 not used: at its timestamps each request starts at its time however many are in flight (timing: ignore replays at an iodepth)");
      const ignore = cofwsim("validate", writeScenario(dir, `{ kind: trace, name: tpcc, path: ${trace}, format: disksim, addressMapping: wrap, iodepth: 32, timing: ignore }`, 10, 1000));
      expect(ignore.code, ignore.stderr).toBe(0);
      expect(ignore.stdout).toContain("note: tpcc: trace timestamps ignored: closed loop at iodepth 32, no think time");
      expect(ignore.stdout).not.toContain("not used");
    });
  });

  it("a trace the run stops before its end: the notes say how many of its requests were replayed, not only how many it has", () => {
    withTempDir((dir) => {
      // wsrch-small spans 60 s of arrivals; a 1 s run replays the first 381 of its 24,783 requests.
      const trace = JSON.stringify(join(fixtures, "traces", "mqsim-wsrch-small.trace"));
      const workload = `{ kind: trace, name: wsrch, path: ${trace}, format: disksim, timing: honor, addressMapping: wrap }`;
      const scenario = writeScenario(dir, workload, 10, 1_000_000);
      writeFileSync(scenario, readFileSync(scenario, "utf8").replace("stop: { hostIos: 1000000 }", "stop: { runtime: 1s }"));
      const result = cofwsim("run", scenario, "--out", join(dir, "out"));
      expect(result.code, result.stderr).toBe(0);
      const results = JSON.parse(readFileSync(join(dir, "out", "results.json"), "utf8")) as { notes: string[]; engine: { hostReads: number; hostWrites: number } };
      expect(results.engine.hostReads + results.engine.hostWrites).toBe(381);
      expect(results.notes).toContain("wsrch: open loop at the trace's timestamps: 24783 arrivals over 60.06 s, counted from the first replayed request (trace time 11.41 ms)");
      expect(results.notes).toContain("wsrch: the run stopped (stop.runtime 1.000 s reached) after 381 of the trace's 24783 reads and writes; the other 24402 were not replayed");
    });
  });
});

describe("bad input", () => {
  const brokenDir = join(root, "test/scenarios/schema/broken");
  const broken = readdirSync(brokenDir).sort();

  it("there are at least a dozen broken scenario files", () => {
    expect(broken.length).toBeGreaterThanOrEqual(12);
  });

  it.each(broken)("%s is refused with file, line and column and exit code 2", (name) => {
    const result = cofwsim("validate", join(brokenDir, name));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`${name.replace(".", "\\.")}:\\d+:\\d+: `));
  });

  it("an --out that cannot be a directory is refused before any work, by every command that writes outputs (exit 2)", () => {
    withTempDir((dir) => {
      const file = join(dir, "taken");
      writeFileSync(file, "not a directory");
      const crash = join(root, "scenarios", "crash-write-through.yaml");
      for (const args of [["run"], ["crash", crash], ["sweep", join(root, "scenarios", "quickstart.yaml"), "--vary", "engine.chunkSize=64KiB"], ["gate", "--baseline", join(root, "gate", "baseline.json")]]) {
        for (const out of [file, join(file, "below")]) {
          const result = cofwsim(...args, "--out", out);
          expect(result.code, `${args[0]!} --out ${out}: ${result.stderr}`).toBe(2);
          expect(result.stderr).toContain(`cannot write the outputs to ${out}`);
          // Refused before the simulation: nothing was run, so nothing is announced.
          expect(result.stdout).toBe("");
        }
        const empty = cofwsim(...args, "--out", "");
        expect(empty.code, `${args[0]!} --out "": ${empty.stderr}`).toBe(2);
        expect(empty.stderr).toContain("cannot write the outputs to an empty path");
      }
    });
  });

  // As root, access(2) allows writing under /proc, and Node 20's recursive mkdirSync loops forever there: the run hung.
  it.runIf(existsSync("/proc/self"))("an --out under /proc is refused before the run, not hung on after it (exit 2)", () => {
    const out = "/proc/cofwsim-nope/out";
    const result = cofwsim("run", "--out", out);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(`cannot write the outputs to ${out}: /proc cannot hold new files`);
    expect(result.stdout).toBe("");
  });

  it("--help works on every command and exits 0", () => {
    for (const args of [["--help"], ["run", "--help"], ["validate", "--help"], ["import", "--help"], ["list", "--help"]]) {
      const result = cofwsim(...args);
      expect(result.code, args.join(" ")).toBe(0);
      expect(result.stdout).toMatch(/Usage: cofwsim/);
    }
  });

  it("an empty --seed is refused as --seed by run, crash and sweep (exit 2), not as a --set the user never gave", () => {
    const quickstart = join(root, "scenarios", "quickstart.yaml");
    for (const args of [["run"], ["crash"], ["sweep", quickstart, "--vary", "engine.chunkSize=64KiB"]]) {
      const result = cofwsim(...args, "--seed", " ");
      expect(result.code, args[0]).toBe(2);
      expect(result.stderr, args[0]).toContain('<--seed>:1:1: seed: not a seed; expected a non-empty string or a non-negative integer, found " "');
      expect(result.stderr, args[0]).not.toContain("<--set>");
    }
  });

  it("bad usage exits 2 with a message", () => {
    expect(cofwsim("frobnicate").code).toBe(2);
    // No command at all: the help, on stderr, as the usage error it is (help asked for exits 0, above).
    const bare = cofwsim();
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/Usage: cofwsim/);
    expect(cofwsim("validate").code).toBe(2);
    const missing = cofwsim("run", "no-such-file.yaml");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no-such-file\.yaml/);
  });
});
