import type { BlockDevice } from "../io/block-device.js";
import { all, callStep, waitFor, type Coroutine, type Step } from "../io/coroutine.js";
import { IntegerObjectMap } from "../io/integer-object-map.js";
import { concatPayloads, type Payload } from "../io/payload.js";
import { Signal } from "../io/signal.js";
import { ChunkMap } from "./chunk-map.js";
import { ChunkWrite, type ChunkWriteContext } from "./chunk-write.js";
import { ChunkState, ChunkTable } from "./chunk-table.js";
import { zeroCounters, type EngineCounters } from "./counters.js";
import { DeviceIo } from "./device-io.js";
import { EngineUsageError, assert } from "./errors.js";
import { Gate } from "./gate.js";
import { Metadata } from "./metadata.js";
import { prefetchSink } from "../io/prefetch-sink.js";
import type { DlmMetadata, SlotEndReason } from "./on-disk/codec.js";
import { SESSION_SLOTS, cofwChunkOffsetBytes, sourceChunkLengthBytes, type Layout } from "./on-disk/layout.js";
import type { CommitPolicy } from "./policies/commit-policy.js";
import type { Sessions } from "./sessions.js";
import { StraightSourceWrites } from "./straight-writes.js";
import { isMultipleOf } from "../io/multiple-of.js";

export interface SessionInfo {
  readonly slot: number;
  readonly sequence: number;
  readonly state: "free" | "active";
  readonly endReason: SlotEndReason;
}

/** A session as the engine names it: the slot it lives in and the sequence number it started with. */
export interface SessionRef {
  readonly slot: number;
  readonly sequence: number;
}

/**
 * Told of the sessions a full Cache LU ends, which nobody asked for, when
 * their termination begins (a copy found no free chunk); the function it
 * returns is called once the termination is durable (the new slot table is
 * on the Cache LU). The engine keeps no clock, so a listener that wants
 * times reads its own.
 */
export type TerminationListener = (sessions: readonly SessionRef[]) => () => void;

/** What a mounted engine is made of; built by format or by recovery. */
export interface EngineParts {
  readonly layout: Layout;
  readonly io: DeviceIo;
  readonly chunks: ChunkTable;
  readonly map: ChunkMap;
  readonly sessions: Sessions;
  readonly metadata: Metadata;
  readonly policy: CommitPolicy;
}

/**
 * The COFW engine. Every operation is a coroutine that yields I/O steps, so
 * the simulator and the real asynchronous driver run this same code. Host
 * I/O runs concurrently; session operations run alone (see Gate).
 */
export class CofwEngine {
  readonly layout: Layout;
  readonly counters: EngineCounters;
  private readonly io: DeviceIo;
  private readonly chunks: ChunkTable;
  private readonly map: ChunkMap;
  private readonly sessions: Sessions;
  private readonly metadata: Metadata;
  private readonly policy: CommitPolicy;
  private readonly gate = new Gate();
  /** Source chunks whose copy is being made; a second writer waits for it. */
  private readonly copying = new IntegerObjectMap<Signal>();
  /** One map entry's on-disk words, for assertConsistent's checks slot by slot. */
  private readonly entryScratch = new Uint32Array(SESSION_SLOTS);
  /** Phantom reads in flight against the Source LU, per source chunk. */
  private readonly phantomSourceReads = new IntegerObjectMap<{ count: number; done: Signal }>();
  /** Cache-full terminations in flight, per slot. */
  private readonly terminating = new Map<number, Signal>();
  private slotCommitBusy: Signal | undefined;
  /** Who hears of cache-full terminations (see TerminationListener). */
  terminationListener: TerminationListener | undefined;
  /** prefetch()'s chunk numbers. */
  private prefetchChunks = new Float64Array(0);
  private mounted = true;
  /** Where hostWriteStep's straight writes go: the Source LU, leaving the gate and counted as they complete. */
  private readonly straightWrites: StraightSourceWrites;
  /** What this engine's ChunkWrites work on. */
  private readonly chunkWrites: ChunkWriteContext;

