import type { Rng } from "../../sim/rng/streams.js";
import type { Recording } from "./record.js";
import type { CrashStateSpec, DiskKey } from "./state-id.js";

/** What enumeration needs: the logged disks and crash points over them (a run's recording, or a recorded recovery). */
export type LoggedRun = Pick<Recording, "points" | "disks">;

export interface PendingWrite {
  readonly disk: DiskKey;
  readonly writeId: number;
  readonly sectors: number;
}

export interface EnumerateOptions {
  /** Pending writes up to which every subset is generated. */
  readonly exhaustiveBound: number;
  /** Random subsets generated at a crash point with more pending writes than the bound. */
  readonly sampledSubsets: number;
}

/** The writes that may or may not have reached the media at a crash point: each logged disk's, in disk order (the Source LU's first). */
export function pendingAt(recording: LoggedRun, point: number): PendingWrite[] {
  const at = recording.points[point]!;
  const pending: PendingWrite[] = [];
  recording.disks.forEach(({ key, device }, i) => {
    const log = device.log();
    for (const writeId of device.crashStateAt(at[i]!).pendingWriteIds) pending.push({ disk: key, writeId, sectors: log.write(writeId).payload.lengthBytes / log.sectorSizeBytes });
  });
  return pending;
}

/** The state of `point` that keeps the pending writes `keep` says, listed per disk (a disk keeping none is not listed). */
export function stateOf(point: number, pending: ReadonlyArray<Pick<PendingWrite, "disk" | "writeId">>, keep: (i: number) => boolean): CrashStateSpec {
  const surviving: Record<DiskKey, number[]> = {};
  pending.forEach((write, i) => {
    if (keep(i)) (surviving[write.disk] ??= []).push(write.writeId);
  });
  return { point, surviving };
}

/**
 * The crash states of one crash point: every subset of the pending writes
 * while there are at most `exhaustiveBound` of them, else none, all and
 * `sampledSubsets` random subsets; then, for each pending multi-sector
 * write, the states where everything survives but that write is torn (see
 * tearRanges).
 */
export function* statesAt(recording: LoggedRun, point: number, options: EnumerateOptions, rng: Rng): Generator<CrashStateSpec> {
  // Generated one at a time: the campaign's budget or time limit stops it before 2^n states are built.
  const pending = pendingAt(recording, point);
  if (pending.length <= options.exhaustiveBound) {
    yield* everySubset(point, pending);
  } else {
    yield stateOf(point, pending, () => false);
    yield stateOf(point, pending, () => true);
    for (let s = 0; s < options.sampledSubsets; s++) {
      const keep = pending.map(() => rng.next() < 0.5);
      yield stateOf(point, pending, (i) => keep[i]!);
    }
  }
  yield* tornStates(point, pending);
}

/**
 * Every subset of the pending writes, counting in binary with write i as
 * digit i (none first, all last), without bit shifts: they wrap at 32 bits.
 */
function* everySubset(point: number, pending: readonly PendingWrite[]): Generator<CrashStateSpec> {
  const keep = pending.map(() => false);
  for (;;) {
    yield stateOf(point, pending, (i) => keep[i]!);
    // The next count: clear the trailing kept writes, keep the next one; done when none is left.
    let i = 0;
    while (i < keep.length && keep[i]!) keep[i++] = false;
    if (i === keep.length) return;
    keep[i] = true;
  }
}

/** One random state of a crash point: a random subset, and sometimes one of its multi-sector survivors torn. */
export function sampleStateAt(recording: Recording, point: number, rng: Rng): CrashStateSpec {
  const pending = pendingAt(recording, point);
  const keep = pending.map(() => rng.next() < 0.5);
  const state = stateOf(point, pending, (i) => keep[i]!);
  const tearable = pending.filter((write, i) => keep[i] && write.sectors > 1);
  if (tearable.length === 0 || rng.next() < 0.5) return state;
  const write = tearable[Math.floor(rng.next() * tearable.length)]!;
  const { firstKept, lastKept } = randomTear(write.sectors, rng);
  return { ...state, tear: { disk: write.disk, writeId: write.writeId, firstKept, lastKept } };
}

/**
 * `count` random states of the run, each drawn as sampleStateAt draws it (a
 * crash point uniformly among the run's, then its survivors), in ascending
 * order of their crash points; states of one point keep the order they were
 * drawn in.
 */
export function sampleBatch(recording: Recording, rng: Rng, count: number): CrashStateSpec[] {
  const firstPoint = recording.firstPoint;
  const pointCount = recording.points.length - firstPoint;
  const states: CrashStateSpec[] = [];
  for (let i = 0; i < count; i++) states.push(sampleStateAt(recording, firstPoint + Math.floor(rng.next() * pointCount), rng));
  return states.sort((a, b) => a.point - b.point);
}

/** A kept range of sectors, inclusive and relative to the write (what a state id's tear says). */
export interface KeptRange {
  readonly firstKept: number;
  readonly lastKept: number;
}

/**
 * A random tear of a write of `sectors` sectors: a contiguous run of 1 to
 * sectors - 1 of them, anywhere in the write (a prefix, a suffix or a
 * middle), every length equally likely, then every start. A device may
 * persist the sectors of one write in any order, so a tear need not keep
 * the first sector.
 */
export function randomTear(sectors: number, rng: Rng): KeptRange {
  const keptSectors = 1 + Math.floor(rng.next() * (sectors - 1));
  const firstKept = Math.floor(rng.next() * (sectors - keptSectors + 1));
  return { firstKept, lastKept: firstKept + keptSectors - 1 };
}

/**
 * The tears exhaustive mode tries on a write of `sectors` sectors (none for
 * one sector), without repeats: only the first sector (a block's header
 * with the rest stale), all but the first, all but the last, the first
 * half, the second half. A tear that keeps the first sector can leave a
 * 4 KiB metadata block identical to the whole write (its tail unchanged),
 * so tears that lose it are needed to probe the check bits.
 */
export function tearRanges(sectors: number): KeptRange[] {
  if (sectors < 2) return [];
  const last = sectors - 1;
  const half = Math.floor(sectors / 2);
  const candidates: KeptRange[] = [
    { firstKept: 0, lastKept: 0 },
    { firstKept: 1, lastKept: last },
    { firstKept: 0, lastKept: last - 1 },
    { firstKept: 0, lastKept: half - 1 },
    { firstKept: half, lastKept: last },
  ];
  return candidates.filter((range, i) => candidates.findIndex((other) => other.firstKept === range.firstKept && other.lastKept === range.lastKept) === i);
}

function tornStates(point: number, pending: readonly PendingWrite[]): CrashStateSpec[] {
  const out: CrashStateSpec[] = [];
  const all = stateOf(point, pending, () => true);
  for (const write of pending) {
    for (const range of tearRanges(write.sectors)) out.push({ ...all, tear: { disk: write.disk, writeId: write.writeId, ...range } });
  }
  return out;
}
