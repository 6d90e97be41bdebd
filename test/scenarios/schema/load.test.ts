import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { computeLayout } from "../../../engine/index.js";
import type { DeviceSpec, JobSpec, Scenario } from "../../../scenarios/model.js";
import { loadScenarioFile, loadScenarioText, ScenarioError, type ScenarioProblem } from "../../../scenarios/schema/load.js";

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, "fixtures");

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

/** What fixtures/full.yaml (and full.json, the same scenario) must normalize to, field by field. */
const FULL: Scenario = {
  name: "oltp-with-snapshots",
  description: "OLTP random writes on a striped disk pair, a flash Cache LU, two sessions.",
  seed: "42",
  devices: {
    source: {
      model: "stripe",
      capacityBytes: 4 * GiB,
      sectorSizeBytes: 512,
      queueDepth: 32,
      writeCache: true,
      stripeUnitBytes: 64 * KiB,
      members: [
        {
          model: "rotating",
          capacityBytes: 2 * GiB,
          sectorSizeBytes: 512,
          queueDepth: 16,
          writeCache: true,
          rpm: 10000,
          sectorsPerTrack: 1500,
          heads: 2,
          trackToTrackSeekNs: 500_000,
          fullStrokeSeekNs: 12_000_000,
          scheduler: "look",
          flushNs: 1_000_000,
        },
        {
          model: "rotating",
          capacityBytes: 2 * GiB,
          sectorSizeBytes: 512,
          queueDepth: 16,
          writeCache: true,
          rpm: 7200,
          sectorsPerTrack: 2000,
          heads: 4,
          trackToTrackSeekNs: 800_000,
          fullStrokeSeekNs: 18_000_000,
          scheduler: "fifo",
          flushNs: 0,
        },
      ],
    },
    cache: {
      model: "flash",
      capacityBytes: GiB,
      sectorSizeBytes: 4096,
      queueDepth: 64,
      writeCache: false,
      channels: 4,
      diesPerChannel: 2,
      pageSizeBytes: 16 * KiB,
      pageReadNs: 60_000,
      pageProgramNs: 600_000,
      channelBandwidthBytesPerSec: 400 * MiB,
      flushNs: 20_000,
    },
    shared: false,
  },
  engine: { chunkSizeBytes: 256 * KiB, regionSizeBytes: 128 * KiB, commitPolicy: "group-commit" },
  workloads: [
    {
      kind: "job",
      name: "oltp",
      rw: "randrw",
      blockSizeBytes: { read: 4 * KiB, write: 16 * KiB },
      blockSizeSplit: { read: [], write: [] },
      blockAlignBytes: 4 * KiB,
      iodepth: 8,
      numjobs: 4,
      offsetBytes: GiB,
      sizeBytes: 512 * MiB,
      readPercent: 70,
      randomDistribution: { kind: "zipf", theta: 1.2 },
      rateIops: { read: 2000, write: 2000 },
      rateProcess: "poisson",
      numberIos: 100_000,
      runtimeNs: 30_000_000_000,
      thinktimeNs: 50_000,
      startDelayNs: 10_000_000,
    },
    {
      kind: "job",
      name: "mixed-sizes",
      rw: "randwrite",
      blockSizeBytes: { read: 4 * KiB, write: 4 * KiB },
      blockSizeSplit: {
        read: [
          { sizeBytes: 4 * KiB, percent: 10 },
          { sizeBytes: 64 * KiB, percent: 50 },
          { sizeBytes: 32 * KiB, percent: 40 },
        ],
        write: [
          { sizeBytes: 4 * KiB, percent: 10 },
          { sizeBytes: 64 * KiB, percent: 50 },
          { sizeBytes: 32 * KiB, percent: 40 },
        ],
      },
      iodepth: 1,
      numjobs: 1,
      offsetBytes: 0,
      sizeBytes: 0,
      readPercent: 50,
      randomDistribution: { kind: "random" },
      noRandomMap: true,
      rateProcess: "linear",
      thinktimeNs: 1_000_000,
      thinktimeBlocks: 4,
      startDelayNs: 0,
    },
    {
      kind: "trace",
      name: "replay",
      path: join(fixtures, "traces", "oltp.iolog"),
      format: "fio-iolog",
      timing: "ignore",
      iodepth: 4,
      addressMapping: "wrap",
      device: 0,
      maxRequests: 1000,
    },
    { kind: "fio", path: join(fixtures, "traces", "backup.fio") },
  ],
  sessions: [
    { trigger: { atNs: 10_000_000 }, action: "start", slot: 0 },
    { trigger: { afterHostIos: 5000 }, action: "start", slot: 1 },
    { trigger: { atNs: 2_000_000_000 }, action: "rollback", slot: 0 },
    { trigger: { atNs: 3_000_000_000 }, action: "stop", slot: 1 },
  ],
  flushes: { everyNs: 100_000_000, everyHostWrites: 64 },
  measurement: { warmupNs: 1_000_000_000 },
  stop: { runtimeNs: 60_000_000_000, hostIos: 1_000_000 },
};

