import { crc32 } from "node:zlib";
import { SECTOR_HEADER_BYTES, SESSION_SLOTS, type Geometry, type Layout } from "./layout.js";
import { isAllZero } from "../../io/all-zero.js";

/**
 * The one place that turns on-disk sectors into values and back. Everything
 * is little-endian through DataView. Every metadata sector has the same frame:
 *
 *   0  u32 magic        which structure this is (a zeroed sector has none)
 *   4  u32 check bits   CRC-32 of the whole sector with this field zeroed
 *   8  u32 location     the sector's own number: a misdirected write is caught
 *  12  u32 generation   which of two copies is newer, where a structure has two
 *  16  body
 */
/** 2: COFW chunks start at a multiple of the chunk size (1 packed them right after the records). */
export const FORMAT_VERSION = 2;

export const Magic = {
  header: 0x57464f43, // "COFW"
  toc: 0x21434f54,
  dlmMetadata: 0x314d4c44,
  repositoryMetadata: 0x4f504552,
  metadataBitmap: 0x504d424d,
  initializedBitmap: 0x54494e49,
  modifiedBitmap: 0x21444f4d,
  mapSector: 0x2150414d,
  record: 0x31434552,
} as const;
export type MagicName = keyof typeof Magic;

/** Why a sector was not accepted. `blank` is a never-written (all-zero) sector, not corruption. */
export type SectorProblem = "blank" | "bad-magic" | "bad-checksum" | "bad-location";

export type Decoded<T> = { readonly ok: true; readonly value: T; readonly generation: number } | { readonly ok: false; readonly problem: SectorProblem };

/** True on little-endian hosts, where a Uint32Array over sector bytes is the on-disk (little-endian) layout. */
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Writes a little-endian u32 byte by byte: no DataView object on the hot encoders (map sectors, records). */
function putU32(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value;
  bytes[at + 1] = value >>> 8;
  bytes[at + 2] = value >>> 16;
  bytes[at + 3] = value >>> 24;
}

/** Reads a little-endian u32 byte by byte: the same value as DataView.getUint32(at, true), which profiled several times slower on the hot decoders. */
function getU32(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}

/**
 * A zeroed sector with its frame's magic, location and generation filled in
 * (check bits still zero): `into`, cleared, when given (the engine's hot
 * encoders reuse a buffer per write in flight rather than allocate a sector
 * per write), else a new one.
 */
function frameBytes(sectorSizeBytes: number, magic: MagicName, location: number, generation: number, into?: Uint8Array): Uint8Array {
  let bytes: Uint8Array;
  if (into === undefined) bytes = new Uint8Array(sectorSizeBytes);
  else {
    if (into.length !== sectorSizeBytes) throw new RangeError(`a ${magic} sector is ${sectorSizeBytes} bytes; the buffer given is ${into.length}`);
    bytes = into.fill(0);
  }
  putU32(bytes, 0, Magic[magic]);
  putU32(bytes, 8, location >>> 0);
  putU32(bytes, 12, generation >>> 0);
  return bytes;
}

function frame(sectorSizeBytes: number, magic: MagicName, location: number, generation: number): { bytes: Uint8Array; view: DataView } {
  const bytes = frameBytes(sectorSizeBytes, magic, location, generation);
  return { bytes, view: new DataView(bytes.buffer) };
}

/**
 * Per sector length, what each byte value of the check-bits field adds to the
 * CRC-32 of the sector: table[256k + v] for byte 4 + k holding v. CRC-32 is
 * affine in the message (for one length, crc(a ^ b) = crc(a) ^ crc(b) ^
 * crc(zeros)), so a field's share is a function of the field alone.
 */
const checkFieldShares = new Map<number, Uint32Array>();

function checkFieldShareTable(lengthBytes: number): Uint32Array {
  let table = checkFieldShares.get(lengthBytes);
  if (table !== undefined) return table;
  table = new Uint32Array(4 * 256);
  const message = new Uint8Array(lengthBytes);
  const zerosCrc = crc32(message);
  for (let k = 0; k < 4; k++) {
    for (let bit = 0; bit < 8; bit++) {
      message[4 + k] = 1 << bit;
      const share = (crc32(message) ^ zerosCrc) >>> 0;
      message[4 + k] = 0;
      // The share of a byte value is the XOR of the shares of its bits; values below 2^bit are done already.
      for (let value = 1 << bit; value < 2 << bit; value++) table[256 * k + value] = (table[256 * k + (value ^ (1 << bit))]! ^ share) >>> 0;
    }
  }
  checkFieldShares.set(lengthBytes, table);
  return table;
}

