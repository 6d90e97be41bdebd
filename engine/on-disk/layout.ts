import { GeometryError } from "../errors.js";

/**
 * Where everything lives on the Cache LU, in DESIGN.md's order. Every
 * metadata structure is made of whole sectors, and every metadata write is a
 * single sector: the crash model never tears one sector, so an in-place
 * sector update is atomic, and check bits still catch garbage and misdirected
 * writes.
 */
export interface Geometry {
  readonly sectorSizeBytes: number;
  readonly chunkSizeBytes: number;
  /** Size of one DLM map region on disk. */
  readonly regionSizeBytes: number;
  readonly sourceCapacityBytes: number;
  readonly cacheCapacityBytes: number;
}

export interface Layout {
  readonly geometry: Geometry;
  readonly sourceChunkCount: number;
  /** Map entries (one per source chunk) in one map sector. */
  readonly entriesPerMapSector: number;
  readonly mapSectorsPerRegion: number;
  readonly entriesPerRegion: number;
  readonly regionCount: number;
  /** COFW chunks described by one allocation record (one sector). */
  readonly chunksPerRecord: number;
  readonly recordCount: number;
  readonly cofwChunkCount: number;
  readonly bitsPerBitmapSector: number;
  readonly bitmapSectorCount: number;
  /** Sector numbers on the Cache LU. */
  readonly headerSector: number;
  readonly tocSector: number;
  readonly dlmMetadataSectors: readonly [number, number];
  readonly repositoryMetadataSectors: readonly [number, number];
  readonly metadataBitmapSector: number;
  readonly initializedBitmapFirstSector: number;
  readonly modifiedBitmapFirstSector: number;
  readonly mapFirstSector: number;
  readonly recordsFirstSector: number;
  /**
   * Byte offset of COFW chunk 0: the first multiple of the chunk size after
   * the records, so every copy is one chunk-aligned I/O (as a real array
   * aligns its chunks to its stripes and flash pages), and a simulated
   * device keeps each copy in one content bucket rather than two.
   */
  readonly chunksOffsetBytes: number;
}

export const SESSION_SLOTS = 8;
/** Every metadata sector starts with magic, check bits, location and a generation. */
export const SECTOR_HEADER_BYTES = 16;
export const MAP_ENTRY_BYTES = 4 * SESSION_SLOTS;
/** A record's fixed part: the 8 Session IDs. */
export const RECORD_SESSION_IDS_BYTES = 4 * SESSION_SLOTS;
/** Per chunk in a record: session mask (1 byte) and source chunk number (6 bytes). */
export const RECORD_BYTES_PER_CHUNK = 7;
export const MIN_CHUNK_BYTES = 4096;
export const MAX_CHUNK_BYTES = 1024 * 1024;

const isPowerOfTwo = (n: number) => Number.isSafeInteger(n) && n > 0 && (n & (n - 1)) === 0;

/** Largest multiple of 8 chunks whose mask, source and two bitmaps fit the record body. */
function chunksPerRecordFor(sectorSizeBytes: number): number {
  const bodyBytes = sectorSizeBytes - SECTOR_HEADER_BYTES - RECORD_SESSION_IDS_BYTES;
  let chunks = Math.floor(bodyBytes / (RECORD_BYTES_PER_CHUNK + 0.25) / 8) * 8;
  while (chunks * RECORD_BYTES_PER_CHUNK + 2 * (chunks / 8) > bodyBytes) chunks -= 8;
  return chunks;
}

