import { all, waitFor, type Coroutine, type IoStep } from "../io/coroutine.js";
import type { Latch } from "../io/latch.js";
import { Signal } from "../io/signal.js";
import { Payload } from "../io/payload.js";
import type { ChunkMap } from "./chunk-map.js";
import { ChunkState, type ChunkTable } from "./chunk-table.js";
import type { DeviceIo } from "./device-io.js";
import {
  encodeDlmMetadata,
  encodeMapSector,
  encodeMetadataBitmap,
  encodeRecordFromColumns,
  RecordChunkState,
  encodeRegionBitmapSector,
  encodeRepositoryMetadata,
  recordSector,
  type DlmMetadata,
  type RegionBitmapKind,
  type RepositoryMetadata,
} from "./on-disk/codec.js";
import { SESSION_SLOTS, cofwChunkOffsetBytes, mapSectorOf, recordOf, regionOf, type Layout } from "./on-disk/layout.js";
import { SectorWriter } from "./sector-writer.js";
import type { Sessions } from "./sessions.js";
import { assert } from "./errors.js";

// The chunk table's states are what encodeRecordFromColumns reads: free, allocated with its copy's data not durable (not
// in cache), and in cache from ready on.
assert(
  ChunkState.free === RecordChunkState.free && ChunkState.copying === RecordChunkState.allocated && ChunkState.ready === RecordChunkState.inCache && ChunkState.live > ChunkState.ready,
  () => "ChunkState no longer matches RecordChunkState",
);

/** One copy on its way to the Cache LU. */
export interface CopyJob {
  readonly chunk: number;
  readonly sourceChunk: number;
  /** The source chunk's contents before the host write. */
  readonly data: Payload;
  /** Slots the copy serves, and the session sequence number of each when the copy was made. */
  readonly mask: number;
  readonly sequences: readonly number[];
}

/**
 * The engine's metadata operations: each one encodes from memory and writes
 * whole sectors through the SectorWriter. Commit policies decide their order
 * and which of them wait for which; this class knows no policy.
 */
export class Metadata {
  readonly sectorWriter: SectorWriter;
  /** Region bits as this engine has made (or is making) them durable. */
  readonly regionInitialized: Uint8Array;
  readonly regionModified: Uint8Array;
  /** Map sectors changed in memory since last written, per region (dirty-region-log policy). */
  readonly dirtyMapSectors = new Map<number, Set<number>>();
  /** Bumped on every map change in a region, so a write-back can tell whether it caught up. */
  readonly regionChangeCount = new Map<number, number>();
  private readonly regionInitInFlight = new Map<number, Signal>();
  private readonly regionModifyInFlight = new Map<number, Signal>();
  private readonly regionWriteBackInFlight = new Set<number>();
  private readonly modifiedSet = new Set<number>();
  dlmCopy: 0 | 1 = 0;
  repositoryCopy: 0 | 1 = 0;
  metadataBitmapGeneration = 0;
  private mapSectorEntries: Uint32Array | undefined;

  constructor(
    readonly layout: Layout,
    readonly io: DeviceIo,
    readonly chunks: ChunkTable,
    readonly map: ChunkMap,
    readonly sessions: Sessions,
  ) {
    this.sectorWriter = new SectorWriter(io, (sector, into) => this.encodeSector(sector, into));
    this.regionInitialized = new Uint8Array(layout.regionCount);
    this.regionModified = new Uint8Array(layout.regionCount);
  }

  // ---- COFW data ------------------------------------------------------------

  *writeCopyData(chunk: number, data: Payload, fua: boolean): Coroutine {
    yield this.copyDataWriteStep(chunk, data, fua);
  }

  /** The write of a copy's data as a step, for policies that yield it themselves (one generator less per copy). */
  copyDataWriteStep(chunk: number, data: Payload, fua: boolean): IoStep {
    return this.io.writeStep(this.io.cache, cofwChunkOffsetBytes(this.layout, chunk), data, fua);
  }

  *flushCache(): Coroutine {
    yield* this.io.flush(this.io.cache);
  }

  // ---- allocation records ---------------------------------------------------

  /** Writes the record holding `chunk`, as memory says now. */
  writeRecordOf(chunk: number, fua: boolean): Coroutine {
    return this.sectorWriter.write(this.recordSectorOf(chunk), fua);
  }

  /** Asks for writeRecordOf's write, answered through `latch` (see SectorWriter): a commit waits for several at once. */
  requestRecordWrite(chunk: number, fua: boolean, latch: Latch): void {
    this.sectorWriter.request(this.recordSectorOf(chunk), fua, latch);
  }

  private recordSectorOf(chunk: number): number {
    return recordSector(this.layout, recordOf(this.layout, chunk));
  }