/**
 * CRC-32 of the sector as if its check-bits field were zero, without copying
 * it: the CRC of the sector as it stands with the field's share taken out.
 * One crc32 call where hashing around the field took three, and recovery
 * checks every metadata sector of the Cache LU.
 */
function checkBits(bytes: Uint8Array): number {
  const share = checkFieldShareTable(bytes.length);
  return (crc32(bytes) ^ share[bytes[4]!]! ^ share[256 + bytes[5]!]! ^ share[512 + bytes[6]!]! ^ share[768 + bytes[7]!]!) >>> 0;
}

/** Stores a sector's check bits. */
function sealBytes(bytes: Uint8Array): Uint8Array {
  // A sector fresh from frameBytes() has a zero check field, so the CRC of the sector as it stands is its check bits:
  // one crc32 call rather than three (every COFW copy seals two sectors). Otherwise the field is counted as zero.
  const fresh = bytes[4] === 0 && bytes[5] === 0 && bytes[6] === 0 && bytes[7] === 0;
  putU32(bytes, 4, fresh ? crc32(bytes) : checkBits(bytes));
  return bytes;
}

/** Recomputes a framed block's check bits in place (tools that build or repair images). */
export function sealSector(bytes: Uint8Array): Uint8Array {
  return sealBytes(bytes);
}

/** What is wrong with a sector's frame, or undefined when nothing is. */
function frameProblem(bytes: Uint8Array, magic: MagicName, location: number): SectorProblem | undefined {
  if (getU32(bytes, 0) !== Magic[magic]) return isAllZero(bytes) ? "blank" : "bad-magic";
  if (checkBits(bytes) !== getU32(bytes, 4)) return "bad-checksum";
  if (getU32(bytes, 8) !== location >>> 0) return "bad-location";
  return undefined;
}

/** Checks a sector's frame; returns its body view or the problem. */
export function checkFrame(bytes: Uint8Array, magic: MagicName, location: number): { view: DataView; generation: number } | SectorProblem {
  return frameProblem(bytes, magic, location) ?? { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), generation: getU32(bytes, 12) };
}

function decodeWith<T>(bytes: Uint8Array, magic: MagicName, location: number, body: (view: DataView) => T): Decoded<T> {
  const checked = checkFrame(bytes, magic, location);
  if (typeof checked === "string") return { ok: false, problem: checked };
  return { ok: true, value: body(checked.view), generation: checked.generation };
}

const B = SECTOR_HEADER_BYTES;

// ---- 1. Header -------------------------------------------------------------

export interface Header {
  readonly version: number;
  /** Cleared (sticky) when the engine found its own metadata untrustworthy. */
  readonly valid: boolean;
  readonly geometry: Geometry;
}

export function encodeHeader(header: Header): Uint8Array {
  const { sectorSizeBytes } = header.geometry;
  const { bytes, view } = frame(sectorSizeBytes, "header", 0, 0);
  view.setUint32(B + 0, header.version, true);
  view.setUint32(B + 4, header.valid ? 1 : 0, true);
  view.setUint32(B + 8, sectorSizeBytes, true);
  view.setUint32(B + 12, header.geometry.chunkSizeBytes, true);
  view.setUint32(B + 16, header.geometry.regionSizeBytes, true);
  view.setFloat64(B + 24, header.geometry.sourceCapacityBytes, true);
  view.setFloat64(B + 32, header.geometry.cacheCapacityBytes, true);
  return sealBytes(bytes);
}