  constructor(parts: EngineParts) {
    this.layout = parts.layout;
    this.io = parts.io;
    this.counters = parts.io.counters;
    this.chunks = parts.chunks;
    this.map = parts.map;
    this.sessions = parts.sessions;
    this.metadata = parts.metadata;
    this.policy = parts.policy;
    this.counters.chunksInUse = this.chunks.inUse;
    this.straightWrites = new StraightSourceWrites(parts.io.source, this.gate, this.counters);
    this.chunkWrites = {
      layout: this.layout,
      io: this.io,
      counters: this.counters,
      chunks: this.chunks,
      metadata: this.metadata,
      policy: this.policy,
      gate: this.gate,
      sessions: this.sessions,
      copying: this.copying,
      phantomSourceReads: this.phantomSourceReads,
      uncoveredMask: (sourceChunk) => this.uncoveredMask(sourceChunk),
      terminateForCacheFull: (mask) => this.terminateForCacheFull(mask),
      waitForPhantomSourceReads: (sourceChunk) => this.waitForPhantomSourceReads(sourceChunk),
    };
  }

  static assemble(layout: Layout, source: BlockDevice, cache: BlockDevice, sessions: Sessions, policy: CommitPolicy, counters: EngineCounters = zeroCounters()): EngineParts {
    const io = new DeviceIo(source, cache, counters, layout.geometry.sectorSizeBytes);
    const chunks = new ChunkTable(layout);
    const map = new ChunkMap(layout.entriesPerMapSector, layout.sourceChunkCount);
    const metadata = new Metadata(layout, io, chunks, map, sessions);
    return { layout, io, chunks, map, sessions, metadata, policy };
  }

  get policyName(): string {
    return this.policy.name;
  }

  sessionList(): SessionInfo[] {
    return this.sessions.slots.map((slot, index) => ({ slot: index, ...slot }));
  }

  // ---- host I/O ---------------------------------------------------------------

  *hostWrite(offsetBytes: number, payload: Payload): Coroutine {
    this.checkSourceRange("host write", offsetBytes, payload.lengthBytes);
    if (!this.gate.tryEnterShared()) yield* this.gate.enterShared();
    // Called rather than delegated to: its resumptions then skip this generator (see CallStep).
    yield callStep(this.writeInGate(offsetBytes, payload));
  }

  /**
   * A hint that host I/O at the first `count` of these Source LU offsets
   * comes soon (the runner reads its workloads ahead): reads their chunk map
   * groups (the entry a host write looks up, and the map sector a copy
   * encodes, see ChunkMap.touch), and asks the Source LU to read ahead what
   * it will look up for them (BlockDevice.prefetch), all at once. A host
   * write of a random chunk otherwise waits for memory at each of those
   * lookups in turn; read together, the processor overlaps the misses.
   * Changes nothing; offsets outside the Source LU are left out. The Cache
   * LU is not asked: reading ahead its map sectors' places slowed the whole
   * run (docs/performance-log.md, "Reading ahead the map sectors' images").
   */
  prefetch(offsetsBytes: ArrayLike<number>, count: number): void {
    if (this.prefetchChunks.length < count) this.prefetchChunks = new Float64Array(count);
    const chunks = this.prefetchChunks;
    const chunkSizeBytes = this.layout.geometry.chunkSizeBytes;
    const capacityBytes = this.layout.geometry.sourceCapacityBytes;
    let inside = 0;
    for (let i = 0; i < count; i++) {
      const offsetBytes = offsetsBytes[i]!;
      if (offsetBytes >= 0 && offsetBytes < capacityBytes) chunks[inside++] = Math.floor(offsetBytes / chunkSizeBytes);
    }
    prefetchSink.checksum = this.map.touch(chunks, inside);
    this.io.source.prefetch?.(offsetsBytes, count);
  }

