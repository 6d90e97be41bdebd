import type { Coroutine } from "../../io/coroutine.js";
import { Payload } from "../../io/payload.js";
import { Kernel } from "../../sim/kernel.js";
import { Rng } from "../../sim/rng/streams.js";
import { SimDevice } from "../../sim/devices/sim-device.js";
import { InstantModel } from "../../sim/devices/models/instant.js";
import { ExponentialModel } from "../../sim/devices/models/exponential.js";
import type { ContentStore } from "../../sim/devices/content-store.js";
import { cofwChunkOffsetBytes, EngineError, formatCacheLu, fsck, mountCacheLu, type CofwEngine, type CommitPolicy, type MetadataDecoder } from "../../engine/index.js";
import { tearRanges } from "../../scenarios/crash/enumerate.js";
import { CACHE_GARBAGE_STAMP, SOURCE_ORIGIN_STAMP, causeOf } from "./rig.js";
import { SECTOR_BYTES, token, tokensOf } from "./oracle.js";

/**
 * `steps` with every write moved to `factor` times its first sector: the
 * same workload spread over a Source LU `factor` times as large (map
 * entries and records then reach past the first sector of a 4 KiB
 * metadata block, so a tear that keeps part of one leaves it neither old
 * nor new).
 */
export function spreadSteps(steps: readonly Step[], factor: number): Step[] {
  return steps.map((step) => (step.kind === "writes" ? { ...step, writes: step.writes.map(([first, sectors]) => [first * factor, sectors] as const) } : step));
}

const KiB = 1024;

/** The explorer's usual devices and geometry: 512-byte metadata blocks, the devices' own sectors. */
export const SECTOR_BLOCKS = { sourceBytes: 256 * KiB, cacheBytes: 256 * KiB, chunkSizeBytes: 16 * KiB, regionSizeBytes: 1 * KiB } as const;

/**
 * 4 KiB metadata blocks on the 512-byte sectors, over a Source LU large
 * enough for a workload spread by spreadSteps(steps, 12) (128 chunks).
 */
export const TORN_BLOCKS = { sourceBytes: 2048 * KiB, cacheBytes: 1024 * KiB, chunkSizeBytes: 16 * KiB, regionSizeBytes: 4 * KiB, metadataBlockBytes: 4 * KiB } as const;

/** How many subsets of the pending writes the engine tests try per crash point. */
export const SUBSETS = { exhaustiveBound: 5, sampledSubsets: 24 } as const;

/** checkImage's answer for a state outside the promise that recovery refused with its typed error. */
const REFUSED = Symbol("refused");

/**
 * A small crash explorer for engine tests: runs a scripted concurrent
 * workload on devices with volatile write caches and random latencies,
 * records crash points (the log lengths of both devices between kernel
 * events) and host-level acknowledgements, then for each crash point builds
 * images for subsets of the pending writes (and torn variants), mounts them
 * with a fresh engine and checks DESIGN.md's invariants against an oracle
 * built from the host-level log only.
 *
 * The engine promises consistency when each metadata block is written
 * atomically. With blocks larger than the devices' 512-byte sectors
 * (`metadataBlockBytes`), a state that tears one is outside that promise,
 * as in the scenario campaigns (see CrashChecker.outsideFaultModel):
 * recovery may refuse it with its typed error, but whatever it mounts is
 * held to the invariants, and it must never mount what fsck finds broken
 * (invariant 5: a torn block is never trusted).
 */
export interface CrashPoint {
  readonly source: number;
  readonly cache: number;
}

interface HostWrite {
  readonly firstSector: number;
  readonly sectors: number;
  readonly stamp: number;
  submitPoint: number;
  ackPoint: number;
}

interface SessionStart {
  readonly slot: number;
  submitPoint: number;
  ackPoint: number;
  /** The Source LU as the oracle knows it at the start: every write acknowledged before it. */
  expected: number[];
  /** The start acknowledged a sequence number; recovered sessions are matched by it. */
  sequence: number;
}

interface SessionStop {
  readonly slot: number;
  readonly sequence: number;
  submitPoint: number;
  ackPoint: number;
}

interface Barrier {
  submitPoint: number;
  ackPoint: number;
}

export type Step =
  | { readonly kind: "writes"; readonly writes: ReadonlyArray<readonly [number, number]> }
  | { readonly kind: "start"; readonly slot: number }
  | { readonly kind: "stop"; readonly slot: number }
  | { readonly kind: "flush" };

