import type { ContentView, ContentStore } from "./content-store.js";
import type { WriteLogView, WriteRecord } from "./write-log.js";

/** Which writes a crash at one point keeps for sure, and which it may or may not keep. */
export interface CrashState {
  readonly crashPoint: number;
  /** Writes durable at the crash point: every image holds them (unless a later write covers them). */
  readonly durableWriteIds: number[];
  /** Writes submitted but not durable: in flight, or completed into the volatile cache and not yet flushed. */
  readonly pendingWriteIds: number[];
}

/** A multi-sector surviving write of which only some sectors reached the media. */
export interface Tear {
  readonly writeId: number;
  /** Sector indices relative to the write's first sector, 0-based. */
  readonly keptSectors: ReadonlyArray<number>;
}

export function crashStateAt(log: WriteLogView, crashPoint: number): CrashState {
  checkCrashPoint(log, crashPoint);
  const durableWriteIds: number[] = [];
  const pendingWriteIds: number[] = [];
  for (const record of log.writes) {
    if (record.submittedAt > crashPoint) break;
    if (record.durableAt !== undefined && record.durableAt <= crashPoint) durableWriteIds.push(record.writeId);
    else pendingWriteIds.push(record.writeId);
  }
  return { crashPoint, durableWriteIds, pendingWriteIds };
}

/**
 * What the media holds after a crash at `crashPoint` when exactly the pending
 * writes in `survivingPendingIds` reached it (and, for `tear`, only some of
 * its sectors). Writes land in completion order, then the writes still in
 * flight in submission order: completion order is the order in which reads
 * saw the data, so an image where everything survives equals what the device
 * showed, and a durable FUA write is never overtaken by an older cached write
 * that completed before it. Neither the log nor `initial` is changed.
 */
export function buildCrashImage(
  log: WriteLogView,
  initial: ContentView,
  crashPoint: number,
  survivingPendingIds: ReadonlySet<number>,
  tear?: Tear,
): ContentStore {
  return buildCrashImageFrom(log, { crashPoint, image: initial, start: NO_SKIP }, crashPoint, survivingPendingIds, tear);
}

/** An image of a crash point with the writes before `start` already landed (see durablePrefix): what every image of the point starts from. */
export interface ImagePrefix {
  readonly crashPoint: number;
  readonly image: ContentView;
  readonly start: LandingStart;
}

/** buildCrashImage from a prefix of its crash point (its image is not changed): the same image, without landing the prefix again. */
export function buildCrashImageFrom(log: WriteLogView, prefix: ImagePrefix, crashPoint: number, survivingPendingIds: ReadonlySet<number>, tear?: Tear): ContentStore {
  checkSurvivors(log, crashPoint, survivingPendingIds, tear);
  const image = prefix.image.clone();
  forEachLanding(
    log,
    crashPoint,
    survivingPendingIds,
    (record) => {
      if (tear !== undefined && tear.writeId === record.writeId) landTorn(image, record, tear, log.sectorSizeBytes);
      else image.write(record.offsetBytes, record.payload);
    },
    prefix.start,
  );
  return image;
}

/** The writes that land first in every image of a crash point, landed on a copy of `initial`. */
export function durablePrefix(log: WriteLogView, initial: ContentView, crashPoint: number, earlier?: ImagePrefix): ImagePrefix {
  checkCrashPoint(log, crashPoint);
  // An earlier point's prefix is a prefix of this one's (durability only grows): continue from it.
  const from = earlier !== undefined && earlier.crashPoint <= crashPoint ? earlier : undefined;
  const start = landingStartAt(log, crashPoint, from?.start);
  const image = (from?.image ?? initial).clone();
  for (let rank = from?.start.completionRank ?? 0; rank < start.completionRank; rank++) {
    const record = log.write(log.completions[rank]!);
    image.write(record.offsetBytes, record.payload);
  }
  return { crashPoint, image, start };
}

/** Throws unless the surviving writes are pending at the crash point and the tear is one of them with valid sectors. */
export function checkSurvivors(log: WriteLogView, crashPoint: number, survivingPendingIds: ReadonlySet<number>, tear: Tear | undefined): void {
  checkCrashPoint(log, crashPoint);
  for (const writeId of survivingPendingIds) {
    const record = log.writes[writeId];
    if (record === undefined || record.submittedAt > crashPoint) throw new Error(`surviving write ${writeId} was not submitted by crash point ${crashPoint}`);
    if (isDurableAt(record, crashPoint)) throw new Error(`surviving write ${writeId} is durable at crash point ${crashPoint}, not pending`);
  }
  if (tear !== undefined) checkTear(log, tear, survivingPendingIds);
}