  /**
   * A host write as one step for a driver to yield: the write's own I/O step
   * when it can go straight through (one chunk, covered for every live
   * session, no copy of it in progress, no Phantom LU read of the source in
   * flight), a call of one ChunkWrite for any other write of one chunk
   * (a copy to make or wait for, or a phantom read to wait for), else a call
   * of the write's coroutine. The
   * step must be yielded at once, before anything else runs: the gate is
   * entered here, and the checks hold only until then. A covered rewrite
   * then costs no generator at all (hostWrite's costs two, with their
   * creation and resumptions): 5.56k instructions per rewrite in the engine
   * bench before, 4.84k-5.12k after (cachegrind, three builds of this path).
   */
  hostWriteStep(offsetBytes: number, payload: Payload): Step {
    this.checkSourceRange("host write", offsetBytes, payload.lengthBytes);
    if (!this.gate.tryEnterShared()) return callStep(this.hostWrite(offsetBytes, payload));
    const chunkSize = this.layout.geometry.chunkSizeBytes;
    const chunk = Math.floor(offsetBytes / chunkSize);
    if (chunk !== Math.floor((offsetBytes + payload.lengthBytes - 1) / chunkSize)) return callStep(this.writeInGate(offsetBytes, payload));
    const copyInProgress = this.copying.has(chunk);
    const mask = copyInProgress ? -1 : this.uncoveredMask(chunk);
    // One ChunkWrite, which waits for what it must, leaves the gate when done, and starts from the mask read here.
    if (copyInProgress || mask !== 0 || this.phantomSourceReads.size > 0) return callStep(new ChunkWrite(this.chunkWrites, chunk, offsetBytes, payload, mask));
    // The write leaves the gate and is counted as a host write as it completes (see StraightSourceWrites), as
    // writeInGate does after it.
    return this.io.writeStep(this.straightWrites, offsetBytes, payload, false);
  }

  /**
   * A host write whose range was checked and which holds the gate (shared),
   * which it leaves when done: a ChunkWrite per chunk makes it safe to
   * overwrite (one that needs nothing returns at once), then the write.
   */
  private *writeInGate(offsetBytes: number, payload: Payload): Coroutine {
    try {
      const chunkSize = this.layout.geometry.chunkSizeBytes;
      const first = Math.floor(offsetBytes / chunkSize);
      const last = Math.floor((offsetBytes + payload.lengthBytes - 1) / chunkSize);
      if (first === last) {
        // Called rather than delegated to: the copy's own resumptions then skip this generator (see CallStep).
        yield callStep(new ChunkWrite(this.chunkWrites, first));
      } else {
        yield* all(this.range(first, last).map((chunk) => new ChunkWrite(this.chunkWrites, chunk)));
      }
      if (this.phantomSourceReads.size > 0) for (let chunk = first; chunk <= last; chunk++) yield* this.waitForPhantomSourceReads(chunk);
      yield this.io.writeStep(this.io.source, offsetBytes, payload, false);
      this.counters.hostWrites++;
      this.counters.hostBytesWritten += payload.lengthBytes;
    } finally {
      this.gate.leaveShared();
    }
  }

  *hostRead(offsetBytes: number, lengthBytes: number): Coroutine<Payload> {
    this.checkSourceRange("host read", offsetBytes, lengthBytes);
    yield* this.gate.enterShared();
    try {
      const data = yield* this.io.read(this.io.source, offsetBytes, lengthBytes);
      this.counters.hostReads++;
      this.counters.hostBytesRead += lengthBytes;
      return data;
    } finally {
      this.gate.leaveShared();
    }
  }

  /** Makes every acknowledged host write durable. */
  *hostFlush(): Coroutine {
    this.checkMounted();
    yield* this.gate.enterShared();
    try {
      yield* this.io.flush(this.io.source);
      yield* this.policy.onHostFlush(this.metadata);
      this.counters.hostFlushes++;
    } finally {
      this.gate.leaveShared();
    }
  }

  /** Reads the Source LU as it was when the session in `slot` started. */
  *phantomRead(slot: number, offsetBytes: number, lengthBytes: number): Coroutine<Payload> {
    this.sessions.checkSlot(slot);
    this.checkSourceRange("phantom read", offsetBytes, lengthBytes);
    yield* this.gate.enterShared();
    try {
      const sequence = this.sessions.activeSequence(slot);
      if (sequence === undefined) throw new EngineUsageError(`phantom read of slot ${slot}: no live session in it`);
      const [first, last] = this.chunkSpan(offsetBytes, lengthBytes);
      const chunkSize = this.layout.geometry.chunkSizeBytes;
      const pieces = this.range(first, last).map((chunk) => {
        const from = Math.max(offsetBytes, chunk * chunkSize);
        const to = Math.min(offsetBytes + lengthBytes, (chunk + 1) * chunkSize);
        return this.phantomReadPiece(slot, sequence, chunk, from, to - from);
      });
      const data = pieces.length === 1 ? yield* pieces[0]! : concatPayloads(yield* all(pieces));
      this.counters.phantomReads++;
      this.counters.phantomBytesRead += lengthBytes;
      return data;
    } finally {
      this.gate.leaveShared();
    }
  }

