import type { Payload } from "../../../io/payload.js";
import { unreplacedWrites } from "../../../scenarios/crash/oracle.js";
import { allows, describeToken, originToken, tokensOf, writeToken, type Token } from "../../../scenarios/crash/tokens.js";
import type { SessionAction } from "../../../scenarios/model.js";
import type { HostEventSink, ReadTarget } from "../../../scenarios/runner/host-events.js";

/**
 * What a run's host reads may return, from the host's events alone (never
 * the engine): a Source LU read the last data written to each sector, a
 * Phantom LU read the Source LU as it was when its session started. Events are
 * ordered by when the host saw them (a counter, not simulated time: on
 * instant devices everything happens at one instant), and whatever overlaps a
 * read in that order may or may not be in it, sector by sector, as the crash
 * oracle's register rule (unreplacedWrites) says. A rollback is a write of
 * every sector with its session's point in time; session operations take the
 * engine's gate alone, so each is one atomic step somewhere between its
 * submission and its acknowledgement.
 */

const NEVER = Number.POSITIVE_INFINITY;

interface Span {
  readonly submit: number;
  done: number;
}

interface Write extends Span {
  readonly offsetBytes: number;
  readonly lengthBytes: number;
  readonly stamp: number;
}

interface SessionOp extends Span {
  readonly action: SessionAction;
  readonly slot: number;
}

interface Read extends Span {
  readonly target: ReadTarget;
  readonly offsetBytes: number;
  readonly lengthBytes: number;
  data: Payload | undefined;
}

/** A value of a sector: one token, or (a rollback) the point in time of a session start, a set of tokens. */
type Writer = { readonly span: Span; readonly write: Write } | { readonly span: Span; readonly rollback: SessionOp };

export class DataOracle implements HostEventSink {
  private clock = 0;
  readonly writes: Write[] = [];
  readonly sessionOps: SessionOp[] = [];
  readonly reads: Read[] = [];
  private readonly writesBySector = new Map<number, number[]>();
  private readonly phantomMemo = new Map<SessionOp, Map<number, readonly Token[]>>();
  private readonly computing = new Set<SessionOp>();
  private readonly maxDoneBySector = new Map<number, Float64Array>();

  constructor(readonly sectorBytes: number) {}

  formatted(): void {}
  writeSubmitted(offsetBytes: number, lengthBytes: number, stamp: number): number {
    this.writes.push({ offsetBytes, lengthBytes, stamp, submit: this.clock++, done: NEVER });
    const index = this.writes.length - 1;
    for (let sector = offsetBytes / this.sectorBytes; sector < (offsetBytes + lengthBytes) / this.sectorBytes; sector++) {
      let list = this.writesBySector.get(sector);
      if (list === undefined) this.writesBySector.set(sector, (list = []));
      list.push(index);
    }
    return index;
  }
  writeAcked(id: number): void {
    this.writes[id]!.done = this.clock++;
  }
  flushSubmitted(): number {
    return this.clock++;
  }
  flushAcked(): void {
    this.clock++;
  }
  sessionSubmitted(action: SessionAction, slot: number): number {
    this.sessionOps.push({ action, slot, submit: this.clock++, done: NEVER });
    return this.sessionOps.length - 1;
  }
  /** Only operations that succeeded are acknowledged; one that failed (no live session) changed nothing. */
  sessionAcked(id: number): void {
    this.sessionOps[id]!.done = this.clock++;
  }
  readSubmitted(target: ReadTarget, offsetBytes: number, lengthBytes: number): number {
    this.reads.push({ target, offsetBytes, lengthBytes, submit: this.clock++, done: NEVER, data: undefined });
    return this.reads.length - 1;
  }
  readDone(id: number, data: Payload | undefined): void {
    const read = this.reads[id]!;
    read.done = this.clock++;
    read.data = data;
  }

  /** Every read that returned data, checked (once the run is over); the first sector that holds what it may not is described, else undefined. */
  firstViolation(): string | undefined {
    for (const read of this.reads) {
      if (read.data === undefined) continue;
      const tokens = tokensOf(read.data, this.sectorBytes);
      const first = read.offsetBytes / this.sectorBytes;
      if (tokens.length !== read.lengthBytes / this.sectorBytes) return `${describeRead(read)} returned ${read.data.lengthBytes} bytes`;
      for (let i = 0; i < tokens.length; i++) {
        const allowed = this.allowedForRead(read, first + i);
        if (!allows(allowed, tokens[i]!)) {
          return `${describeRead(read)}: sector ${first + i} holds ${describeToken(tokens[i]!)}, expected one of [${allowed.map(describeToken).join("; ")}]`;
        }
      }
    }
    return undefined;
  }

  /** How many reads returned data (so a property can tell the oracle judged something). */
  get readsWithData(): number {
    return this.reads.filter((read) => read.data !== undefined).length;
  }

