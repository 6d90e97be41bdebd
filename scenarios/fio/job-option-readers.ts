/**
 * Readers for the fio options whose value needs more than a unit parse: rw
 * (with its offset modifier), the read/write mix, per-direction rates and
 * random_distribution. Each reports problems through the job's sink and
 * returns undefined for a value it could not use.
 */
import { parseRandomDistribution } from "../../sim/rng/fio-random-distribution.js";
import type { RandomDistributionSpec, RwMode } from "../model.js";
import { FioValueError, parseFioPercent, splitPerDirection } from "./fio-values.js";
import { didYouMean } from "./suggest.js";

/** One option of a job after [global] and the job section are merged; `canonical` has aliases resolved. */
export interface OptionEntry {
  readonly written: string;
  readonly canonical: string;
  readonly value: string | undefined;
  readonly line: number;
  /** 1-based column of the value (else of the name): where a problem with the option points. */
  readonly column?: number;
}

export type Direction = "read" | "write";

/** Parses an option's value; undefined when it is absent or broken (broken ones are reported). */
export type ReadOption = <T>(canonical: string, parse: (value: string) => T) => T | undefined;

export type ReportProblem = (entry: OptionEntry, message: string) => void;

export const DEFAULT_READ_PERCENT = 50;

const RW_MODES: Readonly<Record<string, RwMode>> = { read: "read", write: "write", randread: "randread", randwrite: "randwrite", rw: "rw", readwrite: "rw", randrw: "randrw" };
const TRIM_MODES = new Set(["trim", "randtrim", "trimwrite", "randtrimwrite"]);
const FILE_MODES = new Set(["filecreate", "filestat", "filedelete"]);

export interface RwReading {
  readonly mode: RwMode;
  /** The `:<nr>` modifier did nothing (randread:1, write:0) or was absent, so rw_sequencer has nothing to act on. */
  readonly sequencerUnused: boolean;
}

/**
 * fio's rw, with its offset modifier: `randread:8` takes 8 I/Os from each
 * random offset, `write:4k` leaves a 4k hole after each I/O. Neither exists
 * in the simulator; only the modifiers that do nothing are accepted.
 */
export function readRw(entry: OptionEntry, problem: ReportProblem): RwReading | undefined {
  const text = (entry.value ?? "").trim();
  const colon = text.indexOf(":");
  const modeText = colon < 0 ? text : text.slice(0, colon);
  const modifier = colon < 0 ? undefined : text.slice(colon + 1).trim();
  const mode = RW_MODES[modeText];
  if (mode === undefined) {
    if (TRIM_MODES.has(modeText)) problem(entry, "the simulator has no trim; use read, write, randread, randwrite, rw or randrw");
    else if (FILE_MODES.has(modeText)) problem(entry, "file operations are not block I/O; use read, write, randread, randwrite, rw or randrw");
    else problem(entry, `expected read, write, randread, randwrite, rw (readwrite) or randrw${didYouMean(modeText, Object.keys(RW_MODES))}`);
    return undefined;
  }
  if (modifier === undefined) return { mode, sequencerUnused: true };
  if (mode.startsWith("rand")) {
    if (modifier === "1") return { mode, sequencerUnused: true };
    problem(entry, `fio takes ${modifier} I/Os from each random offset (in sequence, or the same offset again with rw_sequencer=identical); the simulator picks a new offset for every I/O`);
    return undefined;
  }
  if (/^0+[a-z]*$/i.test(modifier)) return { mode, sequencerUnused: true };
  problem(entry, `fio skips ${modifier} after every I/O, leaving holes; the simulator's sequential jobs have no holes`);
  return undefined;
}

/** rwmixread/rwmixwrite; when they disagree, the one given later wins (HOWTO, rwmixwrite). */
export function readMix(rwmixread: OptionEntry | undefined, rwmixwrite: OptionEntry | undefined, read: ReadOption, note: (message: string) => void): number {
  const readShare = read("rwmixread", parseFioPercent);
  const writeShare = read("rwmixwrite", parseFioPercent);
  if (readShare === undefined && writeShare === undefined) return DEFAULT_READ_PERCENT;
  if (readShare === undefined) return 100 - (writeShare ?? 0);
  if (writeShare === undefined || readShare + writeShare === 100) return readShare;
  const writeIsLater = (rwmixwrite?.line ?? 0) > (rwmixread?.line ?? 0);
  const percent = writeIsLater ? 100 - writeShare : readShare;
  note(`rwmixread=${readShare} and rwmixwrite=${writeShare} do not add to 100; as in fio the later one wins: ${percent}% reads`);
  return percent;
}

/**
 * A per-direction rate (rate_iops, rate) for the directions that arrive:
 * undefined when unrated. fio paces each direction with its own clock; a
 * rate for only some of them would leave the others closed loop beside
 * them, which a simulated job (open or closed loop) cannot be.
 */
export function readRate(
  entry: OptionEntry | undefined,
  arriving: readonly Direction[],
  read: ReadOption,
  problem: ReportProblem,
  parse: (value: string) => number,
): { read: number; write: number } | undefined {
  if (entry === undefined) return undefined;
  const parts = read(entry.canonical, (value) => splitPerDirection(value));
  if (parts === undefined) return undefined;
  const rates = { read: 0, write: 0 };
  for (const direction of arriving) {
    const text = parts[direction];
    rates[direction] = text === undefined ? 0 : (read(entry.canonical, () => parse(text)) ?? 0);
  }
  const unrated = arriving.filter((direction) => rates[direction] === 0);
  if (unrated.length === arriving.length) return undefined;
  if (unrated.length > 0) {
    problem(entry, `rates ${arriving.filter((direction) => rates[direction] > 0).join(" and ")}s but not ${unrated.join(" and ")}s: fio would issue those closed loop beside the rated ones; a simulated job is open or closed loop, so give both a rate or neither`);
    return undefined;
  }
  return rates;
}

/**
 * random_distribution as sim/rng parses it, in the model's terms. The model
 * has no center for zipf and pareto, so one is refused rather than dropped.
 */
export function readRandomDistribution(value: string): RandomDistributionSpec {
  const spec = parseRandomDistribution(value);
  switch (spec.kind) {
    case "random":
      return { kind: "random" };
    case "zipf":
    case "pareto":
      if (spec.centerFraction !== undefined) throw new FioValueError(`a center for ${spec.kind} is not supported; expected ${spec.kind === "zipf" ? '"zipf:theta", e.g. zipf:1.2' : '"pareto:h", e.g. pareto:0.2'}`);
      return spec.kind === "zipf" ? { kind: "zipf", theta: spec.theta } : { kind: "pareto", h: spec.h };
    case "normal":
      return spec.centerFraction === undefined ? { kind: "normal", deviationPercent: spec.deviationPercent } : { kind: "normal", deviationPercent: spec.deviationPercent, centerFraction: spec.centerFraction };
    case "zoned":
      return { kind: "zoned", zones: spec.zones.map((zone) => ({ accessPercent: zone.accessPercent, sizePercent: zone.sizePercent })) };
  }
}