/** The header is read before the sector size is known: it fits in the first 512 bytes of any sector. */
export function decodeHeader(bytes: Uint8Array): Decoded<Header> {
  const peek = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sectorSizeBytes = bytes.byteLength >= B + 12 ? peek.getUint32(B + 8, true) : 0;
  const sector = sectorSizeBytes > 0 && sectorSizeBytes <= bytes.byteLength ? bytes.subarray(0, sectorSizeBytes) : bytes.subarray(0, 512);
  return decodeWith(sector, "header", 0, (view) => ({
    version: view.getUint32(B + 0, true),
    valid: view.getUint32(B + 4, true) === 1,
    geometry: {
      sectorSizeBytes: view.getUint32(B + 8, true),
      chunkSizeBytes: view.getUint32(B + 12, true),
      regionSizeBytes: view.getUint32(B + 16, true),
      sourceCapacityBytes: view.getFloat64(B + 24, true),
      cacheCapacityBytes: view.getFloat64(B + 32, true),
    },
  }));
}

// ---- 2. Table of contents --------------------------------------------------

export interface TableOfContents {
  readonly firstRegion: number;
  readonly lastRegion: number;
  readonly firstSourceChunk: number;
  readonly lastSourceChunk: number;
  readonly firstCofwChunk: number;
  readonly lastCofwChunk: number;
  readonly mapFirstSector: number;
  readonly recordsFirstSector: number;
  readonly chunksOffsetBytes: number;
}

export function tocOf(layout: Layout): TableOfContents {
  return {
    firstRegion: 0,
    lastRegion: layout.regionCount - 1,
    firstSourceChunk: 0,
    lastSourceChunk: layout.sourceChunkCount - 1,
    firstCofwChunk: 0,
    lastCofwChunk: layout.cofwChunkCount - 1,
    mapFirstSector: layout.mapFirstSector,
    recordsFirstSector: layout.recordsFirstSector,
    chunksOffsetBytes: layout.chunksOffsetBytes,
  };
}

const TOC_FIELDS: ReadonlyArray<keyof TableOfContents> = [
  "firstRegion",
  "lastRegion",
  "firstSourceChunk",
  "lastSourceChunk",
  "firstCofwChunk",
  "lastCofwChunk",
  "mapFirstSector",
  "recordsFirstSector",
  "chunksOffsetBytes",
];

export function encodeToc(layout: Layout, toc: TableOfContents): Uint8Array {
  const { bytes, view } = frame(layout.geometry.sectorSizeBytes, "toc", layout.tocSector, 0);
  TOC_FIELDS.forEach((field, i) => view.setFloat64(B + 8 * i, toc[field], true));
  return sealBytes(bytes);
}

export function decodeToc(layout: Layout, bytes: Uint8Array): Decoded<TableOfContents> {
  return decodeWith(bytes, "toc", layout.tocSector, (view) => {
    const out: Record<string, number> = {};
    TOC_FIELDS.forEach((field, i) => (out[field] = view.getFloat64(B + 8 * i, true)));
    return out as unknown as TableOfContents;
  });
}

// ---- 3. DLM metadata: the session slots ------------------------------------

export type SlotState = "free" | "active";
export type SlotEndReason = "none" | "stopped" | "replaced" | "terminated-cache-full";
const END_REASONS: readonly SlotEndReason[] = ["none", "stopped", "replaced", "terminated-cache-full"];

export interface SlotRecord {
  readonly state: SlotState;
  /** Session sequence number ("Session ID"); 0 for a slot never used. */
  readonly sequence: number;
  readonly endReason: SlotEndReason;
}

export interface DlmMetadata {
  /** The next session sequence number to hand out; numbers are never reused. */
  readonly nextSequence: number;
  readonly slots: readonly SlotRecord[];
}

export function encodeDlmMetadata(layout: Layout, copy: 0 | 1, generation: number, metadata: DlmMetadata): Uint8Array {
  const { bytes, view } = frame(layout.geometry.sectorSizeBytes, "dlmMetadata", layout.dlmMetadataSectors[copy], generation);
  view.setUint32(B, metadata.nextSequence, true);
  metadata.slots.forEach((slot, i) => {
    const at = B + 8 + 8 * i;
    view.setUint8(at, slot.state === "active" ? 1 : 0);
    view.setUint8(at + 1, END_REASONS.indexOf(slot.endReason));
    view.setUint32(at + 4, slot.sequence, true);
  });
  return sealBytes(bytes);
}

