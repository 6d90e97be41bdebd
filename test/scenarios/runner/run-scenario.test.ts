import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { JobSpec, Scenario } from "../../../scenarios/model.js";
import { runScenario } from "../../../scenarios/runner/run-scenario.js";
import { FIO_PERCENTILES } from "../../../scenarios/runner/op-stats.js";
import type { HostEventSink } from "../../../scenarios/runner/host-events.js";
import type { Kernel } from "../../../sim/kernel.js";
import { jobSpec } from "../job-spec.js";

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

function job(overrides: Partial<JobSpec>): JobSpec {
  return jobSpec({ name: "job", rw: "randwrite", iodepth: 4, ...overrides });
}

function scenario(overrides: Partial<Scenario>): Scenario {
  const common = { sectorSizeBytes: 512, queueDepth: 32, writeCache: false };
  return {
    name: "test",
    description: "runner test",
    seed: "5",
    devices: {
      source: { ...common, capacityBytes: 1 * GiB, model: "fixed", latencyNs: 100_000, bandwidthBytesPerSec: 200e6, parallelism: 4, flushLatencyNs: 0 },
      cache: { ...common, capacityBytes: 256 * MiB, model: "fixed", latencyNs: 50_000, bandwidthBytesPerSec: 400e6, parallelism: 4, flushLatencyNs: 0 },
      shared: false,
    },
    engine: { chunkSizeBytes: 64 * KiB, regionSizeBytes: 64 * KiB, commitPolicy: "write-through" },
    workloads: [job({ name: "writer" })],
    sessions: [{ trigger: { afterHostIos: 500 }, action: "start", slot: 0 }],
    flushes: { everyHostWrites: 256 },
    measurement: { warmupNs: 0 },
    stop: { hostIos: 3000 },
    ...overrides,
  };
}

const meta = { cofwsimVersion: "test", fileName: "test.yaml", contentHash: "abc" };

