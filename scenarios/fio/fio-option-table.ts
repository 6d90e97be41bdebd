/**
 * Every fio option the importer knows, and what it does with each (fio HOWTO,
 * "Job file parameters"):
 *
 * - mapped: read by job-from-options.ts, which turns it into JobSpec fields
 *   (or, for a few, decides by value whether to honour, ignore or refuse it);
 * - ignored: has no meaning for a simulated block device, or only changes how
 *   fio reports; listed in the import's `ignored` with the reason given here;
 * - rejected: would change what the workload does and the simulator cannot do
 *   it; an error;
 * - default-only: accepted (and ignored) only at a value that does nothing,
 *   such as verify=0 or zonemode=none; any other value is an error.
 *
 * An option not in this table is an error too, with a suggestion when its
 * name is close to a known one: silently dropping an option the importer has
 * not thought about could change the workload without anyone noticing.
 */
import { closestName } from "./suggest.js";

export type FioOptionRule =
  | { readonly handling: "mapped" }
  | { readonly handling: "ignored"; readonly reason: string }
  | { readonly handling: "rejected"; readonly reason: string }
  | { readonly handling: "default-only"; readonly noOpValues: readonly string[]; readonly ignoredReason: string; readonly rejectedReason: string };

const MAPPED: FioOptionRule = { handling: "mapped" };
const ignored = (reason: string): FioOptionRule => ({ handling: "ignored", reason });
const rejected = (reason: string): FioOptionRule => ({ handling: "rejected", reason });
const defaultOnly = (noOpValues: readonly string[], ignoredReason: string, rejectedReason: string): FioOptionRule => ({
  handling: "default-only",
  noOpValues,
  ignoredReason,
  rejectedReason,
});

const REPORTING_ONLY = "only changes what fio reports or logs; the simulator produces its own results";
const NO_FILES = "the job runs on the simulated Source LU; there are no files to create, open or lay out";
const NO_PROCESSES = "only changes how fio's own processes run on the host CPU; simulated jobs use no CPU";
const NO_BUFFER_CONTENTS = "only changes the bytes fio puts in its buffers; the simulator tracks which write produced each block, not data contents, and nothing here compresses or deduplicates";
const ENGINE_TUNING = "tunes how fio's I/O engine submits and reaps I/O; the simulator issues I/O itself, so there is no engine to tune";
const NO_SEEDS = "the simulator draws offsets from its own streams, seeded by the scenario's seed, so a run is always repeatable and never fio's sequence";
const CHECK_ONLY = "is a pass/fail check on the run (fio stops the job when it fails), not part of the workload; compare the simulator's results against it instead";

/** alias -> canonical name (fio's `alias` fields). */
export const FIO_OPTION_ALIASES: ReadonlyMap<string, string> = new Map([
  ["readwrite", "rw"],
  ["blocksize", "bs"],
  ["ba", "blockalign"],
  ["blocksize_range", "bsrange"],
  ["blocksize_unaligned", "bs_unaligned"],
  ["timeout", "runtime"],
  ["io_limit", "io_size"],
  ["wait_for_previous", "stonewall"],
  ["iomem", "mem"],
  ["iomem_align", "mem_align"],
  ["iodepth_batch", "iodepth_batch_submit"],
  ["iodepth_batch_complete", "iodepth_batch_complete_min"],
  ["fill_fs", "fill_device"],
  ["ss", "steadystate"],
]);