/**
 * Visits the writes a crash image holds, in the order they land (see
 * buildCrashImage): durable and surviving writes completed by the crash
 * point in completion order, then surviving writes still in flight in
 * submission order. Image builders and keys share it so they cannot disagree.
 */
export function forEachLanding(log: WriteLogView, crashPoint: number, survivingPendingIds: ReadonlySet<number>, land: (record: WriteRecord) => void, from: LandingStart = NO_SKIP): void {
  const { completions, writes } = log;
  // Writes completed by the crash point form a prefix of the completion order.
  for (let rank = from.completionRank; rank < completions.length; rank++) {
    const writeId = completions[rank]!;
    const record = log.write(writeId);
    if ((record.completedAt as number) > crashPoint) break;
    if (isDurableAt(record, crashPoint) || survivingPendingIds.has(writeId)) land(record);
  }
  if (survivingPendingIds.size === 0) return;
  for (let writeId = from.writeId; writeId < writes.length; writeId++) {
    const record = writes[writeId]!;
    if (record.submittedAt > crashPoint) break;
    const inFlight = record.completedAt === undefined || record.completedAt > crashPoint;
    if (inFlight && survivingPendingIds.has(record.writeId)) land(record);
  }
}

/**
 * Where forEachLanding may start at one crash point whatever survives: the
 * completions before `completionRank` are all durable there (they land in
 * every image, so a caller may have landed them already), and the writes
 * before `writeId` all completed by the crash point (none is in flight).
 */
export interface LandingStart {
  readonly completionRank: number;
  readonly writeId: number;
}

const NO_SKIP: LandingStart = { completionRank: 0, writeId: 0 };

/** The furthest LandingStart of a crash point; `earlier`, if given, must be that of a crash point at or before it. */
export function landingStartAt(log: WriteLogView, crashPoint: number, earlier: LandingStart = NO_SKIP): LandingStart {
  // Both only grow with the crash point, so an earlier point's start is a lower bound.
  const { completions, writes } = log;
  let completionRank = earlier.completionRank;
  while (completionRank < completions.length) {
    const record = log.write(completions[completionRank]!);
    if ((record.completedAt as number) > crashPoint || !isDurableAt(record, crashPoint)) break;
    completionRank++;
  }
  let writeId = earlier.writeId;
  while (writeId < writes.length && writes[writeId]!.completedAt !== undefined && writes[writeId]!.completedAt! <= crashPoint) writeId++;
  return { completionRank, writeId };
}

function isDurableAt(record: WriteRecord, crashPoint: number): boolean {
  return record.durableAt !== undefined && record.durableAt <= crashPoint;
}

function checkCrashPoint(log: WriteLogView, crashPoint: number): void {
  if (!Number.isSafeInteger(crashPoint) || crashPoint < 0 || crashPoint > log.length) {
    throw new RangeError(`crash point ${crashPoint} is outside [0, ${log.length}]`);
  }
}

function checkTear(log: WriteLogView, tear: Tear, survivingPendingIds: ReadonlySet<number>): void {
  if (!survivingPendingIds.has(tear.writeId)) throw new Error(`torn write ${tear.writeId} is not among the surviving pending writes`);
  const record = log.write(tear.writeId);
  const sectors = record.payload.lengthBytes / log.sectorSizeBytes;
  let previous = -1;
  for (const sector of tear.keptSectors) {
    if (!Number.isInteger(sector) || sector <= previous || sector >= sectors) {
      throw new Error(`kept sectors of torn write ${tear.writeId} must be increasing integers in [0, ${sectors}), got [${tear.keptSectors.join(", ")}]`);
    }
    previous = sector;
  }
}

/** Lands only the kept sectors of a write, one write per run of consecutive sectors. */
function landTorn(image: ContentStore, record: WriteRecord, tear: Tear, sectorSizeBytes: number): void {
  const kept = tear.keptSectors;
  let i = 0;
  while (i < kept.length) {
    const first = kept[i] as number;
    let last = first;
    while (kept[i + 1] === last + 1) {
      last++;
      i++;
    }
    i++;
    const startBytes = first * sectorSizeBytes;
    image.write(record.offsetBytes + startBytes, record.payload.slice(startBytes, (last - first + 1) * sectorSizeBytes));
  }
}