export function computeLayout(geometry: Geometry): Layout {
  const { sectorSizeBytes, chunkSizeBytes, regionSizeBytes, sourceCapacityBytes, cacheCapacityBytes } = geometry;
  if (sectorSizeBytes !== 512 && sectorSizeBytes !== 4096) {
    throw new GeometryError(`sector size must be 512 or 4096 bytes, got ${sectorSizeBytes}`);
  }
  if (!isPowerOfTwo(chunkSizeBytes) || chunkSizeBytes < MIN_CHUNK_BYTES || chunkSizeBytes > MAX_CHUNK_BYTES) {
    throw new GeometryError(`chunk size must be a power of two from 4 KiB to 1 MiB, got ${chunkSizeBytes} bytes`);
  }
  if (chunkSizeBytes < sectorSizeBytes) {
    throw new GeometryError(`chunk size ${chunkSizeBytes} is smaller than the ${sectorSizeBytes}-byte sector`);
  }
  if (!Number.isSafeInteger(regionSizeBytes) || regionSizeBytes < sectorSizeBytes || regionSizeBytes % sectorSizeBytes !== 0) {
    throw new GeometryError(`region size must be a positive multiple of the ${sectorSizeBytes}-byte sector, got ${regionSizeBytes} bytes`);
  }
  for (const [name, capacity] of [["Source LU", sourceCapacityBytes], ["Cache LU", cacheCapacityBytes]] as const) {
    if (!Number.isSafeInteger(capacity) || capacity <= 0 || capacity % sectorSizeBytes !== 0) {
      throw new GeometryError(`${name} capacity must be a positive multiple of the ${sectorSizeBytes}-byte sector, got ${capacity} bytes`, name === "Source LU" ? "source" : "cache");
    }
  }
  const sourceChunkCount = Math.ceil(sourceCapacityBytes / chunkSizeBytes);
  if (sourceChunkCount >= 2 ** 48) throw new GeometryError(`Source LU has ${sourceChunkCount} chunks; at most 2^48 are addressable`, "source");

  const entriesPerMapSector = Math.floor((sectorSizeBytes - SECTOR_HEADER_BYTES) / MAP_ENTRY_BYTES);
  const mapSectorsPerRegion = regionSizeBytes / sectorSizeBytes;
  const entriesPerRegion = entriesPerMapSector * mapSectorsPerRegion;
  const regionCount = Math.ceil(sourceChunkCount / entriesPerRegion);
  const bitsPerBitmapSector = (sectorSizeBytes - SECTOR_HEADER_BYTES) * 8;
  const bitmapSectorCount = Math.ceil(regionCount / bitsPerBitmapSector);
  const chunksPerRecord = chunksPerRecordFor(sectorSizeBytes);

  const headerSector = 0;
  const tocSector = 1;
  const dlmMetadataSectors = [2, 3] as const;
  const repositoryMetadataSectors = [4, 5] as const;
  const metadataBitmapSector = 6;
  const initializedBitmapFirstSector = 7;
  const modifiedBitmapFirstSector = initializedBitmapFirstSector + bitmapSectorCount;
  const mapFirstSector = modifiedBitmapFirstSector + bitmapSectorCount;
  const recordsFirstSector = mapFirstSector + regionCount * mapSectorsPerRegion;

  // Each COFW chunk costs its data plus its share of a record sector. The chunks start at a multiple of the chunk
  // size (see chunksAreaFirstSector), so up to a chunk less one sector of padding may sit before them.
  const cacheSectors = cacheCapacityBytes / sectorSizeBytes;
  const sectorsPerChunk = chunkSizeBytes / sectorSizeBytes;
  const freeSectors = cacheSectors - recordsFirstSector;
  const chunksAreaFirstSector = (chunkCount: number) => Math.ceil((recordsFirstSector + Math.ceil(chunkCount / chunksPerRecord)) / sectorsPerChunk) * sectorsPerChunk;
  let cofwChunkCount = Math.max(0, Math.floor((freeSectors * chunksPerRecord) / (chunksPerRecord * sectorsPerChunk + 1)));
  while (cofwChunkCount > 0 && chunksAreaFirstSector(cofwChunkCount) + cofwChunkCount * sectorsPerChunk > cacheSectors) cofwChunkCount--;
  if (cofwChunkCount < 1) {
    const metadataBytes = recordsFirstSector * sectorSizeBytes;
    throw new GeometryError(
      `Cache LU of ${cacheCapacityBytes} bytes is too small: its metadata for a ${sourceCapacityBytes}-byte Source LU ` +
        `takes ${metadataBytes} bytes, leaving no room for one ${chunkSizeBytes}-byte COFW chunk and its record`,
      "cache",
    );
  }
  if (cofwChunkCount >= 2 ** 32 - 1) cofwChunkCount = 2 ** 32 - 2;
  const recordCount = Math.ceil(cofwChunkCount / chunksPerRecord);
  const chunksOffsetBytes = chunksAreaFirstSector(cofwChunkCount) * sectorSizeBytes;

  return {
    geometry,
    sourceChunkCount,
    entriesPerMapSector,
    mapSectorsPerRegion,
    entriesPerRegion,
    regionCount,
    chunksPerRecord,
    recordCount,
    cofwChunkCount,
    bitsPerBitmapSector,
    bitmapSectorCount,
    headerSector,
    tocSector,
    dlmMetadataSectors,
    repositoryMetadataSectors,
    metadataBitmapSector,
    initializedBitmapFirstSector,
    modifiedBitmapFirstSector,
    mapFirstSector,
    recordsFirstSector,
    chunksOffsetBytes,
  };
}

/** The map sector (absolute sector number) that holds a source chunk's entry. */
export function mapSectorOf(layout: Layout, sourceChunk: number): number {
  return layout.mapFirstSector + Math.floor(sourceChunk / layout.entriesPerMapSector);
}

export function regionOf(layout: Layout, sourceChunk: number): number {
  return Math.floor(sourceChunk / layout.entriesPerRegion);
}

export function recordOf(layout: Layout, cofwChunk: number): number {
  return Math.floor(cofwChunk / layout.chunksPerRecord);
}

/** A source chunk's length: the chunk size, or less for the last chunk of a Source LU that is not a multiple of it. */
export function sourceChunkLengthBytes(layout: Layout, sourceChunk: number): number {
  const chunkSize = layout.geometry.chunkSizeBytes;
  return Math.min(chunkSize, layout.geometry.sourceCapacityBytes - sourceChunk * chunkSize);
}

export function cofwChunkOffsetBytes(layout: Layout, cofwChunk: number): number {
  return layout.chunksOffsetBytes + cofwChunk * layout.geometry.chunkSizeBytes;
}