export function decodeDlmMetadata(layout: Layout, copy: 0 | 1, bytes: Uint8Array): Decoded<DlmMetadata> {
  return decodeWith(bytes, "dlmMetadata", layout.dlmMetadataSectors[copy], (view) => {
    const slots: SlotRecord[] = [];
    for (let i = 0; i < SESSION_SLOTS; i++) {
      const at = B + 8 + 8 * i;
      slots.push({
        state: view.getUint8(at) === 1 ? "active" : "free",
        endReason: END_REASONS[view.getUint8(at + 1)] ?? "none",
        sequence: view.getUint32(at + 4, true),
      });
    }
    return { nextSequence: view.getUint32(B, true), slots };
  });
}

// ---- 4. COFW chunk repository metadata -------------------------------------

export interface RepositoryMetadata {
  readonly cofwChunkCount: number;
  /** Chunks in use when this copy was written: a hint for reports; the records are the truth. */
  readonly chunksInUse: number;
  /** Set by a clean unmount, cleared when mounted. */
  readonly cleanlyUnmounted: boolean;
}

export function encodeRepositoryMetadata(layout: Layout, copy: 0 | 1, generation: number, metadata: RepositoryMetadata): Uint8Array {
  const { bytes, view } = frame(layout.geometry.sectorSizeBytes, "repositoryMetadata", layout.repositoryMetadataSectors[copy], generation);
  view.setUint32(B, metadata.cofwChunkCount, true);
  view.setUint32(B + 4, metadata.chunksInUse, true);
  view.setUint32(B + 8, metadata.cleanlyUnmounted ? 1 : 0, true);
  return sealBytes(bytes);
}

export function decodeRepositoryMetadata(layout: Layout, copy: 0 | 1, bytes: Uint8Array): Decoded<RepositoryMetadata> {
  return decodeWith(bytes, "repositoryMetadata", layout.repositoryMetadataSectors[copy], (view) => ({
    cofwChunkCount: view.getUint32(B, true),
    chunksInUse: view.getUint32(B + 4, true),
    cleanlyUnmounted: view.getUint32(B + 8, true) === 1,
  }));
}

// ---- 5. Metadata bitmaps: which copy of areas 3 and 4 is current -----------

export interface MetadataBitmap {
  readonly currentDlmCopy: 0 | 1;
  readonly currentRepositoryCopy: 0 | 1;
}

export function encodeMetadataBitmap(layout: Layout, generation: number, bitmap: MetadataBitmap): Uint8Array {
  const { bytes, view } = frame(layout.geometry.sectorSizeBytes, "metadataBitmap", layout.metadataBitmapSector, generation);
  view.setUint8(B, bitmap.currentDlmCopy | (bitmap.currentRepositoryCopy << 1));
  return sealBytes(bytes);
}

export function decodeMetadataBitmap(layout: Layout, bytes: Uint8Array): Decoded<MetadataBitmap> {
  return decodeWith(bytes, "metadataBitmap", layout.metadataBitmapSector, (view) => {
    const bits = view.getUint8(B);
    return { currentDlmCopy: (bits & 1) as 0 | 1, currentRepositoryCopy: ((bits >> 1) & 1) as 0 | 1 };
  });
}

// ---- 6, 7. Region bitmaps (initialized, modified) ---------------------------

export type RegionBitmapKind = "initializedBitmap" | "modifiedBitmap";

/** One sector of a region bitmap: `bits` holds this sector's share, bitsPerBitmapSector bits. */
export function encodeRegionBitmapSector(layout: Layout, kind: RegionBitmapKind, index: number, bits: Uint8Array, into?: Uint8Array): Uint8Array {
  const first = kind === "initializedBitmap" ? layout.initializedBitmapFirstSector : layout.modifiedBitmapFirstSector;
  const bytes = frameBytes(layout.geometry.sectorSizeBytes, kind, first + index, 0, into);
  bytes.set(bits.subarray(0, layout.bitsPerBitmapSector / 8), B);
  return sealBytes(bytes);
}

export function decodeRegionBitmapSector(layout: Layout, kind: RegionBitmapKind, index: number, bytes: Uint8Array): Decoded<Uint8Array> {
  const first = kind === "initializedBitmap" ? layout.initializedBitmapFirstSector : layout.modifiedBitmapFirstSector;
  return decodeWith(bytes, kind, first + index, () => bytes.slice(B, B + layout.bitsPerBitmapSector / 8));
}

