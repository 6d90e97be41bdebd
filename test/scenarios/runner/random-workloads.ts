import { writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { TRACE_FORMATS } from "../../../scenarios/schema/scenario-schema.js";

/**
 * The random scenarios' workloads other than their own fio-style jobs:
 * traces in each format the simulator replays (small, random, written to a
 * directory), fio job files (the fixtures, or small random ones) and
 * scripts. Each is drawn as raw values, then written out for one Source LU.
 */

const KiB = 1024;
const MiB = 1024 * KiB;
const FIO_FIXTURES = "/work/shared/fixtures/fio-jobs";
const FIO_FIXTURE_NAMES = ["fio-rand-RW.fio", "fio-rand-read.fio", "fio-rand-write.fio", "fio-seq-RW.fio", "fio-seq-read.fio", "fio-seq-write.fio", "fixed-rate-submission.fio", "iometer-file-access-server.fio", "jesd219.fio", "latency-profile.fio"];

const traceRequestArb = fc.record({
  gapUs: fc.integer({ min: 0, max: 400 }),
  device: fc.integer({ min: 0, max: 1 }),
  /** Where in the address space, as a fraction of it (in 1/1e6): most inside the LU, some beyond it unless the mapping rejects. */
  where: fc.integer({ min: 0, max: 1_999_999 }),
  lengthSectors: fc.oneof(fc.constantFrom(1, 8, 16, 128), fc.integer({ min: 1, max: 256 })),
  read: fc.boolean(),
});

export const traceArb = fc.record({
  kind: fc.constant("trace" as const),
  format: fc.constantFrom(...TRACE_FORMATS),
  timing: fc.constantFrom("honor", "ignore"),
  iodepth: fc.integer({ min: 1, max: 16 }),
  addressMapping: fc.constantFrom("wrap", "scale", "reject"),
  onlyFirstDevice: fc.boolean(),
  maxRequests: fc.option(fc.integer({ min: 1, max: 200 }), { freq: 3 }),
  timeUnit: fc.constantFrom("ns", "us", "ms", undefined),
  requests: fc.array(traceRequestArb, { minLength: 1, maxLength: 150 }),
});

const FIO_RW = ["read", "write", "randread", "randwrite", "rw", "randrw", "readwrite"];

/** Mostly small files of our own: the fixtures' regions (size=10G...) are beyond most of these Source LUs, which the import refuses. */
export const fioFileArb = fc.oneof(
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("fio" as const), fixture: fc.constantFrom(...FIO_FIXTURE_NAMES) }) },
  { weight: 3, arbitrary: fc.record({
    kind: fc.constant("fio" as const),
    jobs: fc.array(
      fc.record({
        rw: fc.constantFrom(...FIO_RW),
        bs: fc.constantFrom("512", "4k", "8k", "64k", "4k,16k"),
        iodepth: fc.integer({ min: 1, max: 16 }),
        ioengine: fc.constantFrom("libaio", "psync", "io_uring", undefined),
        sizePercent: fc.option(fc.integer({ min: 1, max: 100 })),
        numberIos: fc.option(fc.integer({ min: 1, max: 500 })),
        runtimeMs: fc.option(fc.integer({ min: 1, max: 20 }), { freq: 4 }),
        rateIops: fc.option(fc.integer({ min: 100, max: 20_000 }), { freq: 4 }),
        rwmixread: fc.option(fc.integer({ min: 0, max: 100 }), { freq: 3 }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
  }) },
);

const scriptOpArb = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constantFrom("read", "write"), where: fc.integer({ min: 0, max: 999_999 }), lengthSectors: fc.constantFrom(1, 8, 16, 64, 300) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("flush" as const) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constantFrom("start", "stop", "replace", "rollback"), slot: fc.integer({ min: 0, max: 3 }) }) },
);

export const scriptArb = fc.record({ kind: fc.constant("script" as const), iodepth: fc.integer({ min: 1, max: 8 }), ops: fc.array(scriptOpArb, { minLength: 1, maxLength: 60 }) });

export const extraWorkloadArb = fc.oneof(traceArb, fioFileArb, scriptArb);

export type RawTrace = typeof traceArb extends fc.Arbitrary<infer T> ? T : never;
export type RawFioFile = typeof fioFileArb extends fc.Arbitrary<infer T> ? T : never;
export type RawScript = typeof scriptArb extends fc.Arbitrary<infer T> ? T : never;
export type RawExtraWorkload = RawTrace | RawFioFile | RawScript;

/** Where a workload writes its files, and the Source LU it is for. */
export interface WorkloadContext {
  readonly directory: string;
  /** Unique per scenario, so files of earlier scenarios are never read by mistake. */
  readonly prefix: string;
  readonly sourceLuBytes: number;
  readonly sectorBytes: number;
}

/** The workload's entry in the scenario (files it names written first). */
export function extraWorkloadText(raw: RawExtraWorkload, index: number, context: WorkloadContext): Record<string, unknown> {
  if (raw.kind === "trace") return traceText(raw, index, context);
  if (raw.kind === "script") return scriptText(raw, index, context);
  if ("fixture" in raw) return { kind: "fio", path: join(FIO_FIXTURES, raw.fixture) };
  const path = join(context.directory, `${context.prefix}-${index}.fio`);
  writeFileSync(path, fioJobFileText(raw, context));
  return { kind: "fio", path };
}