export const FIO_OPTION_RULES: ReadonlyMap<string, FioOptionRule> = new Map<string, FioOptionRule>([
  // ---- mapped onto JobSpec (job-from-options.ts) ----
  ...[
    "name",
    "description",
    "rw",
    "rw_sequencer",
    "bs",
    "bssplit",
    "blockalign",
    "iodepth",
    "iodepth_low",
    "numjobs",
    "size",
    "io_size",
    "offset",
    "offset_align",
    "offset_increment",
    "rwmixread",
    "rwmixwrite",
    "random_distribution",
    "percentage_random",
    "norandommap",
    "random_generator",
    "rate_iops",
    "rate",
    "rate_process",
    "number_ios",
    "runtime",
    "time_based",
    "loops",
    "thinktime",
    "thinktime_blocks",
    "thinktime_blocks_type",
    "startdelay",
    "ramp_time",
    "stonewall",
    "wait_for",
    "kb_base",
    "ioengine",
    "direct",
    "buffered",
    "io_submit_mode",
    "latency_target",
    "latency_window",
    "latency_percentile",
    "latency_run",
    "filename",
  ].map((name): [string, FioOptionRule] => [name, MAPPED]),

  // ---- ignored: files and the host's file system ----
  ["directory", ignored(`${NO_FILES} (directory only places fio's files)`)],
  ["filename_format", ignored(`${NO_FILES} (filename_format only names fio's files)`)],
  ["unique_filename", ignored(`${NO_FILES} (unique_filename only names fio's files)`)],
  ["create_serialize", ignored(NO_FILES)],
  ["create_fsync", ignored(NO_FILES)],
  ["create_on_open", ignored(NO_FILES)],
  ["create_only", defaultOnly(["0"], NO_FILES, "create_only makes fio lay out its files and do no I/O; there is nothing to simulate")],
  ["allow_file_create", ignored(NO_FILES)],
  ["allow_mounted_write", ignored("a safety check of fio's against writing to a mounted device; the Source LU is simulated")],
  ["pre_read", ignored("pre-reads files into the page cache; the simulator has no page cache")],
  ["invalidate", ignored("drops the page cache before the job; the simulator has no page cache")],
  ["unlink", ignored(NO_FILES)],
  ["unlink_each_loop", ignored(NO_FILES)],
  ["fallocate", ignored(NO_FILES)],
  ["fadvise_hint", ignored("advises the host's page cache; the simulator has no page cache")],
  ["write_hint", ignored("a data-lifetime hint to the host file system; the simulated devices do not use it")],
  ["overwrite", ignored("only decides whether fio lays out its files before writing; the Source LU always exists")],
  ["file_service_type", ignored("chooses among several files; the job has one target, the Source LU")],
  ["openfiles", ignored("limits how many of fio's files are open; the job has one target, the Source LU")],
  ["ioscheduler", ignored("switches the host's Linux I/O scheduler; the simulated devices model their own queueing")],
  ["nrfiles", defaultOnly(["1"], "one file is fio's default", "several files per job split size between them and interleave I/O across them (file_service_type); the job has one region of the Source LU")],
  ["filesize", rejected("sets the size of each of fio's files (possibly at random from a range); the job works on one region of the Source LU: use size and offset")],
  ["file_append", defaultOnly(["0"], "appending is off", "appends after the end of the file; the Source LU has a fixed size: use offset")],
  ["fill_device", defaultOnly(["0"], "fill_device is off", "writes until the file system is full (ENOSPC); use size to write a region of the Source LU")],
  ["opendir", rejected("runs the job over every file below a directory; the job has one target, the Source LU")],
  ["lockfile", defaultOnly(["none"], "no locking is fio's default", "serializes the job's I/O on a file lock, which changes how much I/O is in flight; the simulator keeps iodepth I/Os in flight")],

  // ---- ignored: buffers, memory, data contents ----
  ["mem", ignored("chooses where fio allocates its I/O buffers; simulated I/O has no buffers")],
  ["mem_align", ignored("aligns fio's I/O buffers in memory; simulated I/O has no buffers")],
  ["hugepage-size", ignored("sizes fio's huge-page buffers; simulated I/O has no buffers")],
  ["lockmem", ignored("pins host memory for fio; simulated I/O uses no host memory")],
  ["zero_buffers", ignored(NO_BUFFER_CONTENTS)],
  ["refill_buffers", ignored(NO_BUFFER_CONTENTS)],
  ["scramble_buffers", ignored(NO_BUFFER_CONTENTS)],
  ["buffer_pattern", ignored(NO_BUFFER_CONTENTS)],
  ["buffer_compress_percentage", ignored(NO_BUFFER_CONTENTS)],
  ["buffer_compress_chunk", ignored(NO_BUFFER_CONTENTS)],
  ["dedupe_percentage", ignored(NO_BUFFER_CONTENTS)],
  ["dedupe_mode", ignored(NO_BUFFER_CONTENTS)],
  ["dedupe_working_set_percentage", ignored(NO_BUFFER_CONTENTS)],
  ["dedupe_global", ignored(NO_BUFFER_CONTENTS)],

  // ---- ignored: fio's random number generators ----
  ["randrepeat", ignored(NO_SEEDS)],
  ["allrandrepeat", ignored(NO_SEEDS)],
  ["randseed", ignored(NO_SEEDS)],
  ["softrandommap", ignored("only matters when fio cannot allocate its random map; the simulator never keeps one (see the note on random offsets)")],

  // ---- ignored: processes, CPUs, clocks ----
  ["thread", ignored(NO_PROCESSES)],
  ["nice", ignored(NO_PROCESSES)],
  ["prio", ignored("sets the Linux I/O priority of fio's process; the simulated devices do not prioritize between jobs")],
  ["prioclass", ignored("sets the Linux I/O priority class of fio's process; the simulated devices do not prioritize between jobs")],
  ["cpumask", ignored(NO_PROCESSES)],
  ["cpus_allowed", ignored(NO_PROCESSES)],
  ["cpus_allowed_policy", ignored(NO_PROCESSES)],
  ["numa_cpu_nodes", ignored(NO_PROCESSES)],
  ["numa_mem_policy", ignored(NO_PROCESSES)],
  ["cgroup", ignored(NO_PROCESSES)],
  ["cgroup_weight", ignored(NO_PROCESSES)],
  ["cgroup_nodelete", ignored(NO_PROCESSES)],
  ["uid", ignored(NO_PROCESSES)],
  ["gid", ignored(NO_PROCESSES)],
  ["clocksource", ignored("chooses the host clock fio reads; simulated time is the simulator's own integer clock")],
  ["gtod_reduce", ignored("reduces fio's clock reads on the host; simulated time costs nothing to read")],
  ["gtod_cpu", ignored("dedicates a host CPU to fio's clock; simulated time costs nothing to read")],
  ["exec_prerun", ignored("runs a shell command before the job; the simulator runs no commands")],
  ["exec_postrun", ignored("runs a shell command after the job; the simulator runs no commands")],

  // ---- ignored: reporting and logs ----
  ...[
    "group_reporting",
    "new_group",
    "stats",
    "per_job_logs",
    "write_bw_log",
    "write_lat_log",
    "write_iops_log",
    "write_hist_log",
    "log_avg_msec",
    "log_hist_msec",
    "log_hist_coarseness",
    "log_max_value",
    "log_offset",
    "log_compression",
    "log_store_compressed",
    "log_unix_epoch",
    "log_alternate_epoch",
    "block_error_percentiles",
    "disable_lat",
    "disable_clat",
    "disable_slat",
    "disable_bw_measurement",
    "clat_percentiles",
    "lat_percentiles",
    "slat_percentiles",
    "percentile_list",
    "significant_figures",
    "unified_rw_reporting",
    "unit_base",
    "disk_util",
    "bwavgtime",
    "iopsavgtime",
    "write_iolog",
  ].map((name): [string, FioOptionRule] => [name, ignored(REPORTING_ONLY)]),

  // ---- ignored: engine tuning ----
  ...[
    "iodepth_batch_submit",
    "iodepth_batch_complete_min",
    "iodepth_batch_complete_max",
    "userspace_reap",
    "hipri",
    "fixedbufs",
    "registerfiles",
    "sqthread_poll",
    "sqthread_poll_cpu",
    "nonvectored",
    "uncached",
    "nowait",
    "force_async",
    "cmdprio_percentage",
    "cmdprio_class",
    "cmdprio",
    "cmdprio_bssplit",
  ].map((name): [string, FioOptionRule] => [name, ignored(ENGINE_TUNING)]),
  ["serialize_overlap", ignored("makes fio hold back an I/O that overlaps one in flight, to protect data it verifies; the simulator tracks which write produced each block and issues overlapping I/Os as they come, so the depth it reaches can be a little higher than fio's")],

  // ---- ignored: pass/fail checks ----
  ["max_latency", ignored(`max_latency ${CHECK_ONLY}`)],
  ["rate_min", ignored(`rate_min ${CHECK_ONLY}`)],
  ["rate_iops_min", ignored(`rate_iops_min ${CHECK_ONLY}`)],
  ["rate_cycle", ignored("sets the window over which fio averages its rate and rate_min checks; the simulator's arrivals follow rate_process exactly")],
  ["exitall_on_error", ignored("simulated I/O does not fail, so there is no error to stop on")],
  ["continue_on_error", ignored("simulated I/O does not fail, so there is no error to continue after")],
  ["ignore_error", ignored("simulated I/O does not fail, so there is no error to ignore")],
  ["error_dump", ignored("simulated I/O does not fail, so there is no error to print")],

  // ---- ignored: flushes that only happen at the end ----
  ["end_fsync", ignored("flushes once when the job ends; the simulator's results cover the window up to the last arrival, and host flushes are set scenario-wide (flushes:)")],
  ["fsync_on_close", ignored("flushes once when fio closes its file at the end; the simulator's results cover the window up to the last arrival, and host flushes are set scenario-wide (flushes:)")],

  // ---- options that only matter together with an option handled elsewhere ----
  ["rate_ignore_thinktime", ignored("only matters with both a rate and a thinktime, which the import does not accept together")],
  ["thinktime_spin", ignored("only decides how fio spends the thinktime (busy-waiting, then sleeping); the pause is thinktime long either way")],
  ["thinktime_iotime", defaultOnly(["0"], "thinktime_iotime is off", "alternates I/O periods and pauses by time; the simulator pauses after every thinktime_blocks I/Os")],
  ["bs_unaligned", ignored("only matters with bsrange, which is not supported")],
  ["do_verify", ignored("only matters with verify, which is off")],
  ...[
    "verify_offset",
    "verify_interval",
    "verify_pattern",
    "verify_fatal",
    "verify_dump",
    "verify_async",
    "verify_async_cpus",
    "verify_backlog",
    "verify_backlog_batch",
    "verify_state_save",
    "verify_state_load",
    "verify_only",
    "verifysort",
    "experimental_verify",
    "verify_write_sequence",
    "verify_header_seed",
  ].map((name): [string, FioOptionRule] => [name, ignored("only matters with verify, which is off")]),
  ...["zonerange", "zonesize", "zonecapacity", "zoneskip", "read_beyond_wp", "max_open_zones", "job_max_open_zones", "ignore_zone_limits", "zone_reset_threshold", "zone_reset_frequency"].map(
    (name): [string, FioOptionRule] => [name, ignored("only matters with zonemode, which is none")],
  ),
  ...["replay_no_stall", "replay_time_scale", "replay_redirect", "replay_align", "replay_scale", "replay_skip", "read_iolog_chunked", "merge_blktrace_file", "merge_blktrace_scalars", "merge_blktrace_iters"].map(
    (name): [string, FioOptionRule] => [name, ignored("only matters with read_iolog, which this job does not use")],
  ),
  ["exit_what", ignored("only matters with exitall, which is not supported")],
  ...["flow_id", "flow_watermark", "flow_sleep"].map((name): [string, FioOptionRule] => [name, ignored("only matters with flow, which is not supported")]),
  ...["ss_dur", "ss_ramp", "ss_interval"].map((name): [string, FioOptionRule] => [name, ignored("only matters with steadystate, which is not supported")]),
  ...["cpuload", "cpuchunks", "cpumode"].map((name): [string, FioOptionRule] => [name, ignored("only matters with ioengine=cpuio, which is not supported")]),

  // ---- rejected: they change what the workload does ----
  ["bsrange", rejected("picks each block size at random from a range; the simulator supports one size per direction (bs) or weighted sizes (bssplit): write the range as a bssplit")],
  ["bs_is_seq_rand", defaultOnly(["0"], "bs_is_seq_rand is off", "reads bs as sequential,random sizes instead of read,write sizes; write the sizes per direction instead")],
  ["verify", defaultOnly(["0", "none"], "verify is off", "verification writes patterns and reads them back, which adds I/O the workload does not describe; the simulator does not verify data")],
  ["trim_percentage", defaultOnly(["0"], "no trims", "issues trims; the simulator has no trim")],
  ["trim_verify_zero", ignored("only matters with trims, which the simulator does not have")],
  ["trim_backlog", ignored("only matters with trims, which the simulator does not have")],
  ["trim_backlog_batch", ignored("only matters with trims, which the simulator does not have")],
  ["sync", defaultOnly(["0", "none"], "synchronous writes are off", "opens with O_SYNC/O_DSYNC so every write is durable when it completes (FUA); the simulator's jobs issue plain writes, and host flushes are set scenario-wide (flushes:)")],
  ["fsync", defaultOnly(["0"], "no periodic fsync", "flushes after every N writes of this job; the simulator's host flushes are scenario-wide: set flushes: {everyHostWrites: N} in the scenario instead")],
  ["fdatasync", defaultOnly(["0"], "no periodic fdatasync", "flushes after every N writes of this job; the simulator's host flushes are scenario-wide: set flushes: {everyHostWrites: N} in the scenario instead")],
  ["sync_file_range", rejected("flushes ranges after every N writes of this job; the simulator's host flushes are scenario-wide: set flushes: in the scenario instead")],
  ["write_barrier", defaultOnly(["0"], "no barrier writes", "makes every N-th write a barrier (a flush); the simulator's host flushes are scenario-wide: set flushes: in the scenario instead")],
  ["zonemode", defaultOnly(["none"], "zonemode=none is fio's default", "zoned access patterns (strided or zoned block device) are not supported")],
  ["read_iolog", rejected("replays a recorded trace; use a trace workload (format: fio-iolog) in the scenario instead")],
  ["exitall", rejected("stops every other job when this one ends, which makes their duration depend on this one; give the jobs runtimes instead")],
  ["flow", defaultOnly(["0"], "flow control is off", "ties this job's progress to other jobs' (flow control); the simulator runs jobs independently")],
  ["steadystate", rejected("ends the job when a measure reaches steady state, which the simulator cannot decide: set runtime instead")],
  ["profile", rejected("runs one of fio's built-in workload profiles, which are not part of the job file; write the jobs out instead")],
]);

/** The canonical name of a known option (aliases resolved), or undefined. */
export function canonicalFioOption(name: string): string | undefined {
  const canonical = FIO_OPTION_ALIASES.get(name) ?? name;
  return FIO_OPTION_RULES.has(canonical) ? canonical : undefined;
}

const ALL_NAMES: readonly string[] = [...FIO_OPTION_RULES.keys(), ...FIO_OPTION_ALIASES.keys()].sort();

/** The known option closest to `name`, if it is close enough to be a likely typo. */
export function suggestFioOption(name: string): string | undefined {
  return closestName(name, ALL_NAMES);
}
