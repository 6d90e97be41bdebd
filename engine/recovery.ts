import type { BlockDevice } from "../io/block-device.js";
import { all, type Coroutine } from "../io/coroutine.js";
import { zeroCounters } from "./counters.js";
import { DeviceIo } from "./device-io.js";
import { CofwEngine } from "./engine.js";
import { MountError } from "./errors.js";
import type { CommitPolicy } from "./policies/commit-policy.js";
import { scanCacheLu, type Finding, type ScanResult } from "./scan.js";
import { Sessions } from "./sessions.js";
import type { MetadataDecoder } from "./on-disk/decoder.js";

export interface MountOptions {
  readonly policy: CommitPolicy;
  /** How metadata blocks are read; the reference decoder unless told otherwise (see MetadataDecoder). */
  readonly decoder?: MetadataDecoder;
}

const REASON_BY_CODE: Record<string, MountError["reason"]> = {
  "not-formatted": "not-formatted",
  "unknown-version": "unknown-version",
  "geometry-mismatch": "geometry-mismatch",
  "marked-invalid": "marked-invalid",
};

/** Refusal to mount, with every fatal finding of the scan. */
export class RecoveryRefused extends MountError {
  constructor(readonly findings: readonly Finding[]) {
    const fatal = findings.filter((f) => f.severity === "fatal");
    const first = fatal[0];
    super(REASON_BY_CODE[first?.code ?? ""] ?? "corrupt-metadata", `mount refused: ${fatal.map((f) => f.message).join("; ")}`);
  }
}

/**
 * Mounts an existing Cache LU: everything is rebuilt from the Cache LU alone.
 * The scan validates every map entry against its allocation record; modified
 * regions are rebuilt from records. Then, before any new copy can reuse
 * space: records of unreachable chunks are rewritten as free (FUA), rebuilt
 * regions are written back and their modified bits cleared, and the
 * repository metadata records that the LU is mounted (not cleanly unmounted).
 */
export function* mountCacheLu(source: BlockDevice, cache: BlockDevice, options: MountOptions): Coroutine<CofwEngine> {
  const counters = zeroCounters();
  const scan: ScanResult = yield* scanCacheLu(new DeviceIo(source, cache, counters), source, options.decoder);
  if (scan.findings.some((f) => f.severity === "fatal")) throw new RecoveryRefused(scan.findings);
  const { layout, dlm, entries, chunkSources, chunkMasks, regionInitialized, regionModified, reclaimableChunks } = scan;
  if (!layout || !dlm || !entries || !chunkSources || !chunkMasks || !regionInitialized || !regionModified || !reclaimableChunks) {
    throw new RecoveryRefused([{ severity: "fatal", code: "scan-incomplete", invariant: 6, message: "the Cache LU scan stopped early" }]);
  }
  const sessions = new Sessions(dlm);
  const parts = CofwEngine.assemble(layout, source, cache, sessions, options.policy, counters);
  const { metadata, chunks, map } = parts;
  metadata.dlmCopy = scan.dlmCopy ?? 0;
  metadata.repositoryCopy = scan.repositoryCopy ?? 0;
  metadata.metadataBitmapGeneration = scan.metadataBitmapGeneration ?? 0;
  metadata.regionInitialized.set(regionInitialized);
  for (let chunk = 0; chunk < layout.cofwChunkCount; chunk++) {
    if (chunkMasks[chunk] !== 0) chunks.restore(chunk, chunkSources[chunk]!, chunkMasks[chunk]!);
  }
  chunks.finishRestore();
  entries.forEach((sourceChunk, slot, copy) => map.set(sourceChunk, slot, sessions.activeSequence(slot)!, copy));
  counters.recoveryBytesRead = scan.bytesRead;
  counters.recoveryChunksReclaimed = reclaimableChunks.length;

  const records = [...new Set(reclaimableChunks.map((chunk) => Math.floor(chunk / layout.chunksPerRecord)))];
  yield* all(records.map((record) => metadata.writeRecordOf(record * layout.chunksPerRecord, true)));

  // Rebuilt regions are rewritten whole: zeroed, then every sector that has entries.
  let rebuilt = 0;
  for (let region = 0; region < layout.regionCount; region++) {
    if (regionModified[region] !== 1) continue;
    rebuilt++;
    metadata.regionModified[region] = 1;
    metadata.regionInitialized[region] = 0;
  }
  entries.forEach((sourceChunk) => {
    if (regionModified[metadata.regionOfChunk(sourceChunk)] === 1) metadata.noteMapChange(metadata.mapSectorOfChunk(sourceChunk));
  });
  metadata.adoptModifiedRegions();
  yield* all(metadata.modifiedRegions().map((region) => metadata.writeBackRegion(region)));
  counters.recoveryRegionsRebuilt = rebuilt;
  yield* metadata.commitRepository({ cofwChunkCount: layout.cofwChunkCount, chunksInUse: chunks.inUse, cleanlyUnmounted: false });
  return new CofwEngine(parts);
}
