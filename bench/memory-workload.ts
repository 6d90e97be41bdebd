import { Rng } from "../sim/rng/streams.js";
import type { CommitPolicyName } from "../engine/index.js";
import { BenchRig, GiB, KiB, TiB } from "./engine-rig.js";

export interface MemoryRunOptions {
  readonly policy: CommitPolicyName;
  readonly seed: string;
  readonly sourceBytes: number;
  readonly cacheBytes: number;
  readonly chunkSizeBytes: number;
  readonly regionSizeBytes: number;
  readonly writeBytes: number;
  readonly writes: number;
  readonly sessions: number;
  readonly workers: number;
  /** Sample memory after every this many completed writes. */
  readonly sampleEvery: number;
}

export const MEMORY_RUN_DEFAULTS: MemoryRunOptions = {
  policy: "write-through",
  seed: "bench-memory",
  sourceBytes: 16 * TiB,
  // The map alone for 16 TiB of 64 KiB chunks is ~9.2 GB of Cache LU (32-byte entries), plus ~6.6 GB of copies.
  cacheBytes: 20 * GiB,
  chunkSizeBytes: 64 * KiB,
  regionSizeBytes: 64 * KiB,
  writeBytes: 4 * KiB,
  writes: 100_000,
  sessions: 4,
  workers: 32,
  sampleEvery: 1000,
};

export interface MemoryRunResult {
  readonly options: MemoryRunOptions;
  readonly writes: number;
  readonly copies: number;
  readonly kernelEvents: number;
  /** Wall time of the writes (format and session starts excluded). */
  readonly wallMs: number;
  /** Wall time from the start of the run function: rig, format, sessions and writes. */
  readonly totalWallMs: number;
  readonly rssBeforeBytes: number;
  readonly rssAfterBytes: number;
  /** Largest process.memoryUsage().rss sampled during the writes. */
  readonly rssPeakSampledBytes: number;
  /** The kernel's peak resident set for the whole process (getrusage ru_maxrss). */
  readonly maxRssBytes: number;
  readonly heapUsedBeforeBytes: number;
  readonly heapUsedAfterBytes: number;
  readonly heapUsedPeakSampledBytes: number;
  readonly samples: number;
  /** Copies the Cache LU has room for. */
  readonly cofwChunkCount: number;
  readonly cacheStoredBytes: number;
  readonly cacheExtents: number;
  readonly sourceExtents: number;
}

/**
 * Random first writes to a huge, sparse Source LU with several live sessions,
 * sampling the process's memory as it goes. Meant to run alone in a child
 * process, so nothing else's garbage is counted.
 */
export function runMemoryWorkload(options: MemoryRunOptions = MEMORY_RUN_DEFAULTS): MemoryRunResult {
  const started = performance.now();
  const rig = new BenchRig({
    seed: options.seed,
    sourceBytes: options.sourceBytes,
    cacheBytes: options.cacheBytes,
    chunkSizeBytes: options.chunkSizeBytes,
    regionSizeBytes: options.regionSizeBytes,
    policy: options.policy,
  });
  rig.startSessions(options.sessions);
  const cofwChunkCount = rig.engine.layout.cofwChunkCount;
  if (cofwChunkCount < options.writes) throw new Error(`Cache LU of ${options.cacheBytes} bytes holds ${cofwChunkCount} copies, fewer than the ${options.writes} writes`);

  // Draw the chunks up front (distinct, so every write is a first write); the draw is not part of the timing.
  const chunkCount = Math.floor(options.sourceBytes / options.chunkSizeBytes);
  const rng = Rng.root(options.seed).stream("memory/chunks");
  const picked = new Set<number>();
  const chunks = new Float64Array(options.writes);
  for (let i = 0; i < options.writes; ) {
    const chunk = rng.int(0, chunkCount - 1);
    if (picked.has(chunk)) continue;
    picked.add(chunk);
    chunks[i++] = chunk;
  }
  picked.clear();

  const before = process.memoryUsage();
  let rssPeak = before.rss;
  let heapPeak = before.heapUsed;
  let samples = 0;
  const sample = (): void => {
    const usage = process.memoryUsage();
    rssPeak = Math.max(rssPeak, usage.rss);
    heapPeak = Math.max(heapPeak, usage.heapUsed);
    samples++;
  };
  const copiesBefore = rig.engine.counters.cofwCopies;
  const eventsBefore = rig.kernel.eventCount;
  const writesStarted = performance.now();
  rig.hostWrites(
    options.writes,
    options.workers,
    (i) => ({ offsetBytes: chunks[i]! * options.chunkSizeBytes, lengthBytes: options.writeBytes, stamp: 1000 + i }),
    (done) => {
      if (done % options.sampleEvery === 0) sample();
    },
  );
  const wallMs = performance.now() - writesStarted;
  sample();
  const after = process.memoryUsage();
  const copies = rig.engine.counters.cofwCopies - copiesBefore;
  if (copies !== options.writes) throw new Error(`${options.writes} first writes made ${copies} copies`);
  return {
    options,
    writes: options.writes,
    copies,
    kernelEvents: rig.kernel.eventCount - eventsBefore,
    wallMs,
    totalWallMs: performance.now() - started,
    rssBeforeBytes: before.rss,
    rssAfterBytes: after.rss,
    rssPeakSampledBytes: rssPeak,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    heapUsedBeforeBytes: before.heapUsed,
    heapUsedAfterBytes: after.heapUsed,
    heapUsedPeakSampledBytes: heapPeak,
    samples,
    cofwChunkCount,
    cacheStoredBytes: rig.cache.contents().storedBytes,
    cacheExtents: rig.cache.contents().extentCount,
    sourceExtents: rig.source.contents().extentCount,
  };
}
