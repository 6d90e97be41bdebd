import type { BlockDevice } from "../io/block-device.js";
import type { Coroutine } from "../io/coroutine.js";
import { zeroCounters } from "./counters.js";
import { DeviceIo } from "./device-io.js";
import { scanCacheLu, type Finding } from "./scan.js";

export interface FsckReport {
  /** True when a mount would be refused. */
  readonly clean: boolean;
  readonly fatal: readonly Finding[];
  readonly repairable: readonly Finding[];
  readonly bytesRead: number;
  readonly summary: {
    readonly liveSessions: number;
    readonly validMapEntries: number;
    readonly chunksInUse: number;
    readonly unreachableChunks: number;
    readonly staleMapEntries: number;
  };
}

/**
 * Checks a Cache LU image, read-only, against every invariant that needs no
 * knowledge of what the host wrote: format integrity, check bits, sequence
 * numbers never reused, map entries vouched for by their records, nothing
 * referenced twice, nothing allocated and unreachable. Fatal findings are
 * those that make a mount refuse; repairable ones a mount fixes.
 */
export function* fsck(source: BlockDevice | undefined, cache: BlockDevice): Coroutine<FsckReport> {
  const scan = yield* scanCacheLu(new DeviceIo(source ?? cache, cache, zeroCounters()), source);
  const fatal = scan.findings.filter((f) => f.severity === "fatal");
  const repairable = scan.findings.filter((f) => f.severity === "repairable");
  let chunksInUse = 0;
  for (const mask of scan.chunkMasks ?? []) if (mask !== 0) chunksInUse++;
  return {
    clean: fatal.length === 0,
    fatal,
    repairable,
    bytesRead: scan.bytesRead,
    summary: {
      liveSessions: scan.dlm?.slots.filter((slot) => slot.state === "active").length ?? 0,
      validMapEntries: scan.entries?.length ?? 0,
      chunksInUse,
      unreachableChunks: scan.reclaimableChunks?.length ?? 0,
      staleMapEntries: scan.staleEntries ?? 0,
    },
  };
}