/** A valid scenario around one device or one job, to check one part at a time. */
function scenarioText(parts: { source?: string; cache?: string; job?: string; extra?: string }): string {
  return [
    "devices:",
    `  source: ${parts.source ?? "{ model: instant, capacity: 1GiB }"}`,
    `  cache: ${parts.cache ?? "{ model: instant, capacity: 256MiB }"}`,
    "workloads:",
    `  - ${parts.job ?? "{ kind: job }"}`,
    "stop: { hostIos: 1000 }",
    parts.extra ?? "",
  ].join("\n");
}

function load(text: string): Scenario {
  return loadScenarioText(text, { fileName: join(fixtures, "inline.yaml") });
}

function firstJob(scenario: Scenario): JobSpec {
  const workload = scenario.workloads[0];
  if (workload?.kind !== "job") throw new Error("expected a job");
  return workload;
}

describe("a full scenario", () => {
  test("YAML normalizes to the expected Scenario: bytes, integer ns, defaults filled, paths absolute", () => {
    expect(loadScenarioFile(join(fixtures, "full.yaml"))).toEqual(FULL);
  });

  test("the same scenario as JSON normalizes to the same Scenario", () => {
    expect(loadScenarioFile(join(fixtures, "full.json"))).toEqual(FULL);
  });

  test("a merge key (<<: *anchor) brings the anchored keys in, and the keys written beside it win", () => {
    const text = [
      "devices:",
      "  source: &disk { model: fixed, capacity: 1GiB, latency: 80us, bandwidth: 500MB/s }",
      "  cache: { <<: *disk, capacity: 512MiB }",
      "workloads:",
      "  - { kind: job, rw: randwrite }",
      "stop: { hostIos: 100 }",
      "",
    ].join("\n");
    const { source, cache } = loadScenarioText(text, { fileName: join(here, "merge.yaml") }).devices;
    expect(cache).toEqual({ ...source, capacityBytes: 512 * MiB });
    expect(source.capacityBytes).toBe(GiB);
  });

  test("a relative file path works too: trace paths resolve against the scenario's directory, not the working directory", () => {
    const relativePath = join("test", "scenarios", "schema", "fixtures", "full.yaml");
    const fromRepositoryRoot = resolve(here, "..", "..", "..");
    if (process.cwd() !== fromRepositoryRoot) return; // vitest runs from the root; elsewhere this case says nothing
    expect(loadScenarioFile(relativePath).workloads[2]).toEqual(FULL.workloads[2]);
  });
});