  encodeRecord(record: number, into?: Uint8Array): Uint8Array {
    const { state, mask, sourceChunk } = this.chunks;
    const first = record * this.layout.chunksPerRecord;
    // Chunks past the table's columns are free (see ChunkTable), as are those past the Cache LU's end.
    const count = Math.max(0, Math.min(this.layout.chunksPerRecord, this.chunks.capacity - first));
    return encodeRecordFromColumns(this.layout, record, this.sessions.liveSequences, state, mask, sourceChunk, first, count, into);
  }

  // ---- map sectors and regions ----------------------------------------------

  mapSectorOfChunk(sourceChunk: number): number {
    return mapSectorOf(this.layout, sourceChunk);
  }

  regionOfSector(mapSector: number): number {
    return Math.floor((mapSector - this.layout.mapFirstSector) / this.layout.mapSectorsPerRegion);
  }

  encodeMapSector(mapSector: number, into?: Uint8Array): Uint8Array {
    const perSector = this.layout.entriesPerMapSector;
    const firstChunk = (mapSector - this.layout.mapFirstSector) * perSector;
    // The encoder copies the entries into the sector, so one scratch array serves every encode.
    const entries = (this.mapSectorEntries ??= new Uint32Array(perSector * SESSION_SLOTS));
    // A map sector is exactly one ChunkMap group.
    this.map.liveWords(firstChunk, perSector, this.sessions.liveSequences, entries, 0);
    return encodeMapSector(this.layout, mapSector, entries, into);
  }

  /** Writes a map sector as memory says now. */
  writeMapSector(mapSector: number, fua: boolean): Coroutine {
    this.checkMapSectorWritable(mapSector);
    return this.sectorWriter.write(mapSector, fua);
  }

  /** Asks for writeMapSector's write, answered through `latch`. */
  requestMapSectorWrite(mapSector: number, fua: boolean, latch: Latch): void {
    this.checkMapSectorWritable(mapSector);
    this.sectorWriter.request(mapSector, fua, latch);
  }

  private checkMapSectorWritable(mapSector: number): void {
    const region = this.regionOfSector(mapSector);
    // A map sector outside an initialized region is read by nobody unless the modified bit makes recovery rebuild it.
    assert(this.regionInitialized[region] === 1 || this.regionModified[region] === 1, () => `map sector ${mapSector} written while region ${region} is neither initialized nor modified`);
  }

  /** The SectorWriter's encoder: any sector it writes, as memory says now. */
  private encodeSector(sector: number, into: Uint8Array): Uint8Array {
    const layout = this.layout;
    if (sector >= layout.recordsFirstSector) return this.encodeRecord(sector - layout.recordsFirstSector, into);
    if (sector >= layout.mapFirstSector) return this.encodeMapSector(sector, into);
    if (sector >= layout.modifiedBitmapFirstSector) return this.encodeRegionBitmap("modifiedBitmap", sector - layout.modifiedBitmapFirstSector, into);
    assert(sector >= layout.initializedBitmapFirstSector, () => `sector ${sector} is not one the SectorWriter writes (records, map sectors, region bitmaps)`);
    return this.encodeRegionBitmap("initializedBitmap", sector - layout.initializedBitmapFirstSector, into);
  }

  /** Records that a map sector changed in memory and must be written back lazily (dirty-region log, recovery). */
  noteMapChange(mapSector: number): void {
    const region = this.regionOfSector(mapSector);
    let dirty = this.dirtyMapSectors.get(region);
    if (dirty === undefined) {
      dirty = new Set();
      this.dirtyMapSectors.set(region, dirty);
    }
    dirty.add(mapSector);
    this.regionChangeCount.set(region, (this.regionChangeCount.get(region) ?? 0) + 1);
  }

  /**
   * Zeroes a region on disk. A blank (all-zero) map sector of an initialized
   * region reads as "no entries", so initialising costs one zero-fill write and
   * no encoding, and memory stays proportional to entries, not regions.
   */
  *zeroRegion(region: number, fua: boolean): Coroutine {
    const sectorSize = this.layout.geometry.sectorSizeBytes;
    const offsetBytes = (this.layout.mapFirstSector + region * this.layout.mapSectorsPerRegion) * sectorSize;
    const lengthBytes = this.layout.mapSectorsPerRegion * sectorSize;
    this.io.counters.metadataWrites++;
    this.io.counters.metadataBytesWritten += lengthBytes;
    yield* this.io.write(this.io.cache, offsetBytes, Payload.zero(lengthBytes), fua);
  }

  // ---- publishing a copy ---------------------------------------------------