export interface CrashRunOptions {
  readonly seed: string;
  readonly sourceBytes: number;
  readonly cacheBytes: number;
  readonly chunkSizeBytes: number;
  readonly regionSizeBytes: number;
  /** The Cache LU's metadata block, a multiple of the devices' 512-byte sectors (512 when not given): a larger block can be torn. */
  readonly metadataBlockBytes?: number;
  readonly makePolicy: () => CommitPolicy;
  /** How recovery reads metadata blocks (the reference decoder when not given); fsck always uses the reference. */
  readonly decoder?: MetadataDecoder;
  readonly steps: readonly Step[];
  /** Subsets of pending writes tried per crash point beyond the exhaustive bound. */
  readonly sampledSubsets: number;
  /** Pending writes up to which every subset is tried. */
  readonly exhaustiveBound: number;
}

export interface Finding {
  readonly crashPoint: number;
  readonly surviving: string;
  readonly problem: string;
}

export interface CrashReport {
  readonly crashPoints: number;
  readonly statesGenerated: number;
  readonly uniqueImages: number;
  /** Distinct images checked that tear a metadata block of the Cache LU (only with blocks larger than a sector). */
  readonly tornMetadataImages: number;
  /** Of those, the ones recovery refused with its typed error. */
  readonly refusedOutsideFaultModel: number;
  readonly findings: Finding[];
}

const UNACKED = Number.POSITIVE_INFINITY;

