/**
 * A scenario after validation: every size in bytes, every time in integer
 * nanoseconds, every default filled in. The file format (YAML or JSON, units
 * like "64KiB" or "10ms") is parsed and checked by scenarios/schema/, which
 * produces exactly this; everything downstream (runner, workloads, importers)
 * reads only these types.
 */
import type { CommitPolicyName } from "../engine/index.js";

// ---- devices ------------------------------------------------------------------

export interface DeviceCommon {
  readonly capacityBytes: number;
  readonly sectorSizeBytes: number;
  readonly queueDepth: number;
  /** A volatile write cache: completed writes are durable only after a flush or with FUA. */
  readonly writeCache: boolean;
}

export type LatencyModelSpec =
  | { readonly model: "instant" }
  | {
      readonly model: "fixed";
      readonly latencyNs: number;
      readonly readLatencyNs?: number;
      readonly writeLatencyNs?: number;
      readonly bandwidthBytesPerSec: number;
      readonly parallelism: number;
      readonly flushLatencyNs: number;
    }
  | { readonly model: "exponential"; readonly meanServiceNs: number; readonly minServiceNs: number; readonly parallelism: number; readonly flushNs: number }
  | {
      readonly model: "rotating";
      readonly rpm: number;
      readonly sectorsPerTrack: number;
      readonly heads: number;
      readonly trackToTrackSeekNs: number;
      readonly fullStrokeSeekNs: number;
      readonly scheduler: "fifo" | "scan" | "look";
      readonly flushNs: number;
    }
  | {
      readonly model: "flash";
      readonly channels: number;
      readonly diesPerChannel: number;
      readonly pageSizeBytes: number;
      readonly pageReadNs: number;
      readonly pageProgramNs: number;
      readonly channelBandwidthBytesPerSec: number;
      readonly flushNs: number;
    }
  | {
      readonly model: "empirical";
      /** fio JSON `clat_ns.percentile` style maps: "99.000000" -> ns. */
      readonly readPercentilesNs: Readonly<Record<string, number>>;
      readonly writePercentilesNs: Readonly<Record<string, number>>;
      readonly parallelism: number;
      readonly flushNs: number;
    };

export type DeviceSpec = (DeviceCommon & LatencyModelSpec) | (DeviceCommon & { readonly model: "stripe"; readonly stripeUnitBytes: number; readonly members: readonly DeviceSpec[] });

export interface DevicesSpec {
  readonly source: DeviceSpec;
  readonly cache: DeviceSpec;
  /**
   * Both LUs on one physical device: `source` describes it, the Source LU is
   * its first `source.capacityBytes - cache.capacityBytes` bytes and the Cache
   * LU the rest, so they contend for one queue and one actuator. `cache` then
   * gives only the Cache LU's size.
   */
  readonly shared: boolean;
}

// ---- engine -------------------------------------------------------------------

export interface EngineSpec {
  readonly chunkSizeBytes: number;
  readonly regionSizeBytes: number;
  readonly commitPolicy: CommitPolicyName;
  /** The engine's metadata block when it differs from the Cache LU's sector size. */
  readonly metadataBlockBytes?: number;
}

// ---- workloads ----------------------------------------------------------------

export type RwMode = "read" | "write" | "randread" | "randwrite" | "rw" | "randrw";

export type RandomDistributionSpec =
  | { readonly kind: "random" }
  | { readonly kind: "zipf"; readonly theta: number }
  | { readonly kind: "pareto"; readonly h: number }
  | { readonly kind: "normal"; readonly deviationPercent: number; readonly centerFraction?: number }
  | { readonly kind: "zoned"; readonly zones: ReadonlyArray<{ readonly accessPercent: number; readonly sizePercent: number }> };

