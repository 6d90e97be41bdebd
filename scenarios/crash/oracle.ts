import { AllowedBySector } from "./allowed-by-sector.js";
import { originToken, writeToken, type Token } from "./tokens.js";
import { startsSession } from "../session-starts.js";
import type { LoggedSessionOp, LoggedWrite } from "./host-log.js";
import type { Recording } from "./record.js";

interface SourceTimeline {
  readonly breakpoints: readonly number[];
  readonly allowed: readonly Token[][];
}

/** When something that changes the Source LU was submitted and acknowledged (NEVER: not acknowledged). */
interface WriterSpan {
  readonly submitPoint: number;
  readonly ackPoint: number;
}

/**
 * What the host may read after a crash, from the host's log alone (never
 * from the engine). A write is durable from the acknowledgement of the first
 * barrier (host flush, session start, or rollback: each flushes the Source
 * LU) submitted after the write was acknowledged.
 *
 * A rollback is a write of every sector with its session's point in time,
 * durable when acknowledged (it flushes the Source LU last); it takes the
 * engine's gate alone, but a crash during it may find any of its chunk
 * writes done or not, sector by sector, as for any write in flight.
 */
export class CrashOracle {
  readonly sectorBytes: number;
  /** Per Source LU sector: indices into the host log's writes that touch it, in submission order. */
  private readonly writesBySector = new Map<number, number[]>();
  /** The host writes, then the rollbacks: what changes the Source LU, indexed as the lists of writers below. */
  private readonly writers: readonly WriterSpan[];
  /** The rollbacks, writers from index host.writes.length on. */
  private readonly rollbacks: readonly LoggedSessionOp[];
  /** The rollbacks' writer indices: every sector's writers besides its own writes. */
  private readonly rollbackWriters: readonly number[];
  /** Per writer: the crash point from which it is durable. */
  private readonly durableAt: number[];
  /** Session starts whose point in time is being worked out (see allowedPhantom). */
  private readonly computingPhantoms = new Set<LoggedSessionOp>();
  /** Those of them the work in progress came back to, and was cut short at. */
  private blockedPhantoms = new Set<LoggedSessionOp>();
  readonly touchedChunks: number[];
  /** Sectors per chunk: touched chunk i's sectors are entries i * chunkSectors.. of the per-chunk-sector lists below. */
  readonly chunkSectors: number;
  private readonly phantomCache = new Map<LoggedSessionOp, Map<number, Token[]>>();
  private readonly phantomByChunkSector = new Map<LoggedSessionOp, AllowedBySector>();
  private readonly sourceTimelines = new Map<number, SourceTimeline>();
  /** allowedSourceAt's last answer: a campaign checks one crash point's states one after another. */
  private sourceAtPoint: { readonly point: number; readonly allowed: AllowedBySector } | undefined;
  private sourceChanges: { readonly points: number[]; readonly flatIndices: number[][] } | undefined;

  constructor(readonly recording: Recording) {
    this.sectorBytes = recording.source.sectorSizeBytes;
    const host = recording.host;
    this.rollbacks = host.sessionOps.filter((op) => op.action === "rollback");
    this.writers = [...host.writes, ...this.rollbacks];
    this.rollbackWriters = this.rollbacks.map((_, i) => host.writes.length + i);
    const barriers = [...host.flushes, ...host.sessionOps.filter((op) => startsSession(op) || op.action === "rollback")].sort((a, b) => a.submitPoint - b.submitPoint);
    this.durableAt = [
      ...host.writes.map((write) => {
        let at = Number.POSITIVE_INFINITY;
        for (const barrier of barriers) if (barrier.submitPoint >= write.ackPoint && barrier.ackPoint < at) at = barrier.ackPoint;
        return at;
      }),
      ...this.rollbacks.map((rollback) => rollback.ackPoint),
    ];
    const chunkBytes = recording.scenario.engine.chunkSizeBytes;
    const chunks = new Set<number>();
    host.writes.forEach((write, index) => {
      const first = write.offsetBytes / this.sectorBytes;
      for (let s = first; s < first + write.lengthBytes / this.sectorBytes; s++) {
        let list = this.writesBySector.get(s);
        if (list === undefined) this.writesBySector.set(s, (list = []));
        list.push(index);
      }
      for (let c = Math.floor(write.offsetBytes / chunkBytes); c <= Math.floor((write.offsetBytes + write.lengthBytes - 1) / chunkBytes); c++) chunks.add(c);
    });
    this.touchedChunks = [...chunks].sort((a, b) => a - b);
    this.chunkSectors = chunkBytes / this.sectorBytes;
  }