describe("defaults", () => {
  test("a minimal scenario gets every default, and its name from the file name", () => {
    const expected: Scenario = {
      name: "minimal",
      description: "",
      seed: "1",
      devices: {
        source: { model: "instant", capacityBytes: GiB, sectorSizeBytes: 512, queueDepth: 32, writeCache: false },
        cache: { model: "instant", capacityBytes: 256 * MiB, sectorSizeBytes: 512, queueDepth: 32, writeCache: false },
        shared: false,
      },
      engine: { chunkSizeBytes: 64 * KiB, regionSizeBytes: 64 * KiB, commitPolicy: "write-through" },
      workloads: [
        {
          kind: "job",
          name: "job0",
          rw: "read",
          blockSizeBytes: { read: 4 * KiB, write: 4 * KiB },
          blockSizeSplit: { read: [], write: [] },
          iodepth: 1,
          numjobs: 1,
          offsetBytes: 0,
          sizeBytes: 0,
          readPercent: 50,
          randomDistribution: { kind: "random" },
          rateProcess: "linear",
          thinktimeNs: 0,
          startDelayNs: 0,
        },
      ],
      sessions: [],
      flushes: {},
      measurement: { warmupNs: 0 },
      stop: { hostIos: 1000 },
    };
    expect(loadScenarioFile(join(fixtures, "minimal.yaml"))).toEqual(expected);
  });

  test("trace defaults: honored timing, depth 1, addresses beyond the Source LU refused", () => {
    const scenario = load(scenarioText({ job: "{ kind: trace, path: traces/oltp.iolog, format: fio-iolog }" }));
    expect(scenario.workloads).toEqual([{ kind: "trace", name: "trace0", path: join(fixtures, "traces", "oltp.iolog"), format: "fio-iolog", timing: "honor", iodepth: 1, addressMapping: "reject" }]);
  });
});