// ---- 8. DLM map sectors ----------------------------------------------------

/**
 * A map sector holds `entriesPerMapSector` entries; entry e is 8 u32s, one per
 * session slot: 0 for "no copy", else the COFW chunk number plus one.
 */
export function encodeMapSector(layout: Layout, sector: number, entries: Uint32Array, into?: Uint8Array): Uint8Array {
  const bytes = frameBytes(layout.geometry.sectorSizeBytes, "mapSector", sector, 0, into);
  // Encoded on every copy's commit: one bulk copy where the host's byte order is the disk's.
  if (HOST_IS_LITTLE_ENDIAN) new Uint32Array(bytes.buffer, bytes.byteOffset + B, entries.length).set(entries);
  else for (let i = 0; i < entries.length; i++) putU32(bytes, B + 4 * i, entries[i]!);
  return sealBytes(bytes);
}

/**
 * The entries are a view of `bytes` where the host's byte order is the disk's
 * and the body is 4-byte aligned (the caller must leave `bytes` unchanged
 * while it uses them), else a copy: recovery decodes every map sector of the
 * Cache LU, and a new array per sector (or u32s assembled byte by byte, as
 * DataView.getUint32 would give them) cost more than the rest of the scan.
 */
export function decodeMapSector(layout: Layout, sector: number, bytes: Uint8Array): Decoded<Uint32Array> {
  // Checked here rather than through decodeWith: no DataView and no closure per sector.
  const problem = frameProblem(bytes, "mapSector", sector);
  if (problem !== undefined) return { ok: false, problem };
  const count = layout.entriesPerMapSector * SESSION_SLOTS;
  let entries: Uint32Array;
  if (HOST_IS_LITTLE_ENDIAN && (bytes.byteOffset + B) % 4 === 0) entries = new Uint32Array(bytes.buffer, bytes.byteOffset + B, count);
  else {
    entries = new Uint32Array(count);
    for (let i = 0, at = B; i < count; i++, at += 4) entries[i] = getU32(bytes, at);
  }
  return { ok: true, value: entries, generation: getU32(bytes, 12) };
}

// ---- 9. COFW chunk allocation records --------------------------------------

/**
 * One record describes `chunksPerRecord` consecutive COFW chunks: the 8
 * Session IDs (slot sequence numbers) current when it was written, an
 * allocation bitmap, an in-cache bitmap, a session mask per chunk and, per
 * chunk, the source chunk its copy came from (so recovery can rebuild map
 * regions from records alone).
 */
export interface AllocationRecord {
  readonly sessionIds: Uint32Array;
  readonly allocated: Uint8Array;
  readonly inCache: Uint8Array;
  readonly masks: Uint8Array;
  readonly sourceChunks: Float64Array;
}

export function emptyRecord(layout: Layout): AllocationRecord {
  const n = layout.chunksPerRecord;
  return {
    sessionIds: new Uint32Array(SESSION_SLOTS),
    allocated: new Uint8Array(n),
    inCache: new Uint8Array(n),
    masks: new Uint8Array(n),
    sourceChunks: new Float64Array(n),
  };
}

export function recordSector(layout: Layout, record: number): number {
  return layout.recordsFirstSector + record;
}

/** Where a record's fields start: the allocated and in-cache bitmaps, the masks, then 6 bytes of source chunk per chunk. */
const RECORD_ALLOCATED_AT = B + 4 * SESSION_SLOTS;

/** A record sector framed, its Session IDs in, every chunk free. */
function recordFrame(layout: Layout, index: number, sessionIds: ArrayLike<number>, into: Uint8Array | undefined): Uint8Array {
  const bytes = frameBytes(layout.geometry.sectorSizeBytes, "record", recordSector(layout, index), 0, into);
  for (let s = 0; s < SESSION_SLOTS; s++) putU32(bytes, B + 4 * s, sessionIds[s]!);
  return bytes;
}

