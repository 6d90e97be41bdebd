/**
 * How much a scenario may keep in flight. Every outstanding host I/O of a
 * closed-loop workload is a simulated process of its own, so these bound the
 * run's memory and wall time, not what the disk model can take: without them
 * a typo (iodepth=1e9) ran out of memory after a minute of garbage collection
 * instead of being refused.
 */
import type { JobSpec, ScriptSpec, TraceSpec } from "./model.js";

/** fio's own limit on jobs (REAL_MAX_JOBS in fio.h): a job file with more clones does not run under fio either. */
export const MAX_NUMJOBS = 4096;

/** The deepest queue a block device offers: NVMe's largest I/O queue holds 65,536 commands (its size is a 16-bit field). */
export const MAX_IODEPTH = 65_536;

/**
 * Closed-loop host I/Os in flight over all workloads. A million of them took
 * 9 s of wall time, most of it garbage collection, before the first of a
 * quickstart's 3,000 I/Os completed; ten million ran out of memory.
 */
export const MAX_HOST_IOS_IN_FLIGHT = 1 << 20;

/**
 * The shortest period of timed host flushes (flushes.every). A device takes
 * microseconds to answer a flush even with nothing to write, and a flush
 * without a volatile write cache costs no simulated time at all, so a
 * shorter period only makes runs that never end: flushes.every=1ns asked a
 * 3,000-I/O run on two rotating disks for a flush per simulated nanosecond
 * (billions of them). At 1 us a simulated second holds a million flushes.
 */
export const MIN_FLUSH_INTERVAL_NS = 1_000;

/** Host I/Os a workload keeps in flight as processes: iodepth per clone of a closed-loop job, a script's or an untimed trace's iodepth; none for open-loop arrivals. */
export function closedLoopIosInFlight(workload: JobSpec | TraceSpec | ScriptSpec): number {
  if (workload.kind === "job") return workload.rateIops === undefined ? workload.iodepth * workload.numjobs : 0;
  if (workload.kind === "trace") return workload.timing === "ignore" ? workload.iodepth : 0;
  return workload.iodepth;
}

/** What a scenario file or job file is told when its workloads keep too many I/Os in flight. */
export const IN_FLIGHT_EXPECTED = `at most ${MAX_HOST_IOS_IN_FLIGHT.toLocaleString("en-US")} closed-loop host I/Os in flight over all workloads (iodepth x numjobs, summed)`;

/**
 * Most time-series buckets a bucket size given by hand (report.bucket) may
 * make over stop.runtime; a run may pass it while it drains, up to twice
 * (see TimeSeriesRecorder). Each bucket is a CSV row and a chart point per
 * job and op: a 1 us bucket over a 22 ms run (22,000 buckets) took 1.2 GB
 * and wrote 900 MB of charts, and a nanosecond bucket ran the process out of
 * memory.
 */
export const MAX_FIXED_BUCKETS = 10_000;