  private *phantomReadPiece(slot: number, sequence: number, sourceChunk: number, offsetBytes: number, lengthBytes: number): Coroutine<Payload> {
    for (let inProgress = this.copying.get(sourceChunk); inProgress !== undefined; inProgress = this.copying.get(sourceChunk)) {
      yield* waitFor(inProgress);
      // The copy waited for may have found the Cache LU full and ended this session instead (a termination takes no
      // gate): its data was never saved, and the host write that wanted the copy may already be changing the source.
      if (this.sessions.activeSequence(slot) !== sequence) throw new EngineUsageError(`phantom read of slot ${slot}: its session ended (Cache LU full) while the read waited for a copy`);
    }
    const copy = this.map.copyFor(sourceChunk, slot, sequence);
    if (copy !== undefined) {
      const withinChunk = offsetBytes - sourceChunk * this.layout.geometry.chunkSizeBytes;
      return yield* this.io.read(this.io.cache, cofwChunkOffsetBytes(this.layout, copy) + withinChunk, lengthBytes);
    }
    // No copy: the source still holds this session's data. A host write that
    // would change it must first copy it, and then wait for this read.
    let readers = this.phantomSourceReads.get(sourceChunk);
    if (readers === undefined) {
      readers = { count: 0, done: new Signal() };
      this.phantomSourceReads.set(sourceChunk, readers);
    }
    readers.count++;
    try {
      return yield* this.io.read(this.io.source, offsetBytes, lengthBytes);
    } finally {
      if (--readers.count === 0) {
        this.phantomSourceReads.delete(sourceChunk);
        readers.done.fire();
      }
    }
  }

  private *waitForPhantomSourceReads(sourceChunk: number): Coroutine {
    for (let readers = this.phantomSourceReads.get(sourceChunk); readers !== undefined; readers = this.phantomSourceReads.get(sourceChunk)) {
      yield* waitFor(readers.done);
    }
  }

  // ---- copy on first write ------------------------------------------------------

  /** Slots with a live session that has no copy of this chunk yet. */
  private uncoveredMask(sourceChunk: number): number {
    // Covered: an entry for the slot made for its live session (see ChunkMap).
    return this.map.uncoveredSlots(sourceChunk, this.sessions.liveSequences);
  }

  /**
   * Cache LU full: the sessions that needed this copy can no longer be kept,
   * so they are terminated (as SnapView did). The termination is durable
   * before the host write goes on; the Source LU stays writable and every
   * other session stays intact.
   */
  private *terminateForCacheFull(mask: number): Coroutine {
    const slots = this.range(0, SESSION_SLOTS - 1).filter((slot) => (mask >> slot) & 1);
    const waits: Signal[] = [];
    const mine: number[] = [];
    for (const slot of slots) {
      const inFlight = this.terminating.get(slot);
      if (inFlight !== undefined) waits.push(inFlight);
      else mine.push(slot);
    }
    if (mine.length > 0) {
      const done = new Signal();
      for (const slot of mine) this.terminating.set(slot, done);
      const ended = mine.map((slot): SessionRef => ({ slot, sequence: this.sessions.slots[slot]!.sequence }));
      const durable = this.terminationListener?.(ended);
      yield* this.commitSlotChange(mine, "terminated-cache-full");
      this.counters.sessionsTerminated += mine.length;
      durable?.();
      for (const slot of mine) this.terminating.delete(slot);
      done.fire();
    }
    for (const wait of waits) yield* waitFor(wait);
  }

  // ---- sessions -------------------------------------------------------------------

  /**
   * Starts a session in `slot` (replacing the one there, if any). Order: drain
   * host I/O -> flush the Source LU (everything acknowledged is durable and in
   * the point in time) -> persist the slot with a new sequence number -> ack.
   */
  *startSession(slot: number): Coroutine<number> {
    this.sessions.checkSlot(slot);
    this.checkMounted();
    yield* this.gate.enterExclusive();
    try {
      yield* this.io.flush(this.io.source);
      const sequence = this.sessions.nextSequence;
      const replaced = this.sessions.activeSequence(slot) !== undefined;
      yield* this.commitSlots(() => {
        const slots = [...this.sessions.slots];
        slots[slot] = { state: "active", sequence, endReason: "none" };
        return { nextSequence: sequence + 1, slots };
      }, replaced ? [slot] : []);
      this.counters.sessionsStarted++;
      if (replaced) this.counters.sessionsStopped++;
      return sequence;
    } finally {
      this.gate.leaveExclusive();
    }
  }

