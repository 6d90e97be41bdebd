import type { BlockDevice } from "../io/block-device.js";
import type { Coroutine } from "../io/coroutine.js";
import { zeroCounters } from "./counters.js";
import { DeviceIo } from "./device-io.js";
import { CofwEngine } from "./engine.js";
import { MountError, assert } from "./errors.js";
import type { CommitPolicy } from "./policies/commit-policy.js";
import { scanCacheLu, type Finding, type ScanResult } from "./scan.js";
import { Sessions } from "./sessions.js";
import type { MetadataDecoder } from "./on-disk/decoder.js";
import { ORDERED_REPAIR, type RecoveryRepair } from "./repair.js";

export interface MountOptions {
  readonly policy: CommitPolicy;
  /** How metadata blocks are read; the reference decoder unless told otherwise (see MetadataDecoder). */
  readonly decoder?: MetadataDecoder;
  /** How the mount's repairs reach disk; ORDERED_REPAIR unless told otherwise (see RecoveryRepair). */
  readonly repair?: RecoveryRepair;
}

const REASON_BY_CODE: Record<string, MountError["reason"]> = {
  "not-formatted": "not-formatted",
  "unknown-version": "unknown-version",
  "geometry-mismatch": "geometry-mismatch",
  "marked-invalid": "marked-invalid",
};

/** Fatal findings a refusal's message spells out; the rest are counted there (every one is in `findings`). */
const FINDINGS_IN_MESSAGE = 10;

/** Refusal to mount, with every fatal finding of the scan. */
export class RecoveryRefused extends MountError {
  constructor(readonly findings: readonly Finding[]) {
    const fatal = findings.filter((f) => f.severity === "fatal");
    const first = fatal[0];
    // A wrecked Cache LU can have a finding per sector: a message of thousands would bury the first ones.
    const shown = fatal.slice(0, FINDINGS_IN_MESSAGE).map((f) => f.message);
    if (fatal.length > FINDINGS_IN_MESSAGE) shown.push(`and ${fatal.length - FINDINGS_IN_MESSAGE} more fatal findings`);
    super(REASON_BY_CODE[first?.code ?? ""] ?? "corrupt-metadata", `mount refused: ${shown.join("; ")}`);
  }
}

/**
 * Mounts an existing Cache LU: everything is rebuilt from the Cache LU alone.
 * The scan validates every map entry against its allocation record; modified
 * regions are rebuilt from records. Then, before any new copy can reuse
 * space, the repairs reach disk (repair.ts: records of unreachable chunks
 * rewritten as free, rebuilt regions written back and their modified bits
 * cleared, the repository marked mounted, not cleanly unmounted).
 */
export function* mountCacheLu(source: BlockDevice, cache: BlockDevice, options: MountOptions): Coroutine<CofwEngine> {
  const counters = zeroCounters();
  const scan: ScanResult = yield* scanCacheLu(new DeviceIo(source, cache, counters), source, options.decoder);
  if (scan.findings.some((f) => f.severity === "fatal")) throw new RecoveryRefused(scan.findings);
  const { layout, dlm, entries, chunkSources, chunkMasks, regionInitialized, regionModified, reclaimableChunks, recordedChunkEnd } = scan;
  if (!layout || !dlm || !entries || !chunkSources || !chunkMasks || !regionInitialized || !regionModified || !reclaimableChunks || recordedChunkEnd === undefined) {
    throw new RecoveryRefused([{ severity: "fatal", code: "scan-incomplete", invariant: 6, message: "the Cache LU scan stopped early" }]);
  }
  const sessions = new Sessions(dlm);
  const parts = CofwEngine.assemble(layout, source, cache, sessions, options.policy, counters);
  const { metadata, chunks, map } = parts;
  metadata.dlmCopy = scan.dlmCopy ?? 0;
  metadata.repositoryCopy = scan.repositoryCopy ?? 0;
  metadata.metadataBitmapGeneration = scan.metadataBitmapGeneration ?? 0;
  metadata.regionInitialized.set(regionInitialized);
  // No chunk at or past recordedChunkEnd is in use (see the scan): the walk and the free list stop there.
  for (let chunk = 0; chunk < recordedChunkEnd; chunk++) {
    if (chunkMasks[chunk] !== 0) chunks.restore(chunk, chunkSources[chunk]!, chunkMasks[chunk]!);
  }
  chunks.finishRestore(recordedChunkEnd);
  // Every valid entry is of a live session (its record vouches for it), and no (source chunk, slot) has two (see the scan).
  const sequences = Array.from(sessions.liveSequences);
  entries.forEachRun((sourceChunk, slots, copy) => {
    const taken = map.setSlots(sourceChunk, slots, sequences, copy);
    assert(taken < 0, () => `the scan found two copies of source chunk ${sourceChunk} for slot ${taken}: ${map.copyFor(sourceChunk, taken, sequences[taken]!)} and ${copy}`);
  });
  counters.recoveryBytesRead = scan.bytesRead;
  counters.recoveryChunksReclaimed = reclaimableChunks.length;

  const reclaimedRecords = [...new Set(reclaimableChunks.map((chunk) => Math.floor(chunk / layout.chunksPerRecord)))];

  // Rebuilt regions are rewritten whole: zeroed, then every sector that has entries.
  let rebuilt = 0;
  for (let region = 0; region < layout.regionCount; region++) {
    if (regionModified[region] !== 1) continue;
    rebuilt++;
    metadata.regionModified[region] = 1;
    metadata.regionInitialized[region] = 0;
  }
  // Skipped when nothing is rebuilt: a clean mount of a million-copy Cache LU has millions of entries to walk for nothing.
  if (rebuilt > 0) {
    entries.forEachRun((sourceChunk) => {
      if (regionModified[metadata.regionOfChunk(sourceChunk)] === 1) metadata.noteMapChange(metadata.mapSectorOfChunk(sourceChunk));
    });
  }
  metadata.adoptModifiedRegions();
  counters.recoveryRegionsRebuilt = rebuilt;
  const repository = { cofwChunkCount: layout.cofwChunkCount, chunksInUse: chunks.inUse, cleanlyUnmounted: false };
  yield* (options.repair ?? ORDERED_REPAIR).repair(metadata, { reclaimedRecords, rebuiltRegions: metadata.modifiedRegions(), repository });
  return new CofwEngine(parts);
}
