import type { BlockDevice } from "../io/block-device.js";
import type { Coroutine } from "../io/coroutine.js";
import type { Payload } from "../io/payload.js";
import type { DeviceIo } from "./device-io.js";
import { GeometryError } from "./errors.js";
import {
  FORMAT_VERSION,
  tocOf,
  type AllocationRecord,
  type DlmMetadata,
  type Header,
  type RegionBitmapKind,
  type RepositoryMetadata,
} from "./on-disk/codec.js";
import { REFERENCE_DECODER, type MetadataDecoder } from "./on-disk/decoder.js";
import { SESSION_SLOTS, computeLayout, regionOf, type Layout } from "./on-disk/layout.js";
import { ValidEntries } from "./valid-entries.js";
import { isAllZero, wordsAllZero } from "../io/all-zero.js";

/**
 * Reads a whole Cache LU and judges it against the invariants that can be
 * checked without knowing what the host wrote. Mount (recovery) and fsck
 * both stand on this one reading, so they can never disagree.
 */
export type FindingSeverity = "fatal" | "repairable";

export interface Finding {
  readonly severity: FindingSeverity;
  /** Stable identifier, e.g. "record-checksum". */
  readonly code: string;
  /** The DESIGN.md invariant it concerns (1-6), or 0 for format integrity. */
  readonly invariant: number;
  readonly message: string;
}

export interface ScanResult {
  readonly findings: Finding[];
  readonly bytesRead: number;
  /** Present when the scan got far enough to know them. */
  readonly header?: Header;
  readonly layout?: Layout;
  readonly dlm?: DlmMetadata;
  readonly repository?: RepositoryMetadata;
  readonly dlmCopy?: 0 | 1;
  readonly repositoryCopy?: 0 | 1;
  readonly metadataBitmapGeneration?: number;
  readonly regionInitialized?: Uint8Array;
  readonly regionModified?: Uint8Array;
  /** Map entries that survived validation: slot `slot` reads `copy` for `sourceChunk`. */
  readonly entries?: ValidEntries;
  /** Per COFW chunk: slots it validly serves (0 = free or unreferenced). */
  readonly chunkMasks?: Uint8Array;
  readonly chunkSources?: Float64Array;
  /** Chunks allocated on disk that no valid entry reaches: recovery frees them. */
  readonly reclaimableChunks?: number[];
  readonly staleEntries?: number;
  /** Chunks at or past it lie in never-written allocation records: free, and reached by no valid entry. */
  readonly recordedChunkEnd?: number;
}

const READ_BATCH_BYTES = 1024 * 1024;