  private allowedForRead(read: Read, sector: number): readonly Token[] {
    if (read.target.kind === "source") return this.allowedSource(sector, read);
    const allowed = new Set<Token>();
    for (const start of this.startsServing(read.target.slot, read)) for (const token of this.allowedPhantom(start, sector)) allowed.add(token);
    return [...allowed];
  }

  /**
   * The session starts (and replaces) of `slot` an operation spanning `span`
   * may see: the last one done before it was submitted, and any that overlaps it.
   */
  private startsServing(slot: number, span: Span): SessionOp[] {
    const starts = this.sessionOps.filter((op) => op.slot === slot && (op.action === "start" || op.action === "replace") && op.done !== NEVER);
    const before = starts.filter((op) => op.done < span.submit);
    const latest = before.reduce<SessionOp | undefined>((last, op) => (last === undefined || op.done > last.done ? op : last), undefined);
    return [...(latest === undefined ? [] : [latest]), ...starts.filter((op) => op.done > span.submit && op.submit < span.done)];
  }

  /**
   * The host writes of `sector` that unreplacedWrites may keep for `span`,
   * and the latest-submitted one done before it began (which replaces those
   * done before its submission): a hot sector has thousands of writes, and
   * asking about each of them for each read of it took minutes a scenario.
   * Writes are listed in submission order; from the end of those submitted
   * before the span ends, back to that settled write and on while an earlier
   * write may still have been in flight when it was submitted.
   */
  private recentWrites(sector: number, span: Span): number[] {
    const list = this.writesBySector.get(sector);
    if (list === undefined) return [];
    let maxDone = this.maxDoneBySector.get(sector);
    if (maxDone === undefined || maxDone.length !== list.length) {
      // Up to each write, the latest acknowledgement of it and those before it (every acknowledgement is in by now).
      maxDone = new Float64Array(list.length);
      list.forEach((index, i) => (maxDone![i] = Math.max(i === 0 ? -1 : maxDone![i - 1]!, this.writes[index]!.done)));
      this.maxDoneBySector.set(sector, maxDone);
    }
    let end = 0;
    for (let high = list.length; end < high; ) {
      const middle = (end + high) >>> 1;
      if (this.writes[list[middle]!]!.submit < span.done) end = middle + 1;
      else high = middle;
    }
    const out: number[] = [];
    let settledSubmit = Number.NEGATIVE_INFINITY;
    for (let i = end - 1; i >= 0; i--) {
      if (settledSubmit !== Number.NEGATIVE_INFINITY && maxDone[i]! < settledSubmit) break;
      const write = this.writes[list[i]!]!;
      out.push(list[i]!);
      if (settledSubmit === Number.NEGATIVE_INFINITY && write.done < span.submit) settledSubmit = write.submit;
    }
    return out.reverse();
  }

  /** The session's point in time: the Source LU as a read spanning its start would see it. */
  private allowedPhantom(start: SessionOp, sector: number): readonly Token[] {
    let bySector = this.phantomMemo.get(start);
    if (bySector === undefined) this.phantomMemo.set(start, (bySector = new Map()));
    let allowed = bySector.get(sector);
    if (allowed !== undefined) return allowed;
    // A rollback that overlaps this start may come before it, and then restores some other session: while this
    // point in time is worked out, this start is no rollback's target (and the recursion ends).
    if (this.computing.has(start)) return [];
    this.computing.add(start);
    try {
      bySector.set(sector, (allowed = this.allowedSource(sector, start)));
    } finally {
      this.computing.delete(start);
    }
    return allowed;
  }

  /** What the Source LU's `sector` may hold to something spanning `span`: every writer not surely replaced before it began. */
  private allowedSource(sector: number, span: Span): readonly Token[] {
    const writers: Writer[] = [];
    for (const index of this.recentWrites(sector, span)) writers.push({ span: this.writes[index]!, write: this.writes[index]! });
    for (const op of this.sessionOps) if (op.action === "rollback" && op.done !== NEVER) writers.push({ span: op, rollback: op });
    const spans = writers.map((writer) => ({ submitPoint: writer.span.submit, ackPoint: writer.span.done }));
    const candidates = spans.flatMap((writer, index) => (writer.submitPoint < span.done ? [index] : []));
    const { anySettled, kept } = unreplacedWrites(spans, candidates, (index) => spans[index]!.ackPoint < span.submit);
    const allowed = new Set<Token>(anySettled ? [] : [originToken(sector)]);
    for (const index of kept) {
      const writer = writers[index]!;
      if ("write" in writer) allowed.add(writeToken(writer.write.stamp, sector - writer.write.offsetBytes / this.sectorBytes));
      else for (const start of this.startsServing(writer.rollback.slot, writer.rollback)) for (const token of this.allowedPhantom(start, sector)) allowed.add(token);
    }
    return [...allowed];
  }
}

function describeRead(read: Read): string {
  const what = read.target.kind === "source" ? "Source LU" : `Phantom LU of slot ${read.target.slot}`;
  return `read of the ${what} at ${read.offsetBytes} (${read.lengthBytes} bytes, events ${read.submit}..${read.done})`;
}