  *stopSession(slot: number): Coroutine {
    this.sessions.checkSlot(slot);
    this.checkMounted();
    yield* this.gate.enterExclusive();
    try {
      if (this.sessions.activeSequence(slot) === undefined) throw new EngineUsageError(`cannot stop slot ${slot}: no live session in it`);
      yield* this.commitSlotChange([slot], "stopped");
      this.counters.sessionsStopped++;
    } finally {
      this.gate.leaveExclusive();
    }
  }

  private *commitSlotChange(slots: readonly number[], endReason: SlotEndReason): Coroutine {
    yield* this.commitSlots(() => {
      const next = [...this.sessions.slots];
      for (const slot of slots) next[slot] = { state: "free", sequence: next[slot]!.sequence, endReason };
      return { nextSequence: this.sessions.nextSequence, slots: next };
    }, slots);
  }

  /**
   * Persists new slots, then (only once durable) makes them current in memory
   * and frees the copies that served only the ended sessions: never before,
   * since until then recovery could still honour those copies. Commits are
   * serialised, and `build` derives the new slots from the current ones only
   * once this commit holds the lock: two terminations in flight together
   * must not each write a table that undoes the other.
   */
  private *commitSlots(build: () => DlmMetadata, endedSlots: readonly number[]): Coroutine {
    while (this.slotCommitBusy !== undefined) yield* waitFor(this.slotCommitBusy);
    const busy = new Signal();
    this.slotCommitBusy = busy;
    try {
      const next = build();
      if (this.policy.commitSlots === undefined) yield* this.metadata.commitSlots(next);
      else yield* this.policy.commitSlots(this.metadata, next, endedSlots.length > 0);
      this.sessions.nextSequence = next.nextSequence;
      next.slots.forEach((record, slot) => this.sessions.setSlot(slot, record.state, record.sequence, record.endReason));
      if (endedSlots.length > 0) this.releaseSlots(endedSlots);
    } finally {
      this.slotCommitBusy = undefined;
      busy.fire();
    }
  }

  /** Clears the ended slots' bits from every live copy and frees copies that serve nobody. */
  private releaseSlots(slots: readonly number[]): void {
    let clear = 0;
    for (const slot of slots) clear |= 1 << slot;
    const { state, mask } = this.chunks;
    for (let chunk = 0; chunk < this.chunks.handedOutEnd; chunk++) {
      if (state[chunk] !== ChunkState.live || (mask[chunk]! & clear) === 0) continue;
      mask[chunk] = mask[chunk]! & ~clear;
      if (mask[chunk] === 0) this.chunks.release(chunk);
    }
    this.counters.chunksInUse = this.chunks.inUse;
  }

  /**
   * Restores the Source LU to the session in `slot`. Each chunk the session
   * has a copy of is written back through the normal write path, so any other
   * session that still needs the chunk's current contents gets its copy first
   * (the '961 property): every other session reads as before afterwards.
   */
  *rollback(slot: number): Coroutine {
    this.sessions.checkSlot(slot);
    this.checkMounted();
    yield* this.gate.enterExclusive();
    try {
      const sequence = this.sessions.activeSequence(slot);
      if (sequence === undefined) throw new EngineUsageError(`cannot roll back to slot ${slot}: no live session in it`);
      for (const sourceChunk of this.map.touchedChunks()) {
        const copy = this.map.copyFor(sourceChunk, slot, sequence);
        if (copy === undefined) continue;
        const data = yield* this.io.read(this.io.cache, cofwChunkOffsetBytes(this.layout, copy), sourceChunkLengthBytes(this.layout, sourceChunk));
        yield callStep(new ChunkWrite(this.chunkWrites, sourceChunk));
        yield* this.io.write(this.io.source, sourceChunk * this.layout.geometry.chunkSizeBytes, data, false);
        this.counters.rollbackChunks++;
      }
      yield* this.io.flush(this.io.source);
    } finally {
      this.gate.leaveExclusive();
    }
  }

