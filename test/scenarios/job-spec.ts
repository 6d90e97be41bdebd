import type { JobSpec } from "../../scenarios/model.js";

/** A normalized job with fio's defaults (4 KiB reads, iodepth 1, whole Source LU), for tests to adjust. */
export function jobSpec(overrides: Partial<JobSpec> = {}): JobSpec {
  return {
    kind: "job",
    name: "job",
    rw: "read",
    blockSizeBytes: { read: 4096, write: 4096 },
    blockSizeSplit: { read: [], write: [] },
    iodepth: 1,
    numjobs: 1,
    offsetBytes: 0,
    sizeBytes: 0,
    readPercent: 50,
    randomDistribution: { kind: "random" },
    rateProcess: "linear",
    thinktimeNs: 0,
    startDelayNs: 0,
    ...overrides,
  };
}