describe("device models", () => {
  const common = { capacityBytes: GiB, sectorSizeBytes: 512, queueDepth: 32, writeCache: false };
  test.each<[string, string, DeviceSpec]>([
    ["fixed, with defaults", "{ model: fixed, capacity: 1GiB, bandwidth: 200MB/s }", { ...common, model: "fixed", latencyNs: 0, bandwidthBytesPerSec: 200 * MiB, parallelism: 1, flushLatencyNs: 0 }],
    [
      "fixed, every field in the model's own names",
      "{ model: fixed, capacityBytes: 1073741824, sectorSizeBytes: 4096, queueDepth: 8, writeCache: true, latencyNs: 100, readLatencyNs: 200, writeLatency: 1ms, bandwidthBytesPerSec: 800000000, parallelism: 4, flushLatencyNs: 5000 }",
      { capacityBytes: GiB, sectorSizeBytes: 4096, queueDepth: 8, writeCache: true, model: "fixed", latencyNs: 100, readLatencyNs: 200, writeLatencyNs: 1_000_000, bandwidthBytesPerSec: 800_000_000, parallelism: 4, flushLatencyNs: 5000 },
    ],
    ["exponential", "{ model: exponential, capacity: 1GiB, meanService: 100us, minService: 10us, parallelism: 2 }", { ...common, model: "exponential", meanServiceNs: 100_000, minServiceNs: 10_000, parallelism: 2, flushNs: 0 }],
    [
      // 64 GiB: at 1 GiB the default geometry has 262 cylinders, too few for the default seek times (see below).
      "rotating, with defaults",
      "{ model: rotating, capacity: 64GiB }",
      { ...common, capacityBytes: 64 * GiB, model: "rotating", rpm: 7200, sectorsPerTrack: 2000, heads: 4, trackToTrackSeekNs: 800_000, fullStrokeSeekNs: 18_000_000, scheduler: "fifo", flushNs: 0 },
    ],
    [
      "flash, with defaults",
      "{ model: flash, capacity: 1GiB }",
      { ...common, model: "flash", channels: 8, diesPerChannel: 4, pageSizeBytes: 16 * KiB, pageReadNs: 50_000, pageProgramNs: 500_000, channelBandwidthBytesPerSec: 800_000_000, flushNs: 10_000 },
    ],
    [
      "empirical: one table for both directions, keys in fio's form and sorted",
      "{ model: empirical, capacity: 1GiB, percentilesNs: { 99: 2000000, 50.5: 80000 } }",
      { ...common, model: "empirical", readPercentilesNs: { "50.500000": 80_000, "99.000000": 2_000_000 }, writePercentilesNs: { "50.500000": 80_000, "99.000000": 2_000_000 }, parallelism: 1, flushNs: 0 },
    ],
    [
      "empirical: per direction, with units",
      '{ model: empirical, capacity: 1GiB, readPercentiles: { "50": 80us }, writePercentiles: { "50": 1ms }, flush: 2ms }',
      { ...common, model: "empirical", readPercentilesNs: { "50.000000": 80_000 }, writePercentilesNs: { "50.000000": 1_000_000 }, parallelism: 1, flushNs: 2_000_000 },
    ],
  ])("%s", (_label, source, expected) => {
    expect(load(scenarioText({ source })).devices.source).toEqual(expected);
  });

  test("a shared device: the cache is the end of the source device, given only by its size", () => {
    const scenario = load(["devices:", "  shared: true", "  source: { model: rotating, capacity: 4GiB, writeCache: true }", "  cache: { capacity: 1GiB }", "workloads: [ { kind: job, offset: 2GiB, size: 1GiB } ]", "stop: { runtime: 1s }"].join("\n"));
    expect(scenario.devices.shared).toBe(true);
    expect(scenario.devices.cache).toEqual({ ...scenario.devices.source, capacityBytes: GiB });
    expect(scenario.devices.source.capacityBytes).toBe(4 * GiB);
  });

  test("a shared device's Source LU is what the cache leaves: a job past it is refused", () => {
    const text = ["devices:", "  shared: true", "  source: { model: instant, capacity: 4GiB }", "  cache: { capacity: 1GiB }", "workloads: [ { kind: job, offset: 3GiB } ]", "stop: { runtime: 1s }"].join("\n");
    expect(() => load(text)).toThrow(/workloads\[0\]\.offset: the offset is beyond the Source LU/);
  });

  test("devices that leave no Source LU are the one problem: the jobs are not also told they lie beyond it", () => {
    // A shared device's Source LU was the device less the Cache LU, here negative: "expected less than the Source LU's
    // -3221225472 bytes, found 0 bytes". A stripe whose members hold no stripe unit left a Source LU of 0 bytes.
    const shared = ["devices:", "  shared: true", "  source: { model: instant, capacity: 1GiB }", "  cache: { capacity: 4GiB }", "workloads: [ { kind: job }, { kind: script, ops: [write 0 4k] } ]", "stop: { runtime: 1s }"].join("\n");
    const stripe = scenarioText({ source: "{ model: stripe, stripeUnit: 1MiB, members: [ { model: instant, capacity: 512KiB }, { model: instant, capacity: 512KiB } ] }", job: "{ kind: job, offset: 4k }" });
    for (const [text, only] of [
      [shared, /^\S+:4:\d+: devices\.cache\.capacity: the Cache LU leaves no room for the Source LU on the shared device; .*$/],
      [stripe, /^\S+:2:\d+: devices\.source\.members: the smallest member holds no whole stripe unit; .*$/],
    ] as const) {
      expect(() => load(text)).toThrow(only);
    }
  });
  test("a device whose model cannot be built from its settings is refused at the device, with the model's reason", () => {
    // Each value is valid; the default seek times cannot be fitted to the 262 cylinders of a 1 GiB disk.
    expect(() => load(scenarioText({ source: "{ model: rotating, capacity: 1GiB }" }))).toThrow(
      /inline\.yaml:2:11: devices\.source: rotating-disk model: no continuous seek curve goes from 800000 ns at 1 cylinder to 18000000 ns at 262 cylinders.*; expected settings from which the rotating model can build the device/,
    );
    expect(load(scenarioText({ source: "{ model: rotating, capacity: 1GiB, fullStrokeSeek: 2ms }" })).devices.source).toMatchObject({ model: "rotating", fullStrokeSeekNs: 2_000_000 });
  });
});