describe("runScenario", () => {
  it("runs a closed-loop job and reports fio-shaped results and engine counters", () => {
    const { results } = runScenario(scenario({}), meta);
    const write = results.jobs[0]!.write;
    expect(results.jobs.map((j) => j.jobname)).toEqual(["writer"]);
    // The 3,000th I/O and the 3 still in flight with it complete after the last issue: the drain is not measured.
    expect(write.total_ios).toBe(3000 - 4);
    expect(write.io_bytes).toBe((3000 - 4) * 4 * KiB);
    // Latencies are of the same I/Os: those completing in the window.
    expect(write.clat_ns.N).toBe(write.total_ios);
    expect(Object.keys(write.clat_ns.percentile!)).toEqual(FIO_PERCENTILES.map((p) => p.toFixed(6)));
    expect(write.clat_ns.min).toBeGreaterThan(0);
    expect(write.clat_ns.percentile!["99.000000"]).toBeGreaterThanOrEqual(write.clat_ns.percentile!["50.000000"]!);
    expect(write.iops).toBeCloseTo(write.total_ios / ((results.window.endNs - results.window.startNs) / 1e9), 0);
    expect(results.jobs[0]!.read.total_ios).toBe(0);
    // A direction with no I/O has no percentile map, as in fio's JSON (stat.c adds it only when there are samples).
    expect(Object.keys(results.jobs[0]!.read.clat_ns)).toEqual(["min", "max", "mean", "stddev", "N"]);
    expect(Object.keys(results.jobs[0]!.read.lat_ns)).toEqual(["min", "max", "mean", "stddev", "N"]);
    expect(results.engine.hostWrites).toBe(3000);
    // Copies only after the session started at the 500th I/O, and at most one per chunk.
    expect(results.engine.cofwCopies).toBeGreaterThan(0);
    expect(results.engine.cofwCopies).toBeLessThanOrEqual(2500);
    expect(results.engine.writeAmplification).toBeGreaterThan(1);
    expect(results.sessions).toEqual([expect.objectContaining({ action: "start", slot: 0, sequence: 1 })]);
    expect(results.engine.hostFlushes).toBeGreaterThanOrEqual(11);
    expect(results.problems).toEqual([]);
  });

  it("is deterministic: same seed, same results; another seed, other results", () => {
    const a = JSON.stringify(runScenario(scenario({}), meta).results);
    expect(JSON.stringify(runScenario(scenario({}), meta).results)).toBe(a);
    expect(JSON.stringify(runScenario(scenario({ seed: "6" }), meta).results)).not.toBe(a);
  });

  it("reports progress every hundredth of the host I/Os, then 1 at the end", () => {
    const fractions: number[] = [];
    runScenario(scenario({}), meta, { onProgress: (fraction) => fractions.push(fraction) });
    expect(fractions).toEqual([...Array.from({ length: 100 }, (_, i) => (i + 1) / 100), 1]);
  });

  it("an open-loop job arrives on schedule whatever the device does; rates cover the window only", () => {
    const { results } = runScenario(scenario({ workloads: [job({ name: "paced", rateIops: { read: 1000, write: 1000 }, rw: "randread" })], sessions: [], stop: { runtimeNs: 2_000_000_000 } }), meta);
    const read = results.jobs[0]!.read;
    // The last arrival (1.999 s) ends the window; its completion comes after it.
    expect(read.total_ios).toBe(1999);
    expect(read.iops).toBeCloseTo(1000, -1);
    expect(results.window.endNs).toBeLessThanOrEqual(2_000_000_000);
  });

  it("a thinktime waits for every I/O in flight, as fio: thinktime_blocks I/Os per pause, whatever iodepth says", () => {
    const thinktimeNs = 1_000_000;
    const run = (thinktimeBlocks: number | undefined) => {
      const spec = job({ name: "thinker", rw: "randread", iodepth: 16, thinktimeNs, ...(thinktimeBlocks === undefined ? {} : { thinktimeBlocks }) });
      const { results } = runScenario(scenario({ workloads: [spec], sessions: [], stop: { runtimeNs: 1_000_000_000 } }), meta);
      // The reads issued, the engine's count (the job's own leave out the last, completing after the last issue).
      return { ...results.jobs[0]!.read, issued: results.engine.hostReads };
    };
    // One I/O, then the pause: a cycle is the I/O's latency plus the thinktime (the device never queues it).
    const alone = run(undefined);
    expect(alone.clat_ns.max).toBe(alone.clat_ns.min);
    const cycleNs = thinktimeNs + alone.clat_ns.min;
    expect(alone.issued).toBe(Math.ceil(1e9 / cycleNs));
    // Four I/Os side by side on the device's four servers, then the pause: four times as many, none queued.
    const four = run(4);
    expect(four.clat_ns.max).toBe(alone.clat_ns.min);
    expect(four.issued).toBe(4 * Math.ceil(1e9 / cycleNs));
    // Eight: two waves of four per pause (iodepth 16 keeps all eight in flight; the device serves four at a time).
    const eight = run(8);
    expect(eight.clat_ns.max).toBeGreaterThan(alone.clat_ns.min);
    expect(eight.issued).toBeLessThan(8 * Math.ceil(1e9 / cycleNs));
    expect(eight.issued).toBeGreaterThan(four.issued);
  });

  it("rates leave out the drain: completions after the last issue are not counted", () => {
    // 64 I/Os in flight on 64 servers of 10 ms each: 64 I/Os every 10 ms, 6,400 a second. The 640th is issued at
    // 90 ms; the 64 issued then complete at 100 ms, after the window, and do not count.
    const base = scenario({});
    const source = base.devices.source;
    if (source.model !== "fixed") throw new Error("the runner tests' Source LU is a fixed-latency device");
    const { results } = runScenario(
      scenario({
        devices: { ...base.devices, source: { ...source, latencyNs: 10_000_000, bandwidthBytesPerSec: 1e15, parallelism: 64, queueDepth: 64 } },
        workloads: [job({ name: "w", iodepth: 64 })],
        sessions: [],
        stop: { hostIos: 640 },
      }),
      meta,
    );
    const write = results.jobs[0]!.write;
    // The engine adds a few nanoseconds to each write's way to the device.
    expect(results.window.startNs).toBe(0);
    expect(results.window.endNs).toBeGreaterThanOrEqual(90_000_000);
    expect(results.window.endNs).toBeLessThan(90_001_000);
    expect(write.total_ios).toBe(576);
    expect(write.iops).toBeCloseTo(6400, 0);
    expect(write.io_bytes).toBe(576 * 4 * KiB);
    // Latencies are of the same 576 I/Os; runtime is the window, to the microsecond.
    expect(write.clat_ns.N).toBe(576);
    expect(write.runtime).toBeCloseTo(results.window.endNs / 1e6, 3);
    expect(results.jobs[0]!.read.runtime).toBe(0);
  });

  it("says so when the measurement window is empty or a session's host I/O count is never reached", () => {
    const { results } = runScenario(scenario({ measurement: { warmupNs: 1_000_000_000 }, stop: { hostIos: 300 } }), meta);
    expect(results.jobs[0]!.write.total_ios).toBe(0);
    expect(results.notes.join("\n")).toMatch(/the measurement window is empty: the last host I\/O was issued at .*, before the warm-up ended at 1.000 s/);
    expect(results.notes.join("\n")).toContain("session start of slot 0 after 500 host I/Os never happened: the run completed 300");
  });

  it("refuses a report.bucket that makes more than 20,000 buckets, as soon as the run passes them (a run stopped by host I/Os)", () => {
    expect(() => runScenario(scenario({ report: { bucketNs: 1 } }), meta)).toThrow(/report\.bucket of 1 ns makes more than 20,000 buckets: the run passed 20,000 ns of simulated time/);
  });

  it("the engine counters are the run's: the Cache LU format's writes before time 0 are not in them", () => {
    const { results, timeSeries } = runScenario(scenario({ sessions: [], stop: { hostIos: 40 } }), meta);
    const engine = results.engine;
    expect(engine.hostWrites).toBe(40);
    // No session, no host flush: the engine wrote the host's data and nothing else.
    expect(engine.metadataWrites).toBe(0);
    expect(engine.flushes).toBe(0);
    expect(engine.deviceBytesWritten).toBe(engine.hostBytesWritten);
    expect(engine.writeAmplification).toBe(1);
    expect(timeSeries.engine.reduce((sum, row) => sum + row.metadataBytesWritten, 0)).toBe(0);
  });

  it("the engine series files each sample in the bucket it covers, and runs until the engine's last activity", () => {
    // The job's 200 I/Os end within the first few ms of a 100 ms run; a session starts at 50 ms and stops at 80 ms.
    const { results, timeSeries } = runScenario(
      scenario({
        workloads: [job({ name: "writer", numberIos: 200 })],
        sessions: [
          { trigger: { atNs: 50_000_000 }, action: "start", slot: 0 },
          { trigger: { atNs: 80_000_000 }, action: "stop", slot: 0 },
        ],
        stop: { runtimeNs: 100_000_000 },
      }),
      meta,
    );
    const hostBytesPerBucket = new Map<number, number>();
    for (const row of timeSeries.host) hostBytesPerBucket.set(row.timeNs, (hostBytesPerBucket.get(row.timeNs) ?? 0) + row.bandwidthBytesPerSec * (timeSeries.bucketNs / 1e9));
    // The engine's host bytes per bucket are the host series' (writes complete when the engine has written them).
    for (const row of timeSeries.engine) expect(row.hostBytesWritten, `bucket at ${row.timeNs} ns`).toBeCloseTo(hostBytesPerBucket.get(row.timeNs) ?? 0, 0);
    // The series reaches the session stop at 80 ms, long after the last host I/O.
    const last = timeSeries.engine.at(-1)!;
    expect(last.timeNs).toBeGreaterThanOrEqual(80_000_000 - timeSeries.bucketNs);
    expect(last.timeNs).toBeLessThanOrEqual(results.window.simulatedEndNs);
    expect(timeSeries.engine.some((row) => row.liveSessions === 1)).toBe(true);
    expect(last.liveSessions).toBe(0);
  });

  it("session schedule: a start takes a free slot, replace ends a live session, afterHostIos 0 is at time 0, and an operation after the stop does not happen", () => {
    const ops = (...list: string[]) => list.map((op) => {
      const [kind, a, b] = op.split(" ");
      if (kind === "write") return { kind: "write" as const, offsetBytes: Number(a) * 4096, lengthBytes: 4096 };
      return { kind: "session" as const, action: kind as "start" | "stop" | "replace", slot: Number(a ?? b) };
    });
    const { results } = runScenario(
      scenario({
        workloads: [{ kind: "script", name: "s", iodepth: 1, ops: ops("write 0", "start 0", "write 0", "start 0", "replace 0", "replace 4", "write 0") }],
        sessions: [{ trigger: { afterHostIos: 0 }, action: "start", slot: 2 }],
        stop: { hostIos: 3 },
      }),
      meta,
    );
    const done = results.sessions.map((record) => `${record.action} ${record.slot} ${record.sequence ?? "-"} ${record.error === undefined ? "ok" : "refused"}`);
    // Slot 2's start came first, at time 0; the second start of slot 0 was refused, and replace ended its session (sequences count over all slots).
    expect(results.sessions[0]).toMatchObject({ action: "start", slot: 2, requestedAtNs: 0 });
    expect(done).toEqual(["start 2 1 ok", "start 0 2 ok", "start 0 - refused", "replace 0 3 ok", "replace 4 4 ok"]);
    expect(results.problems.join("\n")).toContain("session start of slot 0 at");
    expect(results.problems.join("\n")).toContain('refused: slot 0 holds a live session; a start takes a free slot ("replace" ends the live one and starts another)');
    expect(results.notes.join("\n")).toContain("session replace of slot 4 at");
    expect(results.notes.join("\n")).toContain("found no live session there: it started one");

    const late = runScenario(scenario({ sessions: [{ trigger: { atNs: 5_000_000_000 }, action: "start", slot: 3 }], stop: { runtimeNs: 2_000_000 } }), meta).results;
    expect(late.sessions).toEqual([]);
    expect(late.notes.join("\n")).toContain("session start of slot 3 at 5.000 s never happened: the run had stopped");
    expect(late.window.simulatedEndNs).toBeLessThan(5_000_000_000);
  });

  it("lists each session a full Cache LU ended in the timeline: which, when it began, when it was durable", () => {
    const cacheBytes = 4 * MiB;
    const base = scenario({});
    const { results } = runScenario(
      scenario({
        devices: { ...base.devices, cache: { ...base.devices.cache, capacityBytes: cacheBytes } },
        sessions: [
          { trigger: { atNs: 0 }, action: "start", slot: 0 },
          { trigger: { afterHostIos: 20 }, action: "start", slot: 3 },
        ],
        stop: { hostIos: 3000 },
      }),
      meta,
    );
    const ended = results.sessions.filter((record) => record.action === "terminate");
    expect(ended.length).toBe(results.engine.sessionsTerminated);
    expect(ended.map((record) => record.slot).sort()).toEqual([0, 3]);
    const started = new Map(results.sessions.filter((record) => record.action === "start").map((record) => [record.slot, record]));
    for (const record of ended) {
      // The session that ended is the one the slot's start made, and it ended after that start and before the run did.
      expect(record.sequence).toBe(started.get(record.slot)!.sequence);
      expect(record.requestedAtNs).toBeGreaterThan(started.get(record.slot)!.doneAtNs!);
      expect(record.doneAtNs).toBeGreaterThan(record.requestedAtNs);
      expect(record.doneAtNs).toBeLessThanOrEqual(results.window.simulatedEndNs);
    }
    // Listed in the order they began.
    expect(results.sessions.map((record) => record.requestedAtNs)).toEqual([...results.sessions.map((record) => record.requestedAtNs)].sort((a, b) => a - b));
  });

  it("a Phantom LU read that finds no live session reads nothing and is in no figure of its job", () => {
    const { results } = runScenario(
      scenario({
        workloads: [job({ name: "host", numberIos: 400 }), job({ name: "backup", rw: "read", blockSizeBytes: { read: MiB, write: MiB }, iodepth: 2, sizeBytes: 64 * MiB, phantomSlot: 0 })],
        sessions: [{ trigger: { atNs: 5_000_000_000 }, action: "start", slot: 0 }],
        stop: { runtimeNs: 20_000_000 },
      }),
      meta,
    );
    const backup = results.jobs.find((job) => job.jobname === "backup")!.read;
    expect(backup.total_ios).toBe(0);
    expect(backup.io_bytes).toBe(0);
    expect(backup.clat_ns.N).toBe(0);
    expect(results.engine.phantomReads).toBe(0);
    expect(results.notes.join("\n")).toContain("64 Phantom LU reads found no live session in their slot and were skipped: they read nothing");
  });

  it("a run that idles between I/Os wakes its time-series sampler once per bucket, not every millisecond", () => {
    // 10 I/Os a second for 10 minutes: 6,000 I/Os over 600,000 sampling periods of 1 ms.
    const { results, kernel, timeSeries } = runScenario(scenario({ workloads: [job({ name: "slow", rateIops: { read: 10, write: 10 } })], stop: { runtimeNs: 600_000_000_000 } }), meta);
    expect(results.engine.hostWrites).toBe(6000);
    expect(timeSeries.engine.length).toBeGreaterThan(200);
    // An I/O's own events (arrival, device, engine) are a few dozen at most; a wake per millisecond would be 100 per I/O.
    expect(kernel.eventCount).toBeLessThan(40 * 6000);
  });

  it("skipping idle sampler wake-ups changes no result: a paced run with sessions started and stopped between I/Os, as pinned before the skipping", () => {
    const paced = scenario({
      workloads: [job({ name: "paced", rateIops: { read: 7, write: 7 }, rateProcess: "poisson" })],
      sessions: [
        { trigger: { afterHostIos: 40 }, action: "start", slot: 0 },
        { trigger: { atNs: 20_500_000_000 }, action: "start", slot: 3 },
        { trigger: { atNs: 41_000_000_000 }, action: "stop", slot: 0 },
      ],
      flushes: { everyNs: 3_000_000_000 },
      stop: { runtimeNs: 60_000_000_000 },
    });
    const { results, timeSeries } = runScenario(paced, meta);
    const digest = (value: unknown) => createHash("sha256").update(JSON.stringify(value)).digest("hex");
    // Recorded at 62aa90b, where the sampler woke every millisecond (60,000 wake-ups in this run), and re-recorded
    // since only where the measurement changed on purpose: the drain left the rates (9e00d84: the write direction's
    // total_ios 405 -> 404), then latencies were taken of the I/Os completing in the window, the engine counters
    // left out the format's writes, and engine samples went to the bucket they cover, until the engine's last
    // activity (the time-series model test holds the batched idle samples to one sample per period), and the read
    // direction, which has no I/O, lost its percentile map of zeros, as fio leaves it out; then the last bucket's
    // rates came to be over the 86 ms of it the run covers, not its 256 ms (iops, bandwidth and copies per second of
    // that one bucket, nothing else).
    expect({ results: digest(results), timeSeries: digest(timeSeries) }).toEqual({
      results: "1d7cdfb2bcd15a5b20aede75bc802e4e5b95360d08a0cffd82791009a3738ecf",
      timeSeries: "82f9dc03a3755a1c8fac0b0b6ba8e0f77d25063e7f125352341a3a433881a757",
    });
  });

  it("timed flushes do not pile up: a flush slower than flushes.every delays the next to the first tick after it completes", () => {
    const base = scenario({});
    const source = base.devices.source;
    if (source.model !== "fixed") throw new Error("the runner tests' Source LU is a fixed-latency device");
    // Each flush holds the Source LU's device for 5 ms; the host asks for one every 1 ms.
    const slowFlushes = scenario({
      devices: { ...base.devices, source: { ...source, writeCache: true, flushLatencyNs: 5_000_000 } },
      workloads: [job({ name: "paced", rateIops: { read: 2000, write: 2000 } })],
      flushes: { everyNs: 1_000_000 },
      stop: { runtimeNs: 200_000_000 },
    });
    let kernel: Kernel | undefined;
    const now = () => kernel!.nowNs;
    let readyNs = 0;
    const submittedNs: number[] = [];
    const ackedNs: number[] = [];
    const hostEvents: HostEventSink = {
      formatted: () => (readyNs = now()),
      writeSubmitted: () => 0,
      writeAcked: () => {},
      flushSubmitted: () => submittedNs.push(now()) - 1,
      flushAcked: (id) => (ackedNs[id] = now()),
      sessionSubmitted: () => 0,
      sessionAcked: () => {},
    };
    const { results } = runScenario(slowFlushes, meta, { observe: (k) => (kernel = k), hostEvents });
    // One flush at a time, each at a tick (a whole number of periods after the run's start), the first tick after the
    // previous flush completed.
    expect(submittedNs.length).toBeGreaterThan(20);
    submittedNs.forEach((atNs, i) => {
      expect((atNs - readyNs) % 1_000_000).toBe(0);
      if (i === 0) return;
      expect(atNs).toBeGreaterThanOrEqual(ackedNs[i - 1]!);
      expect(atNs - ackedNs[i - 1]!).toBeLessThan(1_000_000);
    });
    // A flush every 1 ms would be ~200; one per 5-6 ms is at most 40.
    expect(results.engine.hostFlushes).toBeLessThanOrEqual(40);
    const skipped = Number(/^(\d+) ticks of flushes\.every found the previous timed flush still in flight/.exec(results.notes.find((note) => note.includes("flushes.every")) ?? "")?.[1]);
    // Every tick up to the last flush either flushed or was skipped, and so were the ticks while the run's stop waited
    // for the last flush (at most its 5 ms and the tick after).
    const ticksToLastFlush = (submittedNs.at(-1)! - readyNs) / 1_000_000;
    expect(skipped + submittedNs.length).toBeGreaterThanOrEqual(ticksToLastFlush);
    expect(skipped + submittedNs.length).toBeLessThanOrEqual(ticksToLastFlush + 6);
  });

  it("reads of a phantom job go to the session's Phantom LU, and a session op on an empty slot is a problem", () => {
    const { results } = runScenario(
      scenario({
        workloads: [job({ name: "writer" }), job({ name: "backup", rw: "read", blockSizeBytes: { read: 1 * MiB, write: 1 * MiB }, iodepth: 1, phantomSlot: 0, startDelayNs: 1_000_000 })],
        sessions: [
          { trigger: { atNs: 0 }, action: "start", slot: 0 },
          { trigger: { atNs: 1_000 }, action: "stop", slot: 3 },
        ],
      }),
      meta,
    );
    expect(results.engine.phantomReads).toBeGreaterThan(0);
    expect(results.problems).toEqual([expect.stringMatching(/session stop of slot 3 .* no live session/)]);
  });

  it("Source and Cache LU on one shared device contend: the same work takes longer", () => {
    const separate = runScenario(scenario({}), meta).results;
    const base = scenario({});
    const shared = runScenario(scenario({ devices: { ...base.devices, source: { ...base.devices.source, capacityBytes: 1 * GiB + 256 * MiB }, shared: true } }), meta).results;
    expect(shared.jobs[0]!.write.clat_ns.mean).toBeGreaterThan(separate.jobs[0]!.write.clat_ns.mean);
    expect(shared.devices.cache).toMatch(/same device/);
  });
});