export function* scanCacheLu(io: DeviceIo, source: BlockDevice | undefined, decoder: MetadataDecoder = REFERENCE_DECODER): Coroutine<ScanResult> {
  const { decodeHeader, decodeToc, decodeMetadataBitmap, decodeDlmMetadata, decodeRepositoryMetadata, decodeRegionBitmapSector, decodeRecord, decodeMapSector } = decoder;
  const cache = io.cache;
  const findings: Finding[] = [];
  let bytesRead = 0;
  const fatal = (code: string, invariant: number, message: string) => findings.push({ severity: "fatal", code, invariant, message });
  const repairable = (code: string, invariant: number, message: string) => findings.push({ severity: "repairable", code, invariant, message });
  /** Reads are in units of the metadata block once the header gives it; the device's sector until then. */
  let unitBytes = cache.sectorSizeBytes;
  /** Reads into `into` when given (the map regions reuse one buffer: ~35 MB of new bytes per million copies otherwise). */
  function* readSectors(firstSector: number, count: number, into?: Uint8Array): Coroutine<Uint8Array> {
    const sector = unitBytes;
    const out = into ?? new Uint8Array(count * sector);
    for (let done = 0; done < count; ) {
      const batch = Math.min(count - done, Math.max(1, Math.floor(READ_BATCH_BYTES / sector)));
      (yield* readPayload(firstSector + done, batch)).copyTo(out, done * sector);
      done += batch;
    }
    return out;
  }
  /** Reads `count` units as the device returns them, at most a batch: the records' pass looks at the payload first. */
  function* readPayload(firstSector: number, count: number): Coroutine<Payload> {
    const payload = yield* io.read(cache, firstSector * unitBytes, count * unitBytes);
    bytesRead += count * unitBytes;
    return payload;
  }
  const done = (rest: Partial<ScanResult>): ScanResult => ({ findings, bytesRead, ...rest });

  // 1. Header.
  const headerBytes = yield* readSectors(0, Math.max(1, Math.ceil(4096 / cache.sectorSizeBytes)));
  const header = decodeHeader(headerBytes);
  if (!header.ok) {
    // No magic at all: not ours, or a format that never finished (the header is written last).
    if (header.problem === "blank" || header.problem === "bad-magic") fatal("not-formatted", 0, `${cache.name}: no cofwsim header (the Cache LU was never formatted, or its format did not finish)`);
    else fatal("header-corrupt", 5, `${cache.name}: header sector is not a valid cofwsim header (${header.problem})`);
    return done({});
  }
  if (header.value.version !== FORMAT_VERSION) {
    fatal("unknown-version", 0, `${cache.name}: format version ${header.value.version} is not one this engine knows (it reads version ${FORMAT_VERSION})`);
    return done({ header: header.value });
  }
  if (!header.value.valid) {
    fatal("marked-invalid", 6, `${cache.name}: the Cache LU was marked invalid by an earlier engine`);
    return done({ header: header.value });
  }
  const geometry = header.value.geometry;
  const mismatches: string[] = [];
  if (geometry.sectorSizeBytes % cache.sectorSizeBytes !== 0) mismatches.push(`metadata block ${geometry.sectorSizeBytes} is not a multiple of the device's ${cache.sectorSizeBytes}-byte sector`);
  if (geometry.cacheCapacityBytes !== cache.capacityBytes) mismatches.push(`Cache LU capacity ${geometry.cacheCapacityBytes} vs device ${cache.capacityBytes}`);
  if (source !== undefined && geometry.sourceCapacityBytes !== source.capacityBytes) {
    mismatches.push(`Source LU capacity ${geometry.sourceCapacityBytes} vs device ${source.capacityBytes}`);
  }
  if (mismatches.length > 0) {
    fatal("geometry-mismatch", 0, `${cache.name}: formatted for other devices: ${mismatches.join("; ")}`);
    return done({ header: header.value });
  }
  let layout: Layout;
  try {
    layout = computeLayout(geometry);
  } catch (error) {
    if (!(error instanceof GeometryError)) throw error;
    fatal("header-geometry", 5, `${cache.name}: header holds an impossible geometry: ${error.message}`);
    return done({ header: header.value });
  }

  unitBytes = layout.geometry.sectorSizeBytes;

  // 2. Table of contents.
  const toc = decodeToc(layout, yield* readSectors(layout.tocSector, 1));
  if (!toc.ok) {
    fatal("toc-corrupt", 5, `table of contents unreadable (${toc.problem})`);
    return done({ header: header.value, layout });
  }
  const expected = tocOf(layout);
  for (const key of Object.keys(expected) as Array<keyof typeof expected>) {
    if (toc.value[key] !== expected[key]) fatal("toc-mismatch", 5, `table of contents ${key} is ${toc.value[key]}, the geometry implies ${expected[key]}`);
  }

  // 3-5. Metadata bitmap, then the current DLM and repository metadata copies.
  const bitmap = decodeMetadataBitmap(layout, yield* readSectors(layout.metadataBitmapSector, 1));
  if (!bitmap.ok) {
    fatal("metadata-bitmap-corrupt", 5, `metadata bitmap unreadable (${bitmap.problem})`);
    return done({ header: header.value, layout });
  }
  const dlmCopy = bitmap.value.currentDlmCopy;
  const repositoryCopy = bitmap.value.currentRepositoryCopy;
  const dlm = decodeDlmMetadata(layout, dlmCopy, yield* readSectors(layout.dlmMetadataSectors[dlmCopy], 1));
  const repository = decodeRepositoryMetadata(layout, repositoryCopy, yield* readSectors(layout.repositoryMetadataSectors[repositoryCopy], 1));
  if (!dlm.ok) fatal("dlm-metadata-corrupt", 5, `current DLM metadata copy ${dlmCopy} unreadable (${dlm.problem})`);
  if (!repository.ok) fatal("repository-metadata-corrupt", 5, `current repository metadata copy ${repositoryCopy} unreadable (${repository.problem})`);
  if (!dlm.ok || !repository.ok) return done({ header: header.value, layout });
  if (repository.value.cofwChunkCount !== layout.cofwChunkCount) {
    fatal("repository-mismatch", 5, `repository metadata counts ${repository.value.cofwChunkCount} COFW chunks, the geometry implies ${layout.cofwChunkCount}`);
  }
  const active = new Map<number, number>();
  dlm.value.slots.forEach((slot, index) => {
    if (slot.sequence >= dlm.value.nextSequence) {
      fatal("sequence-reuse", 4, `slot ${index} holds sequence ${slot.sequence}, not below the next sequence ${dlm.value.nextSequence}: numbers could be reused`);
    }
    if (slot.state === "active") active.set(index, slot.sequence);
  });

  // 6, 7. Region bitmaps.
  const regionBits = function* (kind: RegionBitmapKind, firstSector: number): Coroutine<Uint8Array> {
    const bits = new Uint8Array(layout.regionCount);
    const raw = yield* readSectors(firstSector, layout.bitmapSectorCount);
    const sector = layout.geometry.sectorSizeBytes;
    for (let index = 0; index < layout.bitmapSectorCount; index++) {
      const decoded = decodeRegionBitmapSector(layout, kind, index, raw.subarray(index * sector, (index + 1) * sector));
      if (!decoded.ok) {
        fatal(`${kind}-corrupt`, 5, `${kind} sector ${index} unreadable (${decoded.problem})`);
        continue;
      }
      const first = index * layout.bitsPerBitmapSector;
      for (let region = first; region < Math.min(first + layout.bitsPerBitmapSector, layout.regionCount); region++) {
        bits[region] = (decoded.value[(region - first) >> 3]! >> ((region - first) & 7)) & 1;
      }
    }
    return bits;
  };
  const regionInitialized = yield* regionBits("initializedBitmap", layout.initializedBitmapFirstSector);
  const regionModified = yield* regionBits("modifiedBitmap", layout.modifiedBitmapFirstSector);

  // 9. Allocation records, each copied into flat per-chunk columns as it is decoded: chunk c of the Cache LU is index c
  // of `allocated`, `inCache`, `masks` and `copiedFrom`, and record r's Session IDs are sessionIds[8r..8r+8). Every map
  // entry is checked against its copy's record, in copy order (random): one flat array per field is far kinder to the
  // caches than an object with five arrays per record, and the decoded records are garbage at once.
  const perRecord = layout.chunksPerRecord;
  const sector = layout.geometry.sectorSizeBytes;
  // Read a batch at a time, and only the batches that hold a written record are kept and decoded: most of a large,
  // little-used Cache LU's records were never written (500 GiB of 64 KiB chunks: 64 MB of records), and the columns
  // below are sized by the last written batch rather than by the Cache LU. A simulated device says a batch is blank in
  // its payload; an image file's zeros are looked at.
  const recordsPerBatch = Math.max(1, Math.floor(READ_BATCH_BYTES / sector));
  const writtenBatches: Array<{ readonly first: number; readonly count: number; readonly bytes: Uint8Array }> = [];
  for (let first = 0; first < layout.recordCount; first += recordsPerBatch) {
    const count = Math.min(recordsPerBatch, layout.recordCount - first);
    const payload = yield* readPayload(layout.recordsFirstSector + first, count);
    if (payload.isZeroRuns()) continue;
    const bytes = payload.toBytes();
    if (!isAllZero(bytes)) writtenBatches.push({ first, count, bytes });
  }
  const lastBatch = writtenBatches[writtenBatches.length - 1];
  const batchesEnd = lastBatch === undefined ? 0 : lastBatch.first + lastBatch.count;
  const recordSlots = batchesEnd * perRecord;
  const allocated = new Uint8Array(recordSlots);
  const inCache = new Uint8Array(recordSlots);
  const masks = new Uint8Array(recordSlots);
  const copiedFrom = new Float64Array(recordSlots);
  const sessionIds = new Uint32Array(batchesEnd * SESSION_SLOTS);
  /** One past the last record that decoded: every record from it on is blank (or corrupt, which refuses the mount). */
  let recordsEnd = 0;
  for (const { first, count, bytes } of writtenBatches) {
    for (let index = first; index < first + count; index++) {
      const at = (index - first) * sector;
      const decoded = decodeRecord(layout, index, bytes.subarray(at, at + sector));
      if (!decoded.ok) {
        if (decoded.problem !== "blank") fatal("record-corrupt", 5, `allocation record ${index} unreadable (${decoded.problem}): torn or stale, not trusted`);
        // Read as an empty record: the columns are zero already (no empty record made per never-written record).
        continue;
      }
      const record: AllocationRecord = decoded.value;
      allocated.set(record.allocated, index * perRecord);
      inCache.set(record.inCache, index * perRecord);
      masks.set(record.masks, index * perRecord);
      copiedFrom.set(record.sourceChunks, index * perRecord);
      sessionIds.set(record.sessionIds, index * SESSION_SLOTS);
      recordsEnd = index + 1;
    }
  }
  const chunkCount = layout.cofwChunkCount;
  // Chunks from here on are in records read as empty: not allocated, vouched for by nothing, so no valid entry reaches
  // them. The walks over chunks stop here: a Cache LU of millions of chunks with a few copies is walked for those few.
  const recordedChunkEnd = Math.min(chunkCount, recordsEnd * perRecord);
  for (let index = 0; index < recordsEnd; index++) {
    for (let slot = 0; slot < SESSION_SLOTS; slot++) {
      if (sessionIds[index * SESSION_SLOTS + slot]! >= dlm.value.nextSequence) {
        fatal("record-session-id", 4, `allocation record ${index} names session ${sessionIds[index * SESSION_SLOTS + slot]} in slot ${slot}, which was never started`);
      }
    }
  }
  // Per chunk, the slots its record vouches for: its copy is in cache, its mask has the slot and the record's Session ID
  // for the slot is the slot's live one. Worked out here once per chunk, in chunk order, rather than from five arrays per
  // map entry, in the random order of the copies the entries name: those reads were most of the scan.
  const vouchedSlots = new Uint8Array(recordSlots);
  for (let index = 0; index < recordsEnd; index++) {
    let liveInRecord = 0;
    for (let slot = 0; slot < SESSION_SLOTS; slot++) {
      const sequence = active.get(slot);
      if (sequence !== undefined && sessionIds[index * SESSION_SLOTS + slot] === sequence) liveInRecord |= 1 << slot;
    }
    for (let chunk = index * perRecord; chunk < (index + 1) * perRecord; chunk++) {
      if (allocated[chunk] === 1 && inCache[chunk] === 1) vouchedSlots[chunk] = masks[chunk]! & liveInRecord;
    }
  }

  // 8. Map regions: read the clean ones, rebuild the modified ones from records. Valid entries are kept as runs (see
  // ValidEntries), and each run marks its slots in its copy's chunk mask as it is found, while the copy's words are at
  // hand: a second walk of the entries, in the random order of their copies, cost as much again.
  const entries = new ValidEntries();
  // Only chunks below recordedChunkEnd can be vouched for, so only they can be reached.
  const chunkMasks = new Uint8Array(recordedChunkEnd);
  const addRun = (sourceChunk: number, slots: number, copy: number): void => {
    entries.push(sourceChunk, slots, copy);
    chunkMasks[copy] = chunkMasks[copy]! | slots;
  };
  let staleEntries = 0;
  const rebuilt = new Set<number>();
  for (let region = 0; region < layout.regionCount; region++) if (regionModified[region] === 1) rebuilt.add(region);
  if (rebuilt.size > 0) {
    // Only records can name one (source chunk, slot) twice: a clean region's map sectors hold each source chunk's entry
    // once, and no clean region shares a source chunk with a rebuilt one. So only this pass needs to look for a second
    // copy (a map of every entry cost ~0.2 GB on a million-copy Cache LU). Keyed by sourceChunk * SESSION_SLOTS + slot,
    // exact below 2^53.
    const seen = new Map<number, number>();
    for (let chunk = 0; chunk < recordedChunkEnd; chunk++) {
      const sourceChunk = copiedFrom[chunk]!;
      if (!rebuilt.has(regionOf(layout, sourceChunk))) continue;
      let slots = 0;
      for (let slot = 0; slot < SESSION_SLOTS; slot++) {
        if (((vouchedSlots[chunk]! >> slot) & 1) === 0) continue;
        const key = sourceChunk * SESSION_SLOTS + slot;
        const other = seen.get(key);
        if (other !== undefined) {
          fatal("two-copies-one-session", 3, `source chunk ${sourceChunk} has two copies for slot ${slot}: chunks ${other} and ${chunk} (rebuilt from records)`);
          continue;
        }
        seen.set(key, chunk);
        slots |= 1 << slot;
      }
      if (slots !== 0) addRun(sourceChunk, slots, chunk);
    }
  }
  const sourceChunkCount = layout.sourceChunkCount;
  const perSector = layout.entriesPerMapSector;
  const readAhead = new Float64Array(perSector);
  // Each region's entries are checked before the next region is read, and nothing keeps the bytes (decodeMapSector's
  // entries are views of them): one buffer serves every region.
  const regionBytes = new Uint8Array(layout.mapSectorsPerRegion * sector);
  /**
   * Checks one clean map sector's entries against the records, adds the valid
   * ones and returns how many are not. A plain function rather than part of
   * the scan's coroutine: V8 optimises its loops better (the pass over a
   * million-copy Cache LU took ~15% less), and it runs for every entry.
   */
  const checkMapSector = (firstChunk: number, values: Uint32Array): number => {
    // Read ahead: the copies the entries name lie in random order on the Cache LU, so each check waits on memory.
    // Touching every entry's copy for the whole sector first lets those waits overlap, and the checks then find the
    // copies' words in cache: the checks of a million-copy Cache LU take a quarter to a half less time.
    for (let e = 0; e < perSector; e++) {
      let plusOne = 0;
      for (let slot = 0; slot < SESSION_SLOTS && plusOne === 0; slot++) plusOne = values[e * SESSION_SLOTS + slot]!;
      if (plusOne !== 0 && plusOne <= recordedChunkEnd) readAhead[e] = copiedFrom[plusOne - 1]! + vouchedSlots[plusOne - 1]! + chunkMasks[plusOne - 1]!;
    }
    let stale = 0;
    for (let e = 0; e < perSector; e++) {
      const sourceChunk = firstChunk + e;
      // Slots in a row that name one copy are checked against it once and pushed as one run: usually the whole
      // entry, since one copy serves every session live when it was made. `vouched` is the slots the copy's record
      // vouches for if the copy is of this source chunk, else none.
      let runCopy = -1;
      let runSlots = 0;
      let vouched = 0;
      for (let slot = 0; slot < SESSION_SLOTS; slot++) {
        const plusOne = values[e * SESSION_SLOTS + slot]!;
        if (plusOne === 0) continue;
        const copy = plusOne - 1;
        if (copy !== runCopy) {
          if (runSlots !== 0) addRun(sourceChunk, runSlots, runCopy);
          runCopy = copy;
          runSlots = 0;
          vouched = sourceChunk < sourceChunkCount && copy < recordedChunkEnd && copiedFrom[copy] === sourceChunk ? vouchedSlots[copy]! : 0;
        }
        if (((vouched >> slot) & 1) === 1) runSlots |= 1 << slot;
        else stale++;
      }
      if (runSlots !== 0) addRun(sourceChunk, runSlots, runCopy);
    }
    return stale;
  };
  const regionWords = new Int32Array(regionBytes.buffer, regionBytes.byteOffset, regionBytes.byteLength >> 2);
  const wordsPerSector = sector >> 2;
  /** Checks one clean region's map sectors, read into regionBytes. A plain function for the same reason as checkMapSector. */
  const checkRegion = (region: number, firstSector: number): void => {
    for (let s = 0; s < layout.mapSectorsPerRegion; s++) {
      // A blank sector of an initialized region is one that was zeroed and never needed since: most of them, where a
      // region holds a few copies among a thousand source chunks. Found a word at a time on the region's buffer, with
      // no view or decode (all zeros carry no magic, so every decoder calls them blank): a run with 3,000 host I/Os on
      // a 16 GiB Source LU spent half its recovery scan decoding them.
      if (wordsAllZero(regionWords, s * wordsPerSector, (s + 1) * wordsPerSector)) continue;
      const mapSector = firstSector + s;
      const decoded = decodeMapSector(layout, mapSector, regionBytes.subarray(s * sector, (s + 1) * sector));
      if (!decoded.ok) {
        fatal("map-sector-corrupt", 5, `map sector ${mapSector} of clean region ${region} unreadable (${decoded.problem})`);
        continue;
      }
      staleEntries += checkMapSector((mapSector - layout.mapFirstSector) * layout.entriesPerMapSector, decoded.value);
    }
  };
  for (let region = 0; region < layout.regionCount; region++) {
    if (regionInitialized[region] !== 1 || rebuilt.has(region)) continue;
    const firstSector = layout.mapFirstSector + region * layout.mapSectorsPerRegion;
    yield* readSectors(firstSector, layout.mapSectorsPerRegion, regionBytes);
    checkRegion(region, firstSector);
  }
  if (staleEntries > 0) repairable("stale-map-entries", 4, `${staleEntries} map entries name copies their records do not vouch for (ended sessions or unfinished copies); ignored`);

  // Reachability: what the valid entries reach is in use; anything else allocated is reclaimed. A valid entry's source
  // chunk is the one its copy's record names (both passes above hold to it), so the sources are filled in chunk order.
  const chunkSources = new Float64Array(recordedChunkEnd);
  for (let chunk = 0; chunk < recordedChunkEnd; chunk++) if (chunkMasks[chunk] !== 0) chunkSources[chunk] = copiedFrom[chunk]!;
  // A chunk whose record vouches for no live session is simply free: its
  // sessions ended, and their stale Session IDs already say so. Leaked are
  // copies that never finished (allocated, not in cache) and copies a record
  // vouches for that no map entry reaches.
  const reclaimableChunks: number[] = [];
  for (let chunk = 0; chunk < recordedChunkEnd; chunk++) {
    if (allocated[chunk] !== 1 || chunkMasks[chunk] !== 0) continue;
    if (inCache[chunk] === 0 || vouchedSlots[chunk] !== 0) reclaimableChunks.push(chunk);
  }
  if (reclaimableChunks.length > 0) {
    repairable("unreachable-chunks", 3, `${reclaimableChunks.length} allocated COFW chunks are reachable from no valid map entry (interrupted copies or ended sessions); recovery frees them`);
  }
  if (rebuilt.size > 0) repairable("modified-regions", 0, `${rebuilt.size} map regions are marked modified; recovery rebuilds them from allocation records`);

  return done({
    header: header.value,
    layout,
    dlm: dlm.value,
    repository: repository.value,
    dlmCopy,
    repositoryCopy,
    metadataBitmapGeneration: bitmap.generation,
    regionInitialized,
    regionModified,
    entries,
    chunkMasks,
    chunkSources,
    reclaimableChunks,
    staleEntries,
    recordedChunkEnd,
  });
}