describe("the engine's layout", () => {
  /** The smallest Cache LU the check names for a geometry, or undefined when the scenario loads. */
  const namedMinimum = (source: string, cache: string, engine: string): number | undefined => {
    try {
      load(scenarioText({ source, cache, extra: engine }));
      return undefined;
    } catch (error) {
      const match = /devices\.cache\.capacity: Cache LU of \d+ bytes is too small.*expected at least (\d+) bytes/.exec(String(error));
      if (match === null) throw error;
      return Number(match[1]);
    }
  };

  test.each([
    { source: "8GiB", cacheSector: 512, engine: "engine: { chunkSize: 64KiB, regionSize: 64KiB }", blockBytes: 512 },
    { source: "1TiB", cacheSector: 4096, engine: "engine: { chunkSize: 4KiB, regionSize: 4KiB }", blockBytes: 4096 },
    { source: "100GiB", cacheSector: 512, engine: "engine: { chunkSize: 1MiB, regionSize: 512KiB, metadataBlock: 4KiB }", blockBytes: 4096 },
  ])("a Cache LU too small for a $source Source LU ($engine) is refused, naming the smallest one formatting accepts", ({ source, cacheSector, engine, blockBytes }) => {
    const sourceDevice = `{ model: instant, capacity: ${source} }`;
    const cacheDevice = (capacityBytes: number) => `{ model: instant, capacity: ${capacityBytes}, sectorSize: ${cacheSector} }`;
    const minimum = namedMinimum(sourceDevice, cacheDevice(64 * 1024), engine);
    if (minimum === undefined) throw new Error("a 64 KiB Cache LU was accepted");
    // One metadata block less is refused again, naming the same minimum; the minimum itself loads.
    expect(namedMinimum(sourceDevice, cacheDevice(minimum - blockBytes), engine)).toBe(minimum);
    expect(namedMinimum(sourceDevice, cacheDevice(minimum), engine)).toBeUndefined();
    // The engine lays it out with room for one chunk: the check is the engine's own layout, not a copy of it.
    const scenario = load(scenarioText({ source: sourceDevice, cache: cacheDevice(minimum), extra: engine }));
    const geometry = { sectorSizeBytes: scenario.engine.metadataBlockBytes ?? cacheSector, chunkSizeBytes: scenario.engine.chunkSizeBytes, regionSizeBytes: scenario.engine.regionSizeBytes };
    expect(computeLayout({ ...geometry, sourceCapacityBytes: scenario.devices.source.capacityBytes, cacheCapacityBytes: minimum }).cofwChunkCount).toBe(1);
  });
});

