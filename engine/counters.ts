import { withDoubleFields } from "../io/double-fields.js";

/** What the engine did, for results and reports. All counts since format or mount. */
export interface EngineCounters {
  hostWrites: number;
  hostBytesWritten: number;
  hostReads: number;
  hostBytesRead: number;
  phantomReads: number;
  phantomBytesRead: number;
  hostFlushes: number;
  /** Copies made on first write (one copy may serve several sessions). */
  cofwCopies: number;
  bytesCopied: number;
  /** Chunks written back to the Source LU by rollbacks. */
  rollbackChunks: number;
  metadataWrites: number;
  metadataBytesWritten: number;
  /** Flushes the engine issued to either device. */
  flushes: number;
  /** Every byte the engine wrote to either device: host data, copies, metadata. */
  deviceBytesWritten: number;
  deviceBytesRead: number;
  /** Host writes that waited for a copy of their chunk already in progress. */
  copyWaits: number;
  chunksInUse: number;
  sessionsStarted: number;
  sessionsStopped: number;
  sessionsTerminated: number;
  /** Bytes read from the Cache LU by the last mount. */
  recoveryBytesRead: number;
  /** Chunks the last mount found allocated but unreachable, and freed. */
  recoveryChunksReclaimed: number;
  /** Map regions the last mount rebuilt from allocation records. */
  recoveryRegionsRebuilt: number;
}

const BYTE_COUNTERS: readonly (keyof EngineCounters)[] = ["hostBytesWritten", "hostBytesRead", "phantomBytesRead", "bytesCopied", "metadataBytesWritten", "deviceBytesWritten", "deviceBytesRead", "recoveryBytesRead"];

export function zeroCounters(): EngineCounters {
  const counters: EngineCounters = {
    hostWrites: 0,
    hostBytesWritten: 0,
    hostReads: 0,
    hostBytesRead: 0,
    phantomReads: 0,
    phantomBytesRead: 0,
    hostFlushes: 0,
    cofwCopies: 0,
    bytesCopied: 0,
    rollbackChunks: 0,
    metadataWrites: 0,
    metadataBytesWritten: 0,
    flushes: 0,
    deviceBytesWritten: 0,
    deviceBytesRead: 0,
    copyWaits: 0,
    chunksInUse: 0,
    sessionsStarted: 0,
    sessionsStopped: 0,
    sessionsTerminated: 0,
    recoveryBytesRead: 0,
    recoveryChunksReclaimed: 0,
    recoveryRegionsRebuilt: 0,
  };
  // Byte counts pass 2^30 early in a run (see withDoubleFields). Counts of operations stay small integers, which V8
  // reads and writes without a box, unless a run makes a billion of one.
  return withDoubleFields(counters, BYTE_COUNTERS);
}

/** The counters that are not totals of the run: a gauge, and the last mount's figures. Every other counter only grows. */
const NOT_TOTALS: ReadonlySet<string> = new Set<keyof EngineCounters>(["chunksInUse", "recoveryBytesRead", "recoveryChunksReclaimed", "recoveryRegionsRebuilt"]);

/**
 * What the counters grew by since `before`, a copy taken earlier; gauges and
 * the last mount's figures as they are now. A run's counters without the
 * writes that formatted the Cache LU before it.
 */
export function countersSince(now: EngineCounters, before: EngineCounters): EngineCounters {
  const since = { ...now };
  for (const key of Object.keys(since) as Array<keyof EngineCounters>) if (!NOT_TOTALS.has(key)) since[key] = now[key] - before[key];
  return since;
}

export function writeAmplification(counters: EngineCounters): number {
  return counters.hostBytesWritten === 0 ? 0 : counters.deviceBytesWritten / counters.hostBytesWritten;
}
