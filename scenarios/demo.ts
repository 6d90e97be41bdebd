import { sleep, type Coroutine } from "../io/coroutine.js";
import { Payload } from "../io/payload.js";
import { Kernel } from "../sim/kernel.js";
import { Rng } from "../sim/rng/streams.js";
import { exponential } from "../sim/rng/distributions.js";
import { makeOffsetDistribution } from "../sim/rng/offset-distribution.js";
import { SimDevice } from "../sim/devices/sim-device.js";
import { RotatingDiskModel } from "../sim/devices/models/rotating-disk.js";
import { FlashModel } from "../sim/devices/models/flash.js";
import { formatCacheLu, makeCommitPolicy, writeAmplification, type CofwEngine, type CommitPolicyName, type EngineCounters } from "../engine/index.js";

/**
 * The built-in demo: a Source LU on a rotating disk, a Cache LU on flash,
 * four closed-loop 4 KiB zipf random writers, two sessions started along the
 * way and a backup reading the first session's Phantom LU sequentially. It
 * stands in for the scenario runner until scenario files exist, and it is the
 * reference simulation of the determinism test.
 */
export interface DemoOptions {
  readonly seed: string;
  readonly hostWrites: number;
  readonly policy: CommitPolicyName;
}

export const DEFAULT_DEMO: DemoOptions = { seed: "1", hostWrites: 20_000, policy: "group-commit" };

export interface LatencySummary {
  readonly count: number;
  readonly minNs: number;
  readonly meanNs: number;
  readonly p50Ns: number;
  readonly p99Ns: number;
  readonly maxNs: number;
}

export interface DemoResult {
  readonly seed: string;
  readonly policy: CommitPolicyName;
  readonly simulatedNs: number;
  readonly events: number;
  readonly hostWriteLatency: LatencySummary;
  readonly backupReadBytes: number;
  readonly engine: EngineCounters & { readonly writeAmplification: number };
  readonly devices: { readonly source: string; readonly cache: string };
}

const KiB = 1024;
const GiB = 1024 ** 3;
const WORKERS = 4;
const BLOCK_BYTES = 4 * KiB;

export function summarizeLatencies(latenciesNs: number[]): LatencySummary {
  const sorted = [...latenciesNs].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const sum = sorted.reduce((total, value) => total + value, 0);
  return { count: sorted.length, minNs: sorted[0] ?? 0, meanNs: sorted.length === 0 ? 0 : Math.round(sum / sorted.length), p50Ns: at(0.5), p99Ns: at(0.99), maxNs: sorted[sorted.length - 1] ?? 0 };
}

/** Runs the demo; `kernel.onEvent` may be set through `observe` before the run starts (for trace hashing). */
export function runDemo(options: DemoOptions, observe?: (kernel: Kernel) => void): DemoResult {
  const kernel = new Kernel(options.seed);
  observe?.(kernel);
  const rng = Rng.root(options.seed);
  const sourceBytes = 4 * GiB;
  const cacheBytes = 1 * GiB;
  const source = new SimDevice({
    name: "source",
    capacityBytes: sourceBytes,
    sectorSizeBytes: 512,
    queueDepth: 32,
    kernel,
    model: new RotatingDiskModel(kernel, { capacityBytes: sourceBytes, rpm: 7200, scheduler: "look" }),
    writeCache: true,
    unwrittenStamp: 1,
  });
  const cache = new SimDevice({ name: "cache", capacityBytes: cacheBytes, sectorSizeBytes: 512, queueDepth: 64, kernel, model: new FlashModel(kernel, { channels: 4, diesPerChannel: 2 }), writeCache: true });

  let engine: CofwEngine | undefined;
  kernel.spawn(formatCacheLu(source, cache, { chunkSizeBytes: 64 * KiB, regionSizeBytes: 64 * KiB, policy: makeCommitPolicy(options.policy) }), "format", (e) => (engine = e));
  kernel.runUntilIdle();
  if (engine === undefined) throw new Error(`format did not finish (seed ${options.seed})`);
  const mounted = engine;

  const blocks = sourceBytes / BLOCK_BYTES;
  const offsets = makeOffsetDistribution({ kind: "zipf", theta: 1.1 }, blocks);
  const latenciesNs: number[] = [];
  let issued = 0;
  let backupReadBytes = 0;
  const sessionAt = new Map([
    [Math.floor(options.hostWrites / 5), 0],
    [Math.floor((options.hostWrites * 3) / 5), 1],
  ]);

  const writer = function* (stream: Rng): Coroutine {
    while (issued < options.hostWrites) {
      const n = issued++;
      const slot = sessionAt.get(n);
      if (slot !== undefined) {
        yield* mounted.startSession(slot);
        if (slot === 0) kernel.spawn(backup(), "backup");
      }
      const startNs = kernel.nowNs;
      yield* mounted.hostWrite(offsets.sample(stream) * BLOCK_BYTES, Payload.stamp(1000 + n, BLOCK_BYTES));
      latenciesNs.push(kernel.nowNs - startNs);
      yield* sleep(Math.round(exponential(stream, 50_000)));
    }
  };
  // The backup reads the first 256 MiB of session 0 in 1 MiB pieces while the writers go on.
  const backup = function* (): Coroutine {
    for (let offsetBytes = 0; offsetBytes < 256 * 1024 * KiB && issued < options.hostWrites; offsetBytes += 1024 * KiB) {
      const data = yield* mounted.phantomRead(0, offsetBytes, 1024 * KiB);
      backupReadBytes += data.lengthBytes;
    }
  };
  for (let worker = 0; worker < WORKERS; worker++) kernel.spawn(writer(rng.stream(`workload/writer${worker}`)), `writer${worker}`);
  kernel.runUntilIdle();
  mounted.assertConsistent();

  const counters = { ...mounted.counters };
  return {
    seed: options.seed,
    policy: options.policy,
    simulatedNs: kernel.nowNs,
    events: kernel.eventCount,
    hostWriteLatency: summarizeLatencies(latenciesNs),
    backupReadBytes,
    engine: { ...counters, writeAmplification: writeAmplification(counters) },
    devices: { source: "rotating disk, 7200 rpm, LOOK", cache: "flash, 4 channels x 2 dies" },
  };
}
