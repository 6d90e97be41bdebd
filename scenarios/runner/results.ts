import type { FioDirection } from "./op-stats.js";

/** What `cofwsim run` writes to results.json (beside a separate, non-deterministic `wall` section). */
export interface SessionRecord {
  /** A scheduled operation, or "terminate": the engine ended the session because the Cache LU was full. */
  readonly action: "start" | "stop" | "replace" | "rollback" | "terminate";
  readonly slot: number;
  /** Simulated times since the Cache LU was ready. */
  readonly requestedAtNs: number;
  doneAtNs?: number;
  sequence?: number;
  error?: string;
}

export interface RunResults {
  readonly manifest: {
    readonly cofwsimVersion: string;
    readonly scenario: { readonly name: string; readonly file: string; readonly contentHash: string };
    readonly seed: string;
  };
  /** fio's JSON shape: one entry per job (clones together) or trace. */
  readonly jobs: ReadonlyArray<{ readonly jobname: string; readonly read: FioDirection; readonly write: FioDirection }>;
  readonly engine: {
    readonly commitPolicy: string;
    readonly chunkSizeBytes: number;
    readonly regionSizeBytes: number;
    readonly cofwCopies: number;
    readonly copiesPerHostWrite: number;
    readonly bytesCopied: number;
    readonly hostWrites: number;
    readonly hostBytesWritten: number;
    readonly hostReads: number;
    readonly phantomReads: number;
    readonly deviceBytesWritten: number;
    readonly writeAmplification: number;
    readonly metadataWrites: number;
    readonly metadataBytesWritten: number;
    readonly flushes: number;
    readonly hostFlushes: number;
    readonly copyWaits: number;
    readonly cacheChunksUsed: number;
    readonly cacheChunksTotal: number;
    readonly sessionsStarted: number;
    readonly sessionsTerminated: number;
    readonly rollbackChunks: number;
    /** Simulated time a fresh engine takes to mount the Cache LU after the run (no clean unmount). */
    readonly recoveryNs: number;
    readonly recoveryBytesRead: number;
    readonly recoveryRegionsRebuilt: number;
  };
  readonly devices: { readonly source: string; readonly cache: string };
  /** Simulated ns since the Cache LU was ready (format took `formatNs` before that). */
  readonly window: { readonly startNs: number; readonly endNs: number; readonly simulatedEndNs: number; readonly formatNs: number };
  readonly sessions: readonly SessionRecord[];
  /** Facts the reader needs: address mappings, ignored options, skipped reads. */
  readonly notes: readonly string[];
  /** Things that went wrong in the run (a session op on an empty slot...): the run exits 1. */
  readonly problems: readonly string[];
}

export interface WallFigures {
  readonly wallSeconds: number;
  /** The part of wallSeconds spent reading the workloads (traces, fio files) before the first host I/O: most of a large trace's run. */
  readonly workloadReadSeconds: number;
  readonly events: number;
  readonly eventsPerSecond: number;
  readonly simulatedToWallRatio: number;
  readonly peakRssBytes: number;
  readonly hostIosPerWallSecond: number;
}