function traceText(raw: RawTrace, index: number, context: WorkloadContext): Record<string, unknown> {
  const luSectors = context.sourceLuBytes / 512;
  // With "reject", every request fits the LU (one that does not is the trace source's to refuse, at run time).
  const requests = raw.requests.map((request) => {
    const lengthSectors = Math.min(request.lengthSectors, luSectors);
    const span = raw.addressMapping === "reject" ? luSectors - lengthSectors + 1 : 2 * luSectors;
    const sector = Math.floor((request.where / 2_000_000) * span);
    return { ...request, sector, lengthSectors };
  });
  let timeUs = 0;
  const timed = requests.map((request) => ({ ...request, timeUs: (timeUs += request.gapUs) }));
  const unit = raw.format === "disksim" ? raw.timeUnit : undefined;
  const path = join(context.directory, `${context.prefix}-${index}.${raw.format}`);
  writeFileSync(path, traceFileText(raw.format, timed, unit ?? "ns"));
  const text: Record<string, unknown> = { kind: "trace", name: `trace${index}`, path, format: raw.format, timing: raw.timing, iodepth: raw.iodepth, addressMapping: raw.addressMapping };
  if (raw.maxRequests !== null) text.maxRequests = raw.maxRequests;
  if (unit !== undefined) text.timeUnit = unit;
  // A device number, in the formats that have them: the first request's, so some request is replayed.
  if (raw.onlyFirstDevice && (raw.format === "disksim" || raw.format === "msr-cambridge")) text.device = timed[0]!.device;
  return text;
}

type TimedRequest = { readonly timeUs: number; readonly device: number; readonly sector: number; readonly lengthSectors: number; readonly read: boolean };

const UNIT_PER_US = { ns: 1000, us: 1, ms: 0.001 } as const;

/** A trace file of `format` holding `requests` (times in µs from the start, addresses in 512-byte sectors). */
export function traceFileText(format: (typeof TRACE_FORMATS)[number], requests: readonly TimedRequest[], disksimUnit: keyof typeof UNIT_PER_US): string {
  switch (format) {
    case "fio-iolog": {
      const last = requests[requests.length - 1]?.timeUs ?? 0;
      const lines = requests.map((r) => `${r.timeUs} /dev/sdb ${r.read ? "read" : "write"} ${r.sector * 512} ${r.lengthSectors * 512}`);
      return ["fio version 3 iolog", "0 /dev/sdb add", "0 /dev/sdb open", ...lines, `${last} /dev/sdb close`, ""].join("\n");
    }
    case "disksim":
      // A time in ms or µs may have a fraction, as DiskSim's own traces do.
      return requests.map((r) => `${+(r.timeUs * UNIT_PER_US[disksimUnit]).toFixed(6)} ${r.device} ${r.sector} ${r.lengthSectors} ${r.read ? 1 : 0}`).join("\n") + "\n";
    case "msr-cambridge": {
      // Windows FILETIME (100 ns ticks), past 2^53 as the published traces are.
      const base = 128166372003061629n;
      return requests.map((r) => `${base + BigInt(r.timeUs * 10)},hm,${r.device},${r.read ? "Read" : "Write"},${r.sector * 512},${r.lengthSectors * 512},1000`).join("\r\n") + "\r\n";
    }
    case "blkparse":
      return (
        requests
          .map((r, i) => {
            const seconds = Math.floor(r.timeUs / 1e6);
            const nanoseconds = String((r.timeUs % 1e6) * 1000).padStart(9, "0");
            return `  8,0    1 ${String(i + 1).padStart(8)} ${String(seconds).padStart(5)}.${nanoseconds}  1021  D   ${r.read ? "R" : "W"} ${r.sector} + ${r.lengthSectors} [dd]`;
          })
          .join("\n") + "\n"
      );
  }
}

function fioJobFileText(raw: Extract<RawFioFile, { jobs: unknown }>, context: WorkloadContext): string {
  const lines = ["[global]", "direct=1", "filename=/dev/sdb"];
  raw.jobs.forEach((job, index) => {
    lines.push(`[fiojob${index}]`, `rw=${job.rw}`, `bs=${job.bs}`, `iodepth=${job.iodepth}`);
    if (job.ioengine !== undefined) lines.push(`ioengine=${job.ioengine}`);
    if (job.sizePercent !== null) lines.push(`size=${Math.max(1, Math.floor((context.sourceLuBytes / MiB) * job.sizePercent / 100))}m`);
    if (job.numberIos !== null) lines.push(`number_ios=${job.numberIos}`);
    if (job.runtimeMs !== null) lines.push("time_based", `runtime=${job.runtimeMs}ms`);
    if (job.rateIops !== null) lines.push(`rate_iops=${job.rateIops}`);
    if (job.rwmixread !== null) lines.push(`rwmixread=${job.rwmixread}`);
  });
  return lines.join("\n") + "\n";
}

function scriptText(raw: RawScript, index: number, context: WorkloadContext): Record<string, unknown> {
  const luSectors = context.sourceLuBytes / context.sectorBytes;
  const ops = raw.ops.map((op) => {
    if (op.op === "flush") return "flush";
    if ("slot" in op) return `${op.op} ${op.slot}`;
    // Lengths in the LU's sectors, placed so the operation fits.
    const lengthSectors = Math.min(op.lengthSectors, luSectors);
    const sector = Math.floor((op.where / 1_000_000) * (luSectors - lengthSectors + 1));
    return `${op.op} ${sector * context.sectorBytes} ${lengthSectors * context.sectorBytes}`;
  });
  return { kind: "script", name: `script${index}`, iodepth: raw.iodepth, ops };
}