  /**
   * The crash points at which some answer of allowedSource changes: the
   * breakpoints of the touched sectors' timelines, which the checks already
   * walk (see sourceChangesByPoint), ascending.
   */
  sourceChangePoints(): readonly number[] {
    return (this.sourceChanges ??= this.sourceChangesByPoint()).points;
  }

  /**
   * allowedSource(sector, point) for every sector of the touched chunks,
   * chunk by chunk (see chunkSectors). Shared: do not change it, and do not
   * keep it past the next call with another point, which updates this same
   * list in place (a copy per crash state, of a list of millions of sectors,
   * took the quickstart's 100 sampled states from 23.3 s to 25.3 s).
   */
  allowedSourceAt(point: number): AllowedBySector {
    const previous = this.sourceAtPoint;
    if (previous?.point === point) return previous.allowed;
    let allowed: AllowedBySector;
    if (previous !== undefined) {
      // Only the sectors whose answer changes between the two points are worked out again, forward or back: a
      // sector's answer changes only at its breakpoints, so one with none in (lower point, higher point] keeps it.
      // Sampled crash states come in random order, and rebuilding the list for every sector of every touched chunk
      // at each step back was half of a sampled campaign's time (the quickstart: 0.35 s a state, now 0.24 s).
      allowed = previous.allowed;
      const { points, flatIndices } = (this.sourceChanges ??= this.sourceChangesByPoint());
      const lower = Math.min(previous.point, point);
      const higher = Math.max(previous.point, point);
      for (let i = upperBound(points, lower); i < points.length && points[i]! <= higher; i++) {
        for (const flat of flatIndices[i]!) allowed.set(flat, this.allowedSource(this.sectorOfFlat(flat), point));
      }
    } else {
      allowed = this.byChunkSector((sector) => this.allowedSource(sector, point));
    }
    this.sourceAtPoint = { point, allowed };
    return allowed;
  }

  /** The crash points at which some touched sector's allowedSource changes, ascending, each with those sectors (as indices into allowedSourceAt's list). */
  private sourceChangesByPoint(): { readonly points: number[]; readonly flatIndices: number[][] } {
    const byPoint = new Map<number, number[]>();
    for (let flat = 0; flat < this.touchedChunks.length * this.chunkSectors; flat++) {
      const sector = this.sectorOfFlat(flat);
      if (this.neverWritten(sector)) continue;
      for (const point of this.timelineOf(sector).breakpoints) {
        let list = byPoint.get(point);
        if (list === undefined) byPoint.set(point, (list = []));
        list.push(flat);
      }
    }
    const points = [...byPoint.keys()].sort((a, b) => a - b);
    return { points, flatIndices: points.map((point) => byPoint.get(point)!) };
  }

  private sectorOfFlat(flat: number): number {
    return this.touchedChunks[Math.floor(flat / this.chunkSectors)]! * this.chunkSectors + (flat % this.chunkSectors);
  }

  /** allowedPhantom(start, sector) for every sector of the touched chunks, chunk by chunk (see chunkSectors). Shared: do not change it. */
  allowedPhantomAll(start: LoggedSessionOp): AllowedBySector {
    let allowed = this.phantomByChunkSector.get(start);
    if (allowed === undefined) this.phantomByChunkSector.set(start, (allowed = this.byChunkSector((sector) => this.allowedPhantom(start, sector))));
    return allowed;
  }

  private byChunkSector(allowed: (sector: number) => readonly Token[]): AllowedBySector {
    return new AllowedBySector(this.touchedChunks.length * this.chunkSectors, (flat) => allowed(this.sectorOfFlat(flat)));
  }

  private tokenOf(write: LoggedWrite, sector: number): Token {
    return writeToken(write.stamp, sector - write.offsetBytes / this.sectorBytes);
  }

  /**
   * Whether nothing ever writes the sector (no host write, and no rollback,
   * which writes every sector): it holds its original contents at every point
   * and for every session. Most sectors of the touched chunks are such (the
   * quickstart's chunks are 128 sectors, its writes 8), and the answers kept
   * per sector for them were most of a campaign's heap.
   */
  private neverWritten(sector: number): boolean {
    return this.rollbackWriters.length === 0 && !this.writesBySector.has(sector);
  }

  /** The writers of a sector: its host writes in submission order, then every rollback. */
  private writersOf(sector: number): readonly number[] {
    const writes = this.writesBySector.get(sector) ?? [];
    return this.rollbackWriters.length === 0 ? writes : [...writes, ...this.rollbackWriters];
  }