describe("jobs", () => {
  test("fio spellings: readwrite is rw, rwmixwrite gives the read share, bssplit as a list", () => {
    const job = firstJob(load(scenarioText({ job: "{ kind: job, rw: readwrite, rwmixwrite: 30, bssplit: [ { bs: 4k, percent: 25 }, { bs: 8k, percent: 75 } ] }" })));
    expect(job.rw).toBe("rw");
    expect(job.readPercent).toBe(70);
    const split = [
      { sizeBytes: 4096, percent: 25 },
      { sizeBytes: 8192, percent: 75 },
    ];
    expect(job.blockSizeSplit).toEqual({ read: split, write: split });
  });

  test('bs ",8k" changes only writes', () => {
    expect(firstJob(load(scenarioText({ job: '{ kind: job, bs: ",8k" }' }))).blockSizeBytes).toEqual({ read: 4096, write: 8192 });
  });

  test("phantomSlot: a reading job may read a session's Phantom LU, a writing one may not", () => {
    const slot2 = "sessions: [{ at: 0ms, action: start, slot: 2 }]";
    expect(firstJob(load(scenarioText({ job: "{ kind: job, rw: read, phantomSlot: 2 }", extra: slot2 }))).phantomSlot).toBe(2);
    expect(firstJob(load(scenarioText({}))).phantomSlot).toBeUndefined();
    expect(() => load(scenarioText({ job: "{ kind: job, rw: randwrite, phantomSlot: 2 }" }))).toThrow(/workloads\[0\]\.rw: a job reading a Phantom LU \(phantomSlot\) must not write; expected "read" or "randread", found "randwrite"/);
    expect(() => load(scenarioText({ job: "{ kind: job, phantomSlot: 8 }" }))).toThrow(/workloads\[0\]\.phantomSlot: out of range; expected an integer from 0 to 7, found 8/);
  });

  test("phantomSlot: a slot no session is ever started in is refused (every read would be skipped); a start in sessions or a script, even a late one, will do", () => {
    // Found by test/scenarios/runner/random-scenarios.test.ts (RANDOM_SCENARIO_SEED=8101): a reading job of slot 0 and
    // no session skipped every read at one instant, and a 1 GiB region in 512 B reads stood still for 2M of them.
    const job = "{ kind: job, rw: randread, phantomSlot: 3 }";
    expect(() => load(scenarioText({ job }))).toThrow(
      /inline\.yaml:5:\d+: workloads\[0\]\.phantomSlot: reads the Phantom LU of slot 3, which no session is ever started in, so every read would be skipped; expected a "start" or "replace" of slot 3 in sessions or a script, found none/,
    );
    expect(() => load(scenarioText({ job, extra: "sessions: [{ at: 0ms, action: start, slot: 2 }]" }))).toThrow(/phantomSlot: reads the Phantom LU of slot 3/);
    expect(firstJob(load(scenarioText({ job, extra: "sessions: [{ afterHostIos: 500, action: replace, slot: 3 }]" }))).phantomSlot).toBe(3);
    const script = "{ kind: script, ops: [\"start 3\", \"write 0 4k\"] }";
    expect(firstJob(load(scenarioText({ job: `${job}\n  - ${script}` }))).phantomSlot).toBe(3);
  });

  test("rate_iops rates each direction, as fio: one value for both, \"read,write\" apart, and every direction the job issues needs one", () => {
    expect(firstJob(load(scenarioText({ job: "{ kind: job, rw: randrw, rate_iops: 1000 }" }))).rateIops).toEqual({ read: 1000, write: 1000 });
    expect(firstJob(load(scenarioText({ job: '{ kind: job, rw: randrw, rate_iops: "700,300" }' }))).rateIops).toEqual({ read: 700, write: 300 });
    // A direction the job does not issue keeps no rate.
    expect(firstJob(load(scenarioText({ job: "{ kind: job, rw: randwrite, rate_iops: 500 }" }))).rateIops).toEqual({ read: 0, write: 500 });
    expect(firstJob(load(scenarioText({ job: '{ kind: job, rw: randrw, rwmixread: 100, rate_iops: "300," }' }))).rateIops).toEqual({ read: 300, write: 0 });
    expect(() => load(scenarioText({ job: '{ kind: job, rw: randrw, rate_iops: "300," }' }))).toThrow(/workloads\[0\]\.rate_iops: the job issues writes but gives them no rate/);
    expect(() => load(scenarioText({ job: '{ kind: job, rw: randrw, rate_iops: "1,2,3" }' }))).toThrow(/a third \(trim\) rate is not supported/);
    expect(() => load(scenarioText({ job: "{ kind: job, rw: randrw, rate_iops: 0 }" }))).toThrow(/rate_iops: not a positive integer/);
  });

  test("a random_distribution the job's region cannot hold is refused at its line, not found failing when the run plans the job", () => {
    // Found by test/scenarios/runner/random-scenarios.test.ts: a zoned distribution over a region of one 128 KiB block
    // passed validate, and the run failed with a RangeError before its first I/O.
    const job = "{ kind: job, rw: randread, bs: 128k, size: 128k, random_distribution: \"zoned:60/10:30/20:10/70\" }";
    expect(() => load(scenarioText({ job }))).toThrow(
      /inline\.yaml:5:75: workloads\[0\]\.random_distribution: makeOffsetDistribution \(zoned\): zones\[0\] \(accessPercent 60, sizePercent 10\) covers no item of a 1-item range.*; expected a random_distribution that fits the job's region \(a larger size, or zones with a larger sizePercent\), found a region of 131072 bytes/,
    );
    expect(firstJob(load(scenarioText({ job: job.replace("size: 128k", "size: 1280k") }))).randomDistribution.kind).toBe("zoned");
  });

  test("report.bucket may not make more than 10,000 buckets over stop.runtime", () => {
    const text = (bucket: string) => scenarioText({}).replace("stop: { hostIos: 1000 }", `stop: { runtime: 1s }\nreport: { bucket: ${bucket} }`);
    expect(load(text("100us")).report).toEqual({ bucketNs: 100_000 });
    expect(() => load(text("1ns"))).toThrow(/report\.bucket: the bucket makes 1,000,000,000 buckets over stop\.runtime \(1000000000 ns\); expected at most 10,000 buckets: a bucket of at least 100000 ns/);
  });

  test("the scenario name is one path segment: outputs go to out/<name> and nowhere else", () => {
    expect(load(scenarioText({ extra: "name: oltp.v2 (4 sessions)" })).name).toBe("oltp.v2 (4 sessions)");
    for (const name of ['"../../escaped"', '".."', '"."', '"/tmp/abs"', '"a\\\\b"']) {
      expect(() => load(scenarioText({ extra: `name: ${name}` }))).toThrow(/name: the scenario name names its output directory \(out\/<name>\); expected a name with no "\/" or "\\" that is not "\." or "\.\."/);
    }
  });

  test("a trace's timeUnit is a DiskSim trace's only", () => {
    const traceJob = (format: string) => `{ kind: trace, path: ${JSON.stringify(join(fixtures, "traces", "oltp.iolog"))}, format: ${format}, timeUnit: ms }`;
    expect(load(scenarioText({ job: traceJob("disksim") })).workloads[0]).toMatchObject({ kind: "trace", timeUnit: "ms" });
    expect(() => load(scenarioText({ job: traceJob("msr-cambridge") }))).toThrow(/workloads\[0\]\.timeUnit: a msr-cambridge trace gives its own time unit; expected timeUnit only with format: disksim/);
  });

  test("a seed written as a number is kept as its decimal string", () => {
    expect(load(scenarioText({ extra: "seed: 12345" })).seed).toBe("12345");
  });
});