export function exploreCrashes(options: CrashRunOptions): CrashReport {
  const kernel = new Kernel(options.seed);
  const rng = Rng.root(options.seed);
  const device = (name: string, capacityBytes: number, unwrittenStamp: number) =>
    new SimDevice({
      name,
      capacityBytes,
      sectorSizeBytes: SECTOR_BYTES,
      queueDepth: 8,
      kernel,
      model: new ExponentialModel(kernel, { meanServiceNs: 20_000, parallelism: 4 }, rng.stream(`device/${name}`)),
      writeCache: true,
      unwrittenStamp,
      recordLog: true,
    });
  const source = device("source", options.sourceBytes, SOURCE_ORIGIN_STAMP);
  const cache = device("cache", options.cacheBytes, CACHE_GARBAGE_STAMP);
  const points: CrashPoint[] = [];
  const mark = (): number => {
    const point = { source: source.log().length, cache: cache.log().length };
    const last = points[points.length - 1];
    if (last === undefined || last.source !== point.source || last.cache !== point.cache) points.push(point);
    return points.length - 1;
  };
  kernel.onEvent = () => void mark();

  let engine: CofwEngine | undefined;
  const geometry = { chunkSizeBytes: options.chunkSizeBytes, regionSizeBytes: options.regionSizeBytes, ...(options.metadataBlockBytes === undefined ? {} : { sectorSizeBytes: options.metadataBlockBytes }) };
  kernel.spawn(formatCacheLu(source, cache, { ...geometry, policy: options.makePolicy() }), "format", (e) => (engine = e));
  kernel.runUntilIdle();
  const firstPoint = mark();
  if (engine === undefined) throw new Error(`format did not finish (seed ${options.seed})`);
  const mounted = engine;

  const sourceSectors = options.sourceBytes / SECTOR_BYTES;
  const acked = Array.from({ length: sourceSectors }, (_, i) => token(SOURCE_ORIGIN_STAMP, i));
  const writes: HostWrite[] = [];
  const starts: SessionStart[] = [];
  const stops: SessionStop[] = [];
  const barriers: Barrier[] = [];
  let nextStamp = 100;

  const script = function* (): Coroutine {
    for (const step of options.steps) {
      if (step.kind === "writes") {
        const batch = step.writes.map(([firstSector, sectors]) => ({ firstSector, sectors, stamp: nextStamp++, submitPoint: UNACKED, ackPoint: UNACKED }));
        const one = function* (w: HostWrite): Coroutine {
          w.submitPoint = mark();
          yield* mounted.hostWrite(w.firstSector * SECTOR_BYTES, Payload.stamp(w.stamp, w.sectors * SECTOR_BYTES));
          w.ackPoint = mark();
          for (let i = 0; i < w.sectors; i++) acked[w.firstSector + i] = token(w.stamp, i);
        };
        writes.push(...batch);
        yield { kind: "all", coroutines: batch.map(one) };
      } else if (step.kind === "start") {
        const start: SessionStart = { slot: step.slot, submitPoint: mark(), ackPoint: UNACKED, expected: [], sequence: 0 };
        starts.push(start);
        start.sequence = yield* mounted.startSession(step.slot);
        start.ackPoint = mark();
        start.expected = [...acked];
        barriers.push({ submitPoint: start.submitPoint, ackPoint: start.ackPoint });
      } else if (step.kind === "stop") {
        const sequence = [...starts].reverse().find((s) => s.slot === step.slot)!.sequence;
        const stop: SessionStop = { slot: step.slot, sequence, submitPoint: mark(), ackPoint: UNACKED };
        stops.push(stop);
        yield* mounted.stopSession(step.slot);
        stop.ackPoint = mark();
      } else {
        const barrier: Barrier = { submitPoint: mark(), ackPoint: UNACKED };
        barriers.push(barrier);
        yield* mounted.hostFlush();
        barrier.ackPoint = mark();
      }
    }
  };
  kernel.spawn(script(), "script");
  kernel.runUntilIdle();
  mark();

  const findings: Finding[] = [];
  const seen = new Set<string>();
  let statesGenerated = 0;
  let tornMetadataImages = 0;
  let refusedOutsideFaultModel = 0;
  const metadataTears = (options.metadataBlockBytes ?? SECTOR_BYTES) > SECTOR_BYTES;
  const dataAreaBytes = cofwChunkOffsetBytes(mounted.layout, 0);
  const crashRng = rng.stream("crash");
  for (let p = firstPoint; p < points.length; p++) {
    const point = points[p]!;
    const sourceState = source.crashStateAt(point.source);
    const cacheState = cache.crashStateAt(point.cache);
    const pending = [...sourceState.pendingWriteIds.map((id) => ({ device: source, id })), ...cacheState.pendingWriteIds.map((id) => ({ device: cache, id }))];
    const subsets: Array<{ keep: boolean[]; tear?: number; keptSectors?: number[] }> = [];
    if (pending.length <= options.exhaustiveBound) {
      for (let bits = 0; bits < 1 << pending.length; bits++) subsets.push({ keep: pending.map((_, i) => ((bits >> i) & 1) === 1) });
    } else {
      subsets.push({ keep: pending.map(() => false) }, { keep: pending.map(() => true) });
      for (let i = 0; i < options.sampledSubsets; i++) subsets.push({ keep: pending.map(() => crashRng.next() < 0.5) });
    }
    // Torn variants: every other pending write survives, this multi-sector one only in part (the scenario campaigns' tears).
    pending.forEach((entry, i) => {
      const sectors = entry.device.log().write(entry.id).payload.lengthBytes / SECTOR_BYTES;
      for (const { firstKept, lastKept } of tearRanges(sectors)) {
        subsets.push({ keep: pending.map(() => true), tear: i, keptSectors: Array.from({ length: lastKept - firstKept + 1 }, (_, k) => firstKept + k) });
      }
    });
    for (const subset of subsets) {
      statesGenerated++;
      const build = (dev: SimDevice, crashPoint: number): ContentStore => {
        const ids = new Set<number>();
        let tear: { writeId: number; keptSectors: number[] } | undefined;
        pending.forEach((entry, i) => {
          if (entry.device !== dev || !subset.keep[i]) return;
          ids.add(entry.id);
          if (subset.tear === i) tear = { writeId: entry.id, keptSectors: subset.keptSectors! };
        });
        return dev.buildImage(crashPoint, ids, tear);
      };
      const sourceImage = build(source, point.source);
      const cacheImage = build(cache, point.cache);
      const key = `${sourceImage.contentHash()}/${cacheImage.contentHash()}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const torn = subset.tear === undefined ? undefined : pending[subset.tear]!;
      const tornSectors = subset.keptSectors === undefined ? "" : `(torn: sectors ${subset.keptSectors[0]}-${subset.keptSectors[subset.keptSectors.length - 1]} kept)`;
      const surviving = pending.filter((_, i) => subset.keep[i]).map((e, i) => `${e.device.name}#${e.id}${subset.tear === i ? tornSectors : ""}`).join(",");
      // Outside the promise: a torn write that lands in the Cache LU's metadata area, whose blocks span several sectors.
      const outside = metadataTears && torn?.device === cache && torn.device.log().write(torn.id).offsetBytes < dataAreaBytes;
      if (outside) tornMetadataImages++;
      const problem = checkImage(sourceImage, cacheImage, p, outside);
      if (problem === REFUSED) refusedOutsideFaultModel++;
      else if (problem !== undefined) findings.push({ crashPoint: p, surviving, problem });
    }
  }
  return { crashPoints: points.length - firstPoint, statesGenerated, uniqueImages: seen.size, tornMetadataImages, refusedOutsideFaultModel, findings };

  /** What is wrong with a state, REFUSED when recovery refused a state outside the promise, else undefined. */
  function checkImage(sourceImage: ContentStore, cacheImage: ContentStore, p: number, outside: boolean): string | typeof REFUSED | undefined {
    const k = new Kernel(`${options.seed}/crash${p}`);
    const imageDevice = (name: string, capacityBytes: number, unwrittenStamp: number, initialContents: ContentStore) =>
      new SimDevice({ name, capacityBytes, sectorSizeBytes: SECTOR_BYTES, queueDepth: 8, kernel: k, model: new InstantModel(k), writeCache: false, unwrittenStamp, initialContents });
    const src = imageDevice("source", options.sourceBytes, SOURCE_ORIGIN_STAMP, sourceImage);
    const cch = imageDevice("cache", options.cacheBytes, CACHE_GARBAGE_STAMP, cacheImage);
    const run = <T>(co: Coroutine<T>): T => {
      let out: { value: T } | undefined;
      k.spawn(co, "check", (value) => (out = { value }));
      k.runUntilIdle();
      if (out === undefined) throw new Error("check did not finish");
      return out.value;
    };
    try {
      // fsck judges the image as it lies, before the mount repairs it.
      const report = run(fsck(src, cch));
      let recovered: CofwEngine;
      try {
        recovered = run(mountCacheLu(src, cch, { policy: options.makePolicy(), ...(options.decoder === undefined ? {} : { decoder: options.decoder }) }));
      } catch (error) {
        const cause = causeOf(error);
        if (outside && cause instanceof EngineError) return REFUSED;
        throw cause;
      }
      if (!report.clean) return `invariant 5: recovery mounted although fsck finds the image broken: ${report.fatal.map((f) => f.message).join("; ")}`;
      recovered.assertConsistent();
      const live = recovered.sessionList();
      for (const start of starts) {
        if (start.submitPoint > p) continue;
        const stop = stops.find((s) => s.sequence === start.sequence);
        const info = live[start.slot]!;
        const present = info.state === "active" && info.sequence === start.sequence;
        const mustExist = start.ackPoint <= p && !(stop !== undefined && stop.submitPoint <= p);
        if (mustExist && !present) return `invariant 1: session ${start.sequence} in slot ${start.slot} was acknowledged but is gone after recovery`;
        if (present) {
          const phantom = tokensOf(run(recovered.phantomRead(start.slot, 0, options.sourceBytes)));
          const bad = phantom.findIndex((t, i) => t !== start.expected[i]);
          if (bad >= 0) return `invariant 1: session ${start.sequence} (slot ${start.slot}) reads sector ${bad} as ${phantom[bad]}, expected ${start.expected[bad]}`;
        }
      }
      const sourceNow = tokensOf(run(recovered.hostRead(0, options.sourceBytes)));
      const problem = checkSource(sourceNow, p);
      if (problem !== undefined) return problem;
      return undefined;
    } catch (error) {
      return `recovery threw: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  /** Invariant 2: each sector holds its last durable value or a value written after it. */
  function checkSource(sourceNow: number[], p: number): string | undefined {
    const durableBy = (w: HostWrite) => barriers.some((b) => b.ackPoint <= p && w.ackPoint <= b.submitPoint);
    for (let sector = 0; sector < sourceSectors; sector++) {
      const touching = writes.filter((w) => w.submitPoint <= p && sector >= w.firstSector && sector < w.firstSector + w.sectors);
      let lastDurable = -1;
      touching.forEach((w, i) => {
        if (durableBy(w)) lastDurable = i;
      });
      const allowed = new Set<number>();
      if (lastDurable < 0) allowed.add(token(SOURCE_ORIGIN_STAMP, sector));
      for (let i = Math.max(0, lastDurable); i < touching.length; i++) allowed.add(token(touching[i]!.stamp, sector - touching[i]!.firstSector));
      if (!allowed.has(sourceNow[sector]!)) return `invariant 2: source sector ${sector} holds ${sourceNow[sector]}, allowed ${[...allowed].join("|")}`;
    }
    return undefined;
  }
}