  /**
   * Invariant 2: the last durable value or a later one. A write's value is
   * ruled out once a write to the same sector submitted after it was acknowledged is durable.
   * The answer changes only at the crash points where a write to the sector
   * is submitted or becomes durable, so it is worked out once per such
   * interval and sector, not once per crash state (it was half of what the
   * checker allocated). The returned list is shared: do not change it.
   */
  allowedSource(sector: number, point: number): readonly Token[] {
    if (this.neverWritten(sector)) return [originToken(sector)];
    // The interval after the last breakpoint at or before the point (allowed[0]: before the first one).
    const { breakpoints, allowed } = this.timelineOf(sector);
    return allowed[upperBound(breakpoints, point)]!;
  }

  private timelineOf(sector: number): SourceTimeline {
    let timeline = this.sourceTimelines.get(sector);
    if (timeline === undefined) this.sourceTimelines.set(sector, (timeline = this.sourceTimeline(sector)));
    return timeline;
  }

  /**
   * allowedSource per interval between the points where its answer may
   * change: allowed[k] holds from breakpoints[k - 1] (inclusive) up to
   * breakpoints[k].
   *
   * Swept through the breakpoints in order rather than worked out from the
   * definition at each (allowedSourceUncached, which the tests hold every
   * answer to): that is linear in the sector's writes at each of its ~2 per
   * write breakpoints, and a zipf workload's hottest sectors have thousands
   * (the quickstart's campaign spent 1.7 s here before its first state). A
   * write is settled once durable (durableAt is never before its submission,
   * so a settled write is a candidate); the latest submission among the
   * settled ones only grows, so a candidate it replaces stays replaced, and
   * the candidates still kept are few: those in flight or not yet durable.
   */
  private sourceTimeline(sector: number): SourceTimeline {
    const writers = this.writersOf(sector);
    const changes = new Set<number>();
    for (const i of writers) {
      changes.add(this.writers[i]!.submitPoint);
      if (Number.isFinite(this.durableAt[i]!)) changes.add(this.durableAt[i]!);
    }
    const breakpoints = [...changes].sort((a, b) => a - b);
    // Positions in `writers`, which is the order the definition lists a sector's allowed contents in.
    const positions = writers.map((_, position) => position);
    const bySubmission = [...positions].sort((a, b) => this.writers[writers[a]!]!.submitPoint - this.writers[writers[b]!]!.submitPoint);
    const byDurability = positions.filter((position) => Number.isFinite(this.durableAt[writers[position]!]!)).sort((a, b) => this.durableAt[writers[a]!]! - this.durableAt[writers[b]!]!);
    let submitted = 0;
    let durable = 0;
    let anySettled = false;
    let lastSettledSubmitPoint = Number.NEGATIVE_INFINITY;
    let kept: number[] = [];
    const allowed: Token[][] = [this.allowedFrom(sector, false, [])];
    for (const point of breakpoints) {
      const before = kept.length;
      for (; submitted < bySubmission.length && this.writers[writers[bySubmission[submitted]!]!]!.submitPoint <= point; submitted++) kept.push(bySubmission[submitted]!);
      if (kept.length > before) kept.sort((a, b) => a - b);
      for (; durable < byDurability.length && this.durableAt[writers[byDurability[durable]!]!]! <= point; durable++) {
        anySettled = true;
        lastSettledSubmitPoint = Math.max(lastSettledSubmitPoint, this.writers[writers[byDurability[durable]!]!]!.submitPoint);
      }
      kept = kept.filter((position) => lastSettledSubmitPoint < this.writers[writers[position]!]!.ackPoint);
      allowed.push(this.allowedFrom(sector, anySettled, kept.map((position) => writers[position]!)));
    }
    return { breakpoints, allowed };
  }

  /** allowedSource straight from its definition, every time (what the timeline is built from; tests compare the two). */
  allowedSourceUncached(sector: number, point: number): Token[] {
    const list = this.writersOf(sector).filter((i) => this.writers[i]!.submitPoint <= point);
    return this.allowedAmong(sector, list, (i) => this.durableAt[i]! <= point);
  }

  /**
   * What a sector may hold given the writes to it that may have landed
   * (`candidates`) and which of them surely did (`settled`): the original
   * contents while none is settled, and every candidate except those a
   * settled write submitted after their acknowledgement replaces.
   */
  private allowedAmong(sector: number, candidates: readonly number[], settled: (writer: number) => boolean): Token[] {
    const { anySettled, kept } = unreplacedWrites(this.writers, candidates, settled);
    return this.allowedFrom(sector, anySettled, kept);
  }