  // ---- lifecycle ----------------------------------------------------------------------

  /** Writes back everything kept lazily and marks the Cache LU cleanly unmounted. */
  *unmount(): Coroutine {
    this.checkMounted();
    yield* this.gate.enterExclusive();
    try {
      yield* this.policy.onUnmount(this.metadata);
      yield* this.io.flush(this.io.source);
      yield* this.io.flush(this.io.cache);
      yield* this.metadata.commitRepository({ cofwChunkCount: this.layout.cofwChunkCount, chunksInUse: this.chunks.inUse, cleanlyUnmounted: true });
      this.mounted = false;
    } finally {
      this.gate.leaveExclusive();
    }
  }

  /** Checks the in-memory invariants; throws EngineAssertionError on the first broken one. */
  assertConsistent(): void {
    // Per COFW chunk, 1 once a map entry references it, rather than a Map of millions of copies, and the map's words
    // read group by group rather than a lookup per (chunk, slot): this check runs after every scenario run and every
    // recovery. An entry is only accepted when the chunk copies the entry's source chunk, so the source chunk that
    // referenced a chunk first is the chunk's own: a byte per chunk says all a second reference needs, where the
    // referencing source chunk itself took a float64 per chunk, and the random reads into it were most of this walk.
    const referenced = new Uint8Array(this.chunks.capacity);
    // The map is walked in the order its groups lie in memory, which after a run is not the order of their source
    // chunks (a walk in that order jumped across memory at every group and took half as long again), and which entry
    // breaks first decides the message. So a broken map is walked again, in source chunk order, entry by entry and
    // slot by slot: the failure reported is the first in that order, as it has always been.
    if (!this.mapEntriesHold(referenced)) {
      referenced.fill(0);
      const perGroup = this.map.entriesPerGroup;
      this.map.forEachGroup((firstChunk) => {
        for (let e = 0; e < perGroup; e++) this.checkEntrySlots(firstChunk + e, referenced, true);
      });
      assert(false, () => "a map entry failed its check as a whole but passed it slot by slot");
    }
    const { state, mask } = this.chunks;
    const activeMask = this.sessions.activeMask();
    let inUse = 0;
    // Every chunk the columns hold, past handedOutEnd too (free by construction, and checked so): the columns grow with
    // use (see ChunkTable), so a large, little-used Cache LU is walked for what it holds.
    for (let chunk = 0; chunk < this.chunks.capacity; chunk++) {
      if (state[chunk] === ChunkState.free) continue;
      inUse++;
      if (state[chunk] !== ChunkState.live || ((mask[chunk]! & ~activeMask) === 0 && referenced[chunk] === 1)) continue;
      assert((mask[chunk]! & ~activeMask) === 0, () => `chunk ${chunk} mask ${mask[chunk]} names a slot with no live session`);
      assert(referenced[chunk] === 1, () => `live chunk ${chunk} is referenced by no map entry`);
    }
    assert(inUse === this.chunks.inUse, () => `chunk table counts ${this.chunks.inUse} in use, found ${inUse}`);
  }

  /**
   * True when every map entry passes checkEntrySlots' checks, made here
   * without messages and in the order the map's groups lie in memory; marks
   * the chunks the entries reference.
   */
  private mapEntriesHold(referenced: Uint8Array): boolean {
    const live = this.sessions.liveSequences;
    const { state, sourceChunk: copiedChunk, mask } = this.chunks;
    const map = this.map;
    const perGroup = map.entriesPerGroup;
    // Per entry of the group at hand: the slots whose entry counts (a copy made for the slot's live session, see
    // ChunkMap.copyFor) and, when they all name one copy (one copy serves every session live when it was made), that
    // copy plus one, else 0. A group's entries are summed up first and checked after: the checks read the chunk table
    // at the copies, in random order, and one after another with nothing between they wait on memory together.
    const entrySlots = new Uint8Array(perGroup);
    const entryCopyPlusOne = new Uint32Array(perGroup);
    let holds = true;
    map.forEachGroupInMemoryOrder((firstChunk, words, base) => {
      if (!holds) return;
      map.liveSummary(words, base, live, entrySlots, entryCopyPlusOne);
      for (let e = 0; e < perGroup && holds; e++) {
        const slots = entrySlots[e]!;
        if (slots === 0) continue;
        // One copy: checked once for all its slots. Several: slot by slot.
        const copy = entryCopyPlusOne[e]! - 1;
        if (copy < 0) holds = this.checkEntrySlots(firstChunk + e, referenced, false);
        else if (state[copy] === ChunkState.live && copiedChunk[copy] === firstChunk + e && (mask[copy]! & slots) === slots) referenced[copy] = 1;
        else holds = false;
      }
    });
    return holds;
  }