describe("errors", () => {
  test("an unreadable file is a ScenarioError too", () => {
    const missing = join(fixtures, "no-such-scenario.yaml");
    expect(() => loadScenarioFile(missing)).toThrow(ScenarioError);
    expect(() => loadScenarioFile(missing)).toThrow(/cannot read the scenario file/);
  });

  test("an empty file says so", () => {
    expect(() => loadScenarioText("# nothing yet\n", { fileName: "empty.yaml" })).toThrow("empty.yaml:1:1: the scenario is empty; expected an object with devices, workloads and stop, found nothing");
  });

  test("a top-level list is the wrong type", () => {
    expect(() => loadScenarioText("- 1\n", { fileName: "list.yaml" })).toThrow("list.yaml:1:1: wrong type; expected an object (key: value pairs), found a list of 1");
  });

  test("syntax errors after a line that runs into the next one are placed on their own lines", () => {
    // After the indented first line ends the document, "./schema.json\n  cache" is read as one two-line scalar outside
    // it; the parser did not count that line break, and the ":" after cache was reported at 2:31, past line 2's end.
    const text = "  seed: 1\n$schema: ./schema.json\n  cache: { model: flash }\n";
    let problems: readonly ScenarioProblem[] = [];
    try {
      loadScenarioText(text, { fileName: "moved.yaml" });
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
      problems = error.problems;
    }
    const lines = text.split("\n");
    for (const { line, column } of problems) expect(column, `${line}:${column}`).toBeLessThanOrEqual((lines[line - 1] ?? "").length + 1);
    expect(problems).toContainEqual(expect.objectContaining({ line: 3, column: 8, found: '": { model: flash }"' }));
  });
});