  /** The copy's data is durable: it may now appear in encoded records and map sectors. */
  markReady(job: CopyJob): void {
    assert(this.chunks.state[job.chunk] === ChunkState.copying, () => `chunk ${job.chunk} marked ready while in state ${this.chunks.state[job.chunk]}`);
    this.chunks.state[job.chunk] = ChunkState.ready;
    const taken = this.map.setSlots(job.sourceChunk, job.mask, job.sequences, job.chunk);
    if (taken >= 0) {
      const existing = this.map.copyFor(job.sourceChunk, taken, job.sequences[taken]!);
      assert(false, () => `source chunk ${job.sourceChunk} already has copy ${existing} for slot ${taken}; chunk ${job.chunk} would be a second`);
    }
  }

  /**
   * The copy's metadata is durable: it serves its sessions. Sessions that were
   * terminated while it was being made lose their bit; a copy left serving
   * nobody is freed (the durable slots already make its bits stale).
   */
  markLive(job: CopyJob): void {
    assert(this.chunks.state[job.chunk] === ChunkState.ready, () => `chunk ${job.chunk} marked live while in state ${this.chunks.state[job.chunk]}`);
    this.chunks.state[job.chunk] = ChunkState.live;
    let mask = job.mask;
    for (let slot = 0; slot < SESSION_SLOTS; slot++) {
      if ((mask >> slot) & 1 && this.sessions.activeSequence(slot) !== job.sequences[slot]) mask &= ~(1 << slot);
    }
    this.chunks.mask[job.chunk] = mask;
    if (mask === 0) this.chunks.release(job.chunk);
  }

  regionOfChunk(sourceChunk: number): number {
    return regionOf(this.layout, sourceChunk);
  }

  /** True when ensureRegionInitialized would return at once: the region's initialized bit is durable. */
  isRegionInitialized(region: number): boolean {
    return this.regionInitialized[region] === 1 && (this.regionInitInFlight.size === 0 || !this.regionInitInFlight.has(region));
  }

  /** True when ensureRegionModified would return at once: the region's modified bit is durable. */
  isRegionModified(region: number): boolean {
    return this.regionModified[region] === 1 && (this.regionModifyInFlight.size === 0 || !this.regionModifyInFlight.has(region));
  }

  /**
   * Makes a region initialized on disk before any entry of it is relied on:
   * zero it (FUA), then set its initialized bit (FUA). Until the bit is
   * durable the region reads as empty, which is correct: nothing in it has
   * been acknowledged yet. Concurrent callers wait for the one in flight.
   */
  *ensureRegionInitialized(region: number): Coroutine {
    const inFlight = this.regionInitInFlight.get(region);
    if (inFlight !== undefined) return yield* waitFor(inFlight);
    if (this.regionInitialized[region] === 1) return;
    const done = new Signal();
    this.regionInitInFlight.set(region, done);
    yield* this.zeroRegion(region, true);
    yield* this.writeRegionBit("initializedBitmap", region, 1, true);
    this.regionInitInFlight.delete(region);
    done.fire();
  }

  /**
   * Makes the region's modified bit durably set (dirty-region log), after
   * the caller's change. A set already in flight may not do: a write-back
   * of the region can clear the bit while that set's write waits its turn
   * (its entries then on disk), and the write then carries the cleared bit.
   * So a caller that waited checks again, and sets the bit itself if it was
   * cleared; else its change, in neither the map sector nor the bit's
   * cover, is lost by a crash (random crash campaign, seed 4242:
   * test/crash/dirty-region-race.test.ts).
   */
  *ensureRegionModified(region: number): Coroutine {
    for (let inFlight = this.regionModifyInFlight.get(region); inFlight !== undefined; inFlight = this.regionModifyInFlight.get(region)) yield* waitFor(inFlight);
    if (this.regionModified[region] === 1) return;
    const done = new Signal();
    this.regionModifyInFlight.set(region, done);
    yield* this.writeRegionBit("modifiedBitmap", region, 1, true);
    this.regionModifyInFlight.delete(region);
    done.fire();
  }

  /**
   * Writes a modified region's changed map sectors back and clears its
   * modified bit. Order: (zero the region and set its initialized bit, the
   * first time) -> dirty map sectors -> flush -> clear the modified bit, and
   * only if no entry of the region changed meanwhile: a change after the
   * sectors were encoded is not on disk, and the bit must keep covering it.
   */
  *writeBackRegion(region: number): Coroutine {
    if (this.regionWriteBackInFlight.has(region) || this.regionModified[region] !== 1) return;
    this.regionWriteBackInFlight.add(region);
    const changesAtStart = this.regionChangeCount.get(region) ?? 0;
    const dirty = [...(this.dirtyMapSectors.get(region) ?? [])].sort((a, b) => a - b);
    this.dirtyMapSectors.delete(region);
    const firstTime = this.regionInitialized[region] !== 1;
    if (firstTime) yield* this.zeroRegion(region, true);
    yield* all(dirty.map((sector) => this.writeMapSector(sector, false)));
    yield* this.flushCache();
    if (firstTime) yield* this.writeRegionBit("initializedBitmap", region, 1, true);
    // Entries that changed during the write-back are in a new dirty set, and the bit keeps covering them.
    if ((this.regionChangeCount.get(region) ?? 0) === changesAtStart) yield* this.writeRegionBit("modifiedBitmap", region, 0, true);
    this.regionWriteBackInFlight.delete(region);
  }