  /**
   * assertConsistent's checks of one map entry, slot by slot, marking its
   * copies referenced. A failed check throws when `report` is set, else makes
   * it return false.
   */
  private checkEntrySlots(sourceChunk: number, referenced: Uint8Array, report: boolean): boolean {
    const { state, sourceChunk: copiedChunk, mask } = this.chunks;
    const copies = this.entryScratch;
    this.map.liveWords(sourceChunk, 1, this.sessions.liveSequences, copies, 0);
    for (let slot = 0; slot < SESSION_SLOTS; slot++) {
      const plusOne = copies[slot]!;
      if (plusOne === 0) continue;
      const copy = plusOne - 1;
      // A second reference from this same source chunk (another slot) is the chunk's copy serving several sessions.
      const holds = state[copy] === ChunkState.live && copiedChunk[copy] === sourceChunk && ((mask[copy]! >> slot) & 1) === 1;
      if (!holds) {
        if (!report) return false;
        // The same checks one by one, for the message. Undefined past the table's columns: no reference, and the
        // state check fails as it should.
        assert(referenced[copy] !== 1 || copiedChunk[copy] === sourceChunk, () => `COFW chunk ${copy} referenced by source chunks ${copiedChunk[copy]} and ${sourceChunk}`);
        assert(state[copy] === ChunkState.live, () => `map entry (${sourceChunk}, slot ${slot}) names chunk ${copy} in state ${copy < this.layout.cofwChunkCount ? this.chunks.stateOf(copy) : "none: past the Cache LU's end"}`);
        assert(copiedChunk[copy] === sourceChunk, () => `chunk ${copy} copies source chunk ${copiedChunk[copy]}, map says ${sourceChunk}`);
        assert(((mask[copy]! >> slot) & 1) === 1, () => `chunk ${copy} mask ${mask[copy]} lacks slot ${slot} that maps to it`);
      }
      referenced[copy] = 1;
    }
    return true;
  }

  // ---- helpers ----------------------------------------------------------------------

  private checkMounted(): void {
    if (!this.mounted) throw new EngineUsageError("the engine was unmounted; mount the Cache LU again");
  }

  private checkSourceRange(what: string, offsetBytes: number, lengthBytes: number): void {
    this.checkMounted();
    const sector = this.io.source.sectorSizeBytes;
    const capacity = this.layout.geometry.sourceCapacityBytes;
    if (!Number.isSafeInteger(offsetBytes) || !Number.isSafeInteger(lengthBytes) || offsetBytes < 0 || lengthBytes <= 0) {
      throw new EngineUsageError(`${what} of ${lengthBytes} bytes at ${offsetBytes}: offset and length must be non-negative integers, length > 0`);
    }
    if (!isMultipleOf(offsetBytes, sector) || !isMultipleOf(lengthBytes, sector)) {
      throw new EngineUsageError(`${what} of ${lengthBytes} bytes at ${offsetBytes} is not aligned to the ${sector}-byte sector`);
    }
    if (offsetBytes + lengthBytes > capacity) {
      throw new EngineUsageError(`${what} of ${lengthBytes} bytes at ${offsetBytes} ends past the Source LU's ${capacity} bytes`);
    }
  }

  private chunkSpan(offsetBytes: number, lengthBytes: number): [number, number] {
    const chunkSize = this.layout.geometry.chunkSizeBytes;
    return [Math.floor(offsetBytes / chunkSize), Math.floor((offsetBytes + lengthBytes - 1) / chunkSize)];
  }

  private range(first: number, last: number): number[] {
    const out: number[] = [];
    for (let i = first; i <= last; i++) out.push(i);
    return out;
  }
}