describe("a run whose simulated time stands still", () => {
  const instant = { model: "instant" as const, sectorSizeBytes: 512, queueDepth: 32, writeCache: false };
  /** A Source LU that takes no time beside a Cache LU that does: once every chunk is copied, nothing moves time again. */
  const standingStill = (stop: Scenario["stop"]) =>
    scenario({
      devices: { ...scenario({}).devices, source: { ...instant, capacityBytes: 4 * MiB } },
      workloads: [job({ name: "writer", runtimeNs: 1e9 })],
      sessions: [{ trigger: { atNs: 0 }, action: "start", slot: 0 }],
      stop,
    });

  it("is told once, with the instant and the count, when only a runtime stops it", () => {
    const told: [number, number][] = [];
    // The hook ends the run the only way such a run can end; a real user interrupts it.
    const hooks = {
      timeStandingStillIos: 5000,
      onTimeStandingStill: (atNs: number, hostIos: number) => {
        told.push([atNs, hostIos]);
        throw new Error("interrupted");
      },
    };
    expect(() => runScenario(standingStill({ runtimeNs: 1e9 }), meta, hooks)).toThrow(/interrupted/);
    expect(told).toHaveLength(1);
    const [atNs, hostIos] = told[0]!;
    expect(hostIos).toBe(5000);
    // All 64 chunks were copied to the Cache LU first, which took time.
    expect(atNs).toBeGreaterThan(0);
  });

  it("is stopped, with a problem and its results, once it stood still a hundred times as long as the warning waits", () => {
    const told: [number, number, number][] = [];
    const hooks = { timeStandingStillIos: 500, onTimeStandingStill: (atNs: number, hostIos: number, stopAtIos: number) => void told.push([atNs, hostIos, stopAtIos]) };
    const run = () => runScenario(standingStill({ runtimeNs: 1e9 }), meta, hooks);
    const { results, kernel } = run();
    // Warned once, after 500 I/Os at one instant (once all 64 chunks were copied, which took time), of the stop at 50,000.
    expect(told.map(([, hostIos, stopAtIos]) => [hostIos, stopAtIos])).toEqual([[500, 50_000]]);
    expect(told[0]![0]).toBeGreaterThan(0);
    expect(results.problems).toEqual([expect.stringMatching(/^simulated time stood still at .* for 50,000 host I\/Os in a row, so the run was stopped there, before its stop\.runtime 1\.000 s: /)]);
    // Stopped where it stood, long before its runtime: the copies of all 64 chunks, then 50,000 I/Os at one instant (and those in flight).
    expect(kernel.nowNs).toBeLessThan(1e9);
    const ios = results.engine.hostWrites + results.engine.hostReads;
    expect(ios).toBeGreaterThan(50_000);
    expect(ios).toBeLessThan(60_000);
    expect(results.engine.cofwCopies).toBe(64);
    // Where it stops is counted, not timed: a second run gives the same results.
    expect(JSON.stringify(run().results)).toBe(JSON.stringify(results));
  });

  it("is not told when a number of host I/Os stops it, however still time stands", () => {
    const told: number[] = [];
    const { results } = runScenario(standingStill({ hostIos: 40_000 }), meta, { timeStandingStillIos: 5000, onTimeStandingStill: (atNs) => told.push(atNs) });
    expect(told).toEqual([]);
    expect(results.engine.hostWrites).toBe(40_000);
  });
});
