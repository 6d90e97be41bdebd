/**
 * Every default of the scenario file format, in one place. The schema's
 * descriptions (and so the JSON Schema editors show) and the normalizer both
 * read them from here, so the documentation cannot drift from the behavior.
 *
 * Job defaults are fio's (HOWTO): rw=read, bs=4k, iodepth=1, numjobs=1,
 * rwmixread=50, random_distribution=random, rate_process=linear, offset=0,
 * size = the whole device, no thinktime or startdelay. Device model defaults
 * mirror the ones the sim/ models apply themselves, so a field left out means
 * the same here as when the model is built directly.
 */
import type { CommitPolicyName } from "../../engine/index.js";
import type { RandomDistributionSpec, RwMode, TraceSpec } from "../model.js";

const KiB = 1024;

export const DEVICE_DEFAULTS = {
  /** The classic logical block size; 4096 ("4Kn") is the other accepted value. */
  sectorSizeBytes: 512,
  /** A typical SATA NCQ / SCSI queue depth. */
  queueDepth: 32,
  /** Off: no volatile cache, so every completed write is durable (the safe assumption). */
  writeCache: false,
} as const;

export const FIXED_MODEL_DEFAULTS = { latencyNs: 0, parallelism: 1, flushLatencyNs: 0 } as const;

export const EXPONENTIAL_MODEL_DEFAULTS = { minServiceNs: 0, parallelism: 1, flushNs: 0 } as const;

export const ROTATING_MODEL_DEFAULTS = {
  rpm: 7200,
  /** About 1 MB per track, an average over a modern disk's zones. */
  sectorsPerTrack: 2000,
  heads: 4,
  trackToTrackSeekNs: 800_000,
  fullStrokeSeekNs: 18_000_000,
  scheduler: "fifo" as "fifo" | "scan" | "look",
  flushNs: 0,
} as const;

export const FLASH_MODEL_DEFAULTS = {
  channels: 8,
  diesPerChannel: 4,
  /** Current TLC NAND. */
  pageSizeBytes: 16 * KiB,
  pageReadNs: 50_000,
  pageProgramNs: 500_000,
  /** 800 MB/s decimal (ONFI 4 / Toggle 800 MT/s x8), as datasheets quote it. */
  channelBandwidthBytesPerSec: 800_000_000,
  flushNs: 10_000,
} as const;

export const EMPIRICAL_MODEL_DEFAULTS = { parallelism: 1, flushNs: 0 } as const;

export const ENGINE_DEFAULTS = {
  /** The product's chunk size (CLARiiON SnapView). */
  chunkSizeBytes: 64 * KiB,
  regionSizeBytes: 64 * KiB,
  /** The simplest policy to reason about; the others are opt-in comparisons. */
  commitPolicy: "write-through" as CommitPolicyName,
} as const;

export const JOB_DEFAULTS = {
  rw: "read" as RwMode,
  blockSizeBytes: 4 * KiB,
  iodepth: 1,
  numjobs: 1,
  offsetBytes: 0,
  /** 0: from offset to the end of the Source LU (fio: the whole file or device). */
  sizeBytes: 0,
  readPercent: 50,
  randomDistribution: { kind: "random" } as RandomDistributionSpec,
  rateProcess: "linear" as "linear" | "poisson",
  thinktimeNs: 0,
  startDelayNs: 0,
} as const;

export const TRACE_DEFAULTS = {
  timing: "honor" as TraceSpec["timing"],
  iodepth: 1,
  /** Refuse addresses beyond the Source LU: remapping a trace changes its locality, so it must be asked for. */
  addressMapping: "reject" as TraceSpec["addressMapping"],
} as const;

export const SCENARIO_DEFAULTS = {
  description: "",
  /** One root seed per run (DESIGN.md, Determinism); any fixed value keeps runs reproducible. */
  seed: "1",
  warmupNs: 0,
} as const;

/** Script defaults: one operation at a time, so the order written is the order done. */
export const SCRIPT_DEFAULTS = { iodepth: 1 } as const;