/** Writes chunk `i` of a framed record as allocated, with its in-cache bit, mask and source chunk. */
function putRecordChunk(bytes: Uint8Array, n: number, i: number, inCache: boolean, mask: number, source: number): void {
  const inCacheAt = RECORD_ALLOCATED_AT + n / 8;
  const masksAt = inCacheAt + n / 8;
  const sourceAt = masksAt + n + 6 * i;
  bytes[RECORD_ALLOCATED_AT + (i >> 3)]! |= 1 << (i & 7);
  if (inCache) bytes[inCacheAt + (i >> 3)]! |= 1 << (i & 7);
  bytes[masksAt + i] = mask;
  // ToUint32 is the source modulo 2^32 (a non-negative integer below 2^48): `%` by 2^32, a double, was a call into C
  // for each of a record's 64 chunks, on most copies on first write.
  const low = source >>> 0;
  putU32(bytes, sourceAt, low);
  const high = (source - low) / 2 ** 32;
  bytes[sourceAt + 4] = high;
  bytes[sourceAt + 5] = high >>> 8;
}

export function encodeRecord(layout: Layout, index: number, record: AllocationRecord, into?: Uint8Array): Uint8Array {
  const n = layout.chunksPerRecord;
  const bytes = recordFrame(layout, index, record.sessionIds, into);
  const { allocated, inCache, masks, sourceChunks } = record;
  for (let i = 0; i < n; i++) if (allocated[i] === 1) putRecordChunk(bytes, n, i, inCache[i] === 1, masks[i]!, sourceChunks[i]!);
  return sealBytes(bytes);
}

/** How encodeRecordFromColumns reads a chunk's state: free, allocated with its copy not durable, or in cache (this or more). */
export const RecordChunkState = { free: 0, allocated: 1, inCache: 2 } as const;

/**
 * Record `index` of the chunks `first .. first + count` of per-chunk
 * columns, straight into the sector: `states` as RecordChunkState reads
 * them, the mask of a chunk not in cache written as 0 (its copy serves
 * nobody yet), chunks from `count` on free. The engine's chunk table is
 * such columns, and a record is encoded on most copies on first write: a
 * record of the columns first, then the sector, took twice the passes.
 */
export function encodeRecordFromColumns(
  layout: Layout,
  index: number,
  sessionIds: ArrayLike<number>,
  states: Uint8Array,
  masks: Uint8Array,
  sourceChunks: Float64Array,
  first: number,
  count: number,
  into?: Uint8Array,
): Uint8Array {
  const n = layout.chunksPerRecord;
  const bytes = recordFrame(layout, index, sessionIds, into);
  for (let i = 0; i < Math.min(n, count); i++) {
    const state = states[first + i]!;
    if (state === RecordChunkState.free) continue;
    const inCache = state >= RecordChunkState.inCache;
    putRecordChunk(bytes, n, i, inCache, inCache ? masks[first + i]! : 0, sourceChunks[first + i]!);
  }
  return sealBytes(bytes);
}

export function decodeRecord(layout: Layout, index: number, bytes: Uint8Array): Decoded<AllocationRecord> {
  const n = layout.chunksPerRecord;
  // Checked here rather than through decodeWith, and read byte by byte rather than through a DataView: no DataView and
  // no closure per record, and recovery decodes every record of the Cache LU.
  const problem = frameProblem(bytes, "record", recordSector(layout, index));
  if (problem !== undefined) return { ok: false, problem };
  const record = emptyRecord(layout);
  for (let s = 0; s < SESSION_SLOTS; s++) record.sessionIds[s] = getU32(bytes, B + 4 * s);
  const allocatedAt = RECORD_ALLOCATED_AT;
  const inCacheAt = allocatedAt + n / 8;
  const masksAt = inCacheAt + n / 8;
  const sourcesAt = masksAt + n;
  for (let i = 0; i < n; i++) {
    record.allocated[i] = (bytes[allocatedAt + (i >> 3)]! >> (i & 7)) & 1;
    record.inCache[i] = (bytes[inCacheAt + (i >> 3)]! >> (i & 7)) & 1;
    record.masks[i] = bytes[masksAt + i]!;
    const at = sourcesAt + 6 * i;
    record.sourceChunks[i] = getU32(bytes, at) + (bytes[at + 4]! | (bytes[at + 5]! << 8)) * 2 ** 32;
  }
  return { ok: true, value: record, generation: getU32(bytes, 12) };
}
