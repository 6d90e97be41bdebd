import type { BlockDevice } from "../io/block-device.js";
import type { Coroutine } from "../io/coroutine.js";
import { Payload } from "../io/payload.js";
import { zeroCounters } from "./counters.js";
import { CofwEngine } from "./engine.js";
import { FORMAT_VERSION, encodeDlmMetadata, encodeHeader, encodeMetadataBitmap, encodeRepositoryMetadata, encodeToc, tocOf } from "./on-disk/codec.js";
import { computeLayout } from "./on-disk/layout.js";
import { GeometryError } from "./errors.js";
import type { CommitPolicy } from "./policies/commit-policy.js";
import { Sessions } from "./sessions.js";

export interface FormatOptions {
  readonly chunkSizeBytes: number;
  readonly regionSizeBytes: number;
  readonly policy: CommitPolicy;
  /**
   * The metadata block size (512 or 4096), by default the Cache LU device's
   * sector size. A larger block than the device's sector is allowed; the
   * engine then relies on the device writing a block atomically, and a torn
   * block is detected by its check bits and refused at mount.
   */
  readonly sectorSizeBytes?: number;
}

/**
 * Creates a Cache LU for a Source LU and returns an engine mounted on it.
 * Order: invalidate any old header (FUA) -> zero the records area -> TOC,
 * slots, repository metadata, metadata bitmap, region bitmaps -> flush ->
 * header (FUA). The Cache LU counts as formatted only once its header is
 * durable, so a crash in the middle leaves an unformatted LU, never a mix of
 * old and new. Map regions are not touched: the initialized-regions bitmap
 * says they are empty, so formatting costs the same for any Source LU size.
 */
export function* formatCacheLu(source: BlockDevice, cache: BlockDevice, options: FormatOptions): Coroutine<CofwEngine> {
  const sectorSizeBytes = options.sectorSizeBytes ?? cache.sectorSizeBytes;
  if (sectorSizeBytes % cache.sectorSizeBytes !== 0) {
    throw new GeometryError(`metadata block of ${sectorSizeBytes} bytes is not a multiple of ${cache.name}'s ${cache.sectorSizeBytes}-byte sector`);
  }
  const layout = computeLayout({
    sectorSizeBytes,
    chunkSizeBytes: options.chunkSizeBytes,
    regionSizeBytes: options.regionSizeBytes,
    sourceCapacityBytes: source.capacityBytes,
    cacheCapacityBytes: cache.capacityBytes,
  });
  const sessions = Sessions.fresh();
  const parts = CofwEngine.assemble(layout, source, cache, sessions, options.policy, zeroCounters());
  const { io, metadata } = parts;
  const sector = layout.geometry.sectorSizeBytes;
  yield* io.write(cache, 0, Payload.zero(sector), true);
  yield* io.write(cache, layout.recordsFirstSector * sector, Payload.zero(layout.recordCount * sector), false);
  yield* io.writeMetadata(layout.tocSector, encodeToc(layout, tocOf(layout)), false);
  yield* io.writeMetadata(layout.dlmMetadataSectors[0], encodeDlmMetadata(layout, 0, 1, sessions.snapshot()), false);
  const repository = { cofwChunkCount: layout.cofwChunkCount, chunksInUse: 0, cleanlyUnmounted: false };
  yield* io.writeMetadata(layout.repositoryMetadataSectors[0], encodeRepositoryMetadata(layout, 0, 1, repository), false);
  yield* io.writeMetadata(layout.metadataBitmapSector, encodeMetadataBitmap(layout, 1, { currentDlmCopy: 0, currentRepositoryCopy: 0 }), false);
  metadata.metadataBitmapGeneration = 1;
  yield* metadata.writeAllRegionBitmaps(false);
  yield* io.flush(cache);
  yield* io.writeMetadata(layout.headerSector, encodeHeader({ version: FORMAT_VERSION, valid: true, geometry: layout.geometry }), true);
  return new CofwEngine(parts);
}