  /** What a sector may hold: the original contents unless some write to it is settled, and what each writer in `kept` (in their order) leaves. */
  private allowedFrom(sector: number, anySettled: boolean, kept: readonly number[]): Token[] {
    const writes = this.recording.host.writes;
    const allowed: Token[] = anySettled ? [] : [originToken(sector)];
    for (const i of kept) {
      if (i < writes.length) {
        allowed.push(this.tokenOf(writes[i]!, sector));
        continue;
      }
      const rollback = this.rollbacks[i - writes.length]!;
      for (const start of this.startsServing(rollback)) {
        for (const token of this.allowedPhantom(start, sector)) if (!allowed.includes(token)) allowed.push(token);
      }
    }
    return allowed;
  }

  /**
   * The session starts (and replaces) of a rollback's slot whose point in
   * time it may restore: the latest acknowledged before it was submitted (by
   * sequence number: crash points may not order two), and any acknowledged
   * while it was in flight.
   */
  private startsServing(rollback: LoggedSessionOp): LoggedSessionOp[] {
    const starts = this.recording.host.sessionOps.filter((op) => op.slot === rollback.slot && startsSession(op) && op.sequence !== undefined);
    const latest = starts.filter((op) => op.ackPoint < rollback.submitPoint).reduce<LoggedSessionOp | undefined>((last, op) => (last === undefined || op.sequence! > last.sequence! ? op : last), undefined);
    return [...(latest === undefined ? [] : [latest]), ...starts.filter((op) => op.ackPoint >= rollback.submitPoint && op.submitPoint <= rollback.ackPoint)];
  }

  /**
   * Invariant 1: a session reads the Source LU as of its start: a write
   * acknowledged before the start was submitted is in it unless a later such
   * write covers it; a write in flight across the start may be in it or not.
   */
  allowedPhantom(start: LoggedSessionOp, sector: number): Token[] {
    if (this.neverWritten(sector)) return [originToken(sector)];
    // A session's point in time does not depend on the crash point: worked out once per sector, not once per crash state.
    let bySector = this.phantomCache.get(start);
    if (bySector === undefined) this.phantomCache.set(start, (bySector = new Map()));
    const cached = bySector.get(sector);
    if (cached !== undefined) return cached;
    // A rollback in flight across this start is a candidate writer of its point in time, and the session it may
    // restore can have rollbacks in flight across its own start: working this out can come back to this start. That
    // path is a rollback that took effect both before and after it, which cannot be, and adds nothing. An answer
    // worked out while some other start's path was cut short may lack what that start adds: it is not kept.
    if (this.computingPhantoms.has(start)) {
      this.blockedPhantoms.add(start);
      return [];
    }
    const outer = this.blockedPhantoms;
    this.blockedPhantoms = new Set();
    this.computingPhantoms.add(start);
    try {
      const allowed = this.computeAllowedPhantom(start, sector);
      this.blockedPhantoms.delete(start);
      if (this.blockedPhantoms.size === 0) bySector.set(sector, allowed);
      return allowed;
    } finally {
      this.computingPhantoms.delete(start);
      for (const blocked of this.blockedPhantoms) outer.add(blocked);
      this.blockedPhantoms = outer;
    }
  }

  private computeAllowedPhantom(start: LoggedSessionOp, sector: number): Token[] {
    const list = this.writersOf(sector).filter((i) => this.writers[i]!.submitPoint < start.ackPoint);
    return this.allowedAmong(sector, list, (i) => this.writers[i]!.ackPoint <= start.submitPoint);
  }
}

/**
 * Of `candidates` (indices into `writes`), those that no settled candidate
 * replaces, in their order, and whether any candidate is settled. A settled
 * write replaces a write acknowledged at or before its own submission: so a
 * candidate is replaced exactly when the latest-submitted settled write is
 * submitted at or after its acknowledgement. One pass finds that write and
 * one keeps the candidates; asking every settled write about every
 * candidate made a sector's timeline cubic in its writes, and a zipf
 * workload's hot sectors have thousands (the quickstart's crash campaign
 * spent 70% of its time there, 10 s a crash state).
 */
export function unreplacedWrites(
  writes: ReadonlyArray<{ readonly submitPoint: number; readonly ackPoint: number }>,
  candidates: readonly number[],
  settled: (write: number) => boolean,
): { readonly anySettled: boolean; readonly kept: number[] } {
  let anySettled = false;
  let lastSettledSubmitPoint = Number.NEGATIVE_INFINITY;
  for (const d of candidates) {
    if (!settled(d)) continue;
    anySettled = true;
    lastSettledSubmitPoint = Math.max(lastSettledSubmitPoint, writes[d]!.submitPoint);
  }
  return { anySettled, kept: candidates.filter((i) => lastSettledSubmitPoint < writes[i]!.ackPoint) };
}

/** The index of the first value above `value` in an ascending list. */
export function upperBound(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}