  /** After recovery filled `regionModified` directly: track those regions as modified. */
  adoptModifiedRegions(): void {
    for (let region = 0; region < this.layout.regionCount; region++) if (this.regionModified[region] === 1) this.modifiedSet.add(region);
  }

  /** Regions whose modified bit is set, ascending. */
  modifiedRegions(): number[] {
    return [...this.modifiedSet].sort((a, b) => a - b);
  }

  get modifiedRegionCount(): number {
    return this.modifiedSet.size;
  }

  // ---- region bitmaps -------------------------------------------------------

  *writeRegionBit(kind: RegionBitmapKind, region: number, value: 0 | 1, fua: boolean): Coroutine {
    const bits = kind === "initializedBitmap" ? this.regionInitialized : this.regionModified;
    bits[region] = value;
    if (kind === "modifiedBitmap") {
      if (value === 1) this.modifiedSet.add(region);
      else this.modifiedSet.delete(region);
    }
    const index = Math.floor(region / this.layout.bitsPerBitmapSector);
    const first = kind === "initializedBitmap" ? this.layout.initializedBitmapFirstSector : this.layout.modifiedBitmapFirstSector;
    yield* this.sectorWriter.write(first + index, fua);
  }

  encodeRegionBitmap(kind: RegionBitmapKind, index: number, into?: Uint8Array): Uint8Array {
    const bits = kind === "initializedBitmap" ? this.regionInitialized : this.regionModified;
    const perSector = this.layout.bitsPerBitmapSector;
    const packed = new Uint8Array(perSector / 8);
    const first = index * perSector;
    const last = Math.min(first + perSector, this.layout.regionCount);
    for (let region = first; region < last; region++) {
      if (bits[region] === 1) packed[(region - first) >> 3]! |= 1 << ((region - first) & 7);
    }
    return encodeRegionBitmapSector(this.layout, kind, index, packed, into);
  }

  *writeAllRegionBitmaps(fua: boolean): Coroutine {
    const writes: Coroutine[] = [];
    for (let index = 0; index < this.layout.bitmapSectorCount; index++) {
      for (const kind of ["initializedBitmap", "modifiedBitmap"] as const) {
        const first = kind === "initializedBitmap" ? this.layout.initializedBitmapFirstSector : this.layout.modifiedBitmapFirstSector;
        writes.push(this.sectorWriter.write(first + index, fua));
      }
    }
    yield* all(writes);
  }

  // ---- DLM and repository metadata: shadow copies, committed by the metadata bitmap ----

  /**
   * Commit order: write the new slots into the copy that is *not* current
   * (FUA), then flip the metadata bitmap sector to it (FUA). A crash before the
   * flip leaves the old copy current; the flip is one sector, so it is atomic.
   * `fua` false leaves both in the volatile cache: only for a caller that
   * makes them durable itself before relying on them.
   */
  *commitSlots(next: DlmMetadata, fua = true): Coroutine {
    const target: 0 | 1 = this.dlmCopy === 0 ? 1 : 0;
    const generation = this.metadataBitmapGeneration + 1;
    yield* this.io.writeMetadata(this.layout.dlmMetadataSectors[target], encodeDlmMetadata(this.layout, target, generation, next), fua);
    this.dlmCopy = target;
    yield* this.writeMetadataBitmap(fua);
  }

  *commitRepository(metadata: RepositoryMetadata): Coroutine {
    const target: 0 | 1 = this.repositoryCopy === 0 ? 1 : 0;
    const generation = this.metadataBitmapGeneration + 1;
    yield* this.io.writeMetadata(this.layout.repositoryMetadataSectors[target], encodeRepositoryMetadata(this.layout, target, generation, metadata), true);
    this.repositoryCopy = target;
    yield* this.writeMetadataBitmap();
  }

  private *writeMetadataBitmap(fua = true): Coroutine {
    this.metadataBitmapGeneration++;
    const bitmap = { currentDlmCopy: this.dlmCopy, currentRepositoryCopy: this.repositoryCopy };
    yield* this.io.writeMetadata(this.layout.metadataBitmapSector, encodeMetadataBitmap(this.layout, this.metadataBitmapGeneration, bitmap), fua);
  }
}

