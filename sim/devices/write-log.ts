import type { Payload } from "../../io/payload.js";

/**
 * The ordered record of a device's durability-relevant events, from which the
 * crash injector builds what the media may hold after a power loss. A *crash
 * point* k means "the crash happens after the first k entries": 0 is before
 * anything, `length` is after everything.
 */
interface EntryBase {
  /** Position in the log, from 0. */
  readonly index: number;
  readonly timeNs: number;
}

export interface WriteSubmittedEntry extends EntryBase {
  readonly kind: "write-submitted";
  readonly writeId: number;
  readonly offsetBytes: number;
  readonly payload: Payload;
  readonly fua: boolean;
}

export interface WriteCompletedEntry extends EntryBase {
  readonly kind: "write-completed";
  readonly writeId: number;
}

export interface FlushSubmittedEntry extends EntryBase {
  readonly kind: "flush-submitted";
  readonly flushId: number;
}

export interface FlushCompletedEntry extends EntryBase {
  readonly kind: "flush-completed";
  readonly flushId: number;
}

export type LogEntry = WriteSubmittedEntry | WriteCompletedEntry | FlushSubmittedEntry | FlushCompletedEntry;

/**
 * What the log knows about one write, as crash-point thresholds: the write is
 * submitted at every crash point k >= submittedAt, completed at k >=
 * completedAt, durable at k >= durableAt. Undefined means "not yet".
 */
export interface WriteRecord {
  readonly writeId: number;
  readonly offsetBytes: number;
  readonly payload: Payload;
  readonly fua: boolean;
  readonly submittedAt: number;
  readonly completedAt: number | undefined;
  /** Position of this write among completions (0 = completed first). */
  readonly completionRank: number | undefined;
  readonly durableAt: number | undefined;
}

interface MutableWriteRecord {
  writeId: number;
  offsetBytes: number;
  payload: Payload;
  fua: boolean;
  submittedAt: number;
  completedAt: number | undefined;
  completionRank: number | undefined;
  durableAt: number | undefined;
}

export interface WriteLogOptions {
  /** Without a volatile write cache every write is durable when it completes. */
  readonly writeCache: boolean;
  readonly sectorSizeBytes: number;
}

/** Read access to a write log, for crash tooling that must not append to it. */
export interface WriteLogView {
  readonly writeCache: boolean;
  readonly sectorSizeBytes: number;
  /** Number of entries; crash points are 0..length. */
  readonly length: number;
  readonly entries: readonly LogEntry[];
  /** Indexed by write id. */
  readonly writes: readonly WriteRecord[];
  /** Write ids in the order the writes completed. */
  readonly completions: readonly number[];
  write(writeId: number): WriteRecord;
}

/**
 * Appends entries and keeps, per write, when it became submitted, completed
 * and durable, so a crash state needs no replay of the log. Durability rules
 * are those of Linux REQ_PREFLUSH and REQ_FUA: a flush covers exactly the
 * writes that had completed when it was submitted and makes them durable when
 * it completes; a FUA write, or any write without a write cache, is durable
 * when it completes.
 */
export class WriteLog implements WriteLogView {
  readonly writeCache: boolean;
  readonly sectorSizeBytes: number;
  private readonly log: LogEntry[] = [];
  /** Indexed by write id: ids are handed out densely from 0 in submission order. */
  private readonly writeRecords: MutableWriteRecord[] = [];
  /** Write ids in completion order. */
  private readonly completionOrder: number[] = [];
  /** For each submitted flush, how many writes had completed when it was submitted. */
  private readonly flushCoverage = new Map<number, number>();
  /** Completions [0, durablePrefix) in completion order are all covered by a completed flush. */
  private durablePrefix = 0;

  constructor(options: WriteLogOptions) {
    this.writeCache = options.writeCache;
    this.sectorSizeBytes = options.sectorSizeBytes;
  }

  get length(): number {
    return this.log.length;
  }

  get entries(): readonly LogEntry[] {
    return this.log;
  }

  get writes(): readonly WriteRecord[] {
    return this.writeRecords;
  }

  /** Write ids in the order the writes completed. */
  get completions(): readonly number[] {
    return this.completionOrder;
  }

  write(writeId: number): WriteRecord {
    const record = this.writeRecords[writeId];
    if (record === undefined) throw new Error(`write log has no write ${writeId}`);
    return record;
  }

  writeSubmitted(timeNs: number, writeId: number, offsetBytes: number, payload: Payload, fua: boolean): void {
    if (writeId !== this.writeRecords.length) throw new Error(`write ids must be dense and in submission order: expected ${this.writeRecords.length}, got ${writeId}`);
    const index = this.append({ kind: "write-submitted", index: this.log.length, timeNs, writeId, offsetBytes, payload, fua });
    this.writeRecords.push({
      writeId,
      offsetBytes,
      payload,
      fua,
      submittedAt: index + 1,
      completedAt: undefined,
      completionRank: undefined,
      durableAt: undefined,
    });
  }

  writeCompleted(timeNs: number, writeId: number): void {
    const record = this.writeRecords[writeId];
    if (record === undefined || record.completedAt !== undefined) throw new Error(`write ${writeId} completed without being in flight`);
    const index = this.append({ kind: "write-completed", index: this.log.length, timeNs, writeId });
    record.completedAt = index + 1;
    record.completionRank = this.completionOrder.length;
    this.completionOrder.push(writeId);
    if (record.fua || !this.writeCache) record.durableAt = index + 1;
  }

  flushSubmitted(timeNs: number, flushId: number): void {
    if (this.flushCoverage.has(flushId)) throw new Error(`flush ${flushId} submitted twice`);
    this.append({ kind: "flush-submitted", index: this.log.length, timeNs, flushId });
    this.flushCoverage.set(flushId, this.completionOrder.length);
  }

  flushCompleted(timeNs: number, flushId: number): void {
    const coveredCompletions = this.flushCoverage.get(flushId);
    if (coveredCompletions === undefined) throw new Error(`flush ${flushId} completed without being in flight`);
    this.flushCoverage.delete(flushId);
    const index = this.append({ kind: "flush-completed", index: this.log.length, timeNs, flushId });
    // Flushes may complete out of order; one that covers less than an earlier completion adds nothing.
    for (; this.durablePrefix < coveredCompletions; this.durablePrefix++) {
      const record = this.writeRecords[this.completionOrder[this.durablePrefix] as number] as MutableWriteRecord;
      record.durableAt ??= index + 1;
    }
  }

  private append(entry: LogEntry): number {
    const previous = this.log[this.log.length - 1];
    if (previous !== undefined && entry.timeNs < previous.timeNs) throw new Error(`write log time went backwards: ${entry.timeNs} ns after ${previous.timeNs} ns`);
    this.log.push(entry);
    return entry.index;
  }
}