/** A synthetic job with fio's vocabulary and meaning (HOWTO names in comments). */
export interface JobSpec {
  readonly kind: "job";
  readonly name: string;
  readonly rw: RwMode;
  /** bs: block size for reads and writes. */
  readonly blockSizeBytes: { readonly read: number; readonly write: number };
  /** bssplit: weighted block sizes, per direction; empty means use blockSizeBytes. */
  readonly blockSizeSplit: { readonly read: ReadonlyArray<{ readonly sizeBytes: number; readonly percent: number }>; readonly write: ReadonlyArray<{ readonly sizeBytes: number; readonly percent: number }> };
  /** blockalign: offsets are multiples of this (default: the block size). */
  readonly blockAlignBytes?: number;
  readonly iodepth: number;
  readonly numjobs: number;
  /** offset and size: the region of the Source LU the job works on; size 0 means to the end. */
  readonly offsetBytes: number;
  readonly sizeBytes: number;
  /** rwmixread: percent of reads in rw/randrw. */
  readonly readPercent: number;
  readonly randomDistribution: RandomDistributionSpec;
  /** norandommap: uniform random offsets drawn independently (repeats allowed) instead of through fio's random map. */
  readonly noRandomMap?: boolean;
  /**
   * rate_iops (per job clone) and rate_process: open-loop arrivals when set.
   * Per direction, as fio's: a mixed job's reads and writes each arrive at
   * their own rate (0: the job does not rate that direction).
   */
  readonly rateIops?: { readonly read: number; readonly write: number };
  readonly rateProcess: "linear" | "poisson";
  /** number_ios: stop after this many I/Os (per clone). */
  readonly numberIos?: number;
  /** runtime: stop after this much simulated time. */
  readonly runtimeNs?: number;
  /**
   * thinktime: a pause after every thinktimeBlocks I/Os (default 1), once
   * all the I/Os in flight have completed, as fio's (closed loop).
   */
  readonly thinktimeNs: number;
  readonly thinktimeBlocks?: number;
  /** Start this long after the run starts (fio startdelay). */
  readonly startDelayNs: number;
  /** Reads go to this session slot's Phantom LU (a backup reading a snapshot); the job must not write. */
  readonly phantomSlot?: number;
}

export type TraceFormat = "fio-iolog" | "disksim" | "msr-cambridge" | "blkparse";

/** Units a DiskSim ASCII trace's arrival times may be in (MQSim's Time_Unit, and DiskSim's own milliseconds). */
export const TRACE_TIME_UNITS_NS = { ps: 0.001, ns: 1, us: 1_000, ms: 1_000_000 } as const;
export type TraceTimeUnit = keyof typeof TRACE_TIME_UNITS_NS;

export interface TraceSpec {
  readonly kind: "trace";
  readonly name: string;
  readonly path: string;
  readonly format: TraceFormat;
  /** "honor": open loop at the trace's timestamps; "ignore": closed loop at `iodepth`. */
  readonly timing: "honor" | "ignore";
  readonly iodepth: number;
  /** How addresses beyond the Source LU are mapped onto it (stated in the results). */
  readonly addressMapping: "wrap" | "scale" | "reject";
  /** Only this device number of a multi-device trace (DiskSim, MSR); all when absent. */
  readonly device?: number;
  /** Replay at most this many requests. */
  readonly maxRequests?: number;
  /** DiskSim ASCII only: the unit of its arrival times (MQSim's traces: ns, the default; DiskSim's own: ms). */
  readonly timeUnit?: TraceTimeUnit;
}

/** A fio job file referenced from a scenario; its jobs are imported as JobSpecs. */
export interface FioFileSpec {
  readonly kind: "fio";
  readonly path: string;
}

/** One step of a script: a host read or write, a host flush, or a session operation. */
export type ScriptOp =
  | { readonly kind: "read" | "write"; readonly offsetBytes: number; readonly lengthBytes: number }
  | { readonly kind: "flush" }
  | { readonly kind: "session"; readonly action: SessionAction; readonly slot: number };

/**
 * An explicit list of host operations issued in order, at most `iodepth` at
 * a time (each operation, flushes and session operations included, holds one
 * place until it completes). What a crash campaign's workload shrinking
 * writes out; also a way to script an exact sequence by hand.
 */
export interface ScriptSpec {
  readonly kind: "script";
  readonly name: string;
  readonly iodepth: number;
  readonly ops: readonly ScriptOp[];
}

export type WorkloadSpec = JobSpec | TraceSpec | FioFileSpec | ScriptSpec;

// ---- schedule, measurement, stop ---------------------------------------------

/** When something happens: at a simulated time, or once the host has completed this many I/Os. */
export type Trigger = { readonly atNs: number } | { readonly afterHostIos: number };

export type SessionAction = "start" | "stop" | "replace" | "rollback";

export interface SessionEvent {
  readonly trigger: Trigger;
  /** "start" takes a free slot (the runner refuses it on a live session); "replace" starts a new session in an occupied slot. */
  readonly action: SessionAction;
  readonly slot: number;
}

export interface FlushSpec {
  /** Host flushes every this many ns and/or every this many host writes; none when both absent. */
  readonly everyNs?: number;
  readonly everyHostWrites?: number;
}

export interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly seed: string;
  readonly devices: DevicesSpec;
  readonly engine: EngineSpec;
  readonly workloads: readonly WorkloadSpec[];
  readonly sessions: readonly SessionEvent[];
  readonly flushes: FlushSpec;
  /** Results cover [warmupNs, end of the last arrival]: warm-up excluded, drain excluded. */
  readonly measurement: { readonly warmupNs: number };
  /** Time-series bucket size; absent: adaptive (see scenarios/runner/time-series.ts). */
  readonly report?: { readonly bucketNs: number };
  /** The run stops at the first of these that is set; at least one is. */
  readonly stop: { readonly runtimeNs?: number; readonly hostIos?: number };
}
