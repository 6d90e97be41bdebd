/**
 * The points of a sweep: `--vary path=v1,v2,v3` axes (values are `--set`
 * values, so each point is a list of overrides applied to the scenario), and
 * their cartesian product in a fixed order, the first axis varying slowest.
 * A point's index and id depend only on the --vary list, never on how the
 * sweep is run, so shards and merges agree on them.
 */
import { formatPath } from "../../scenarios/schema/problems.js";
import { OverrideProblem, parseOverride, settingPath } from "../../scenarios/schema/overrides.js";
import { SweepError } from "./errors.js";

export interface VaryAxis {
  /** The path as written (it is also the CSV column of this parameter), e.g. `engine.chunkSize`. */
  readonly path: string;
  /** Each value as written; each is a YAML value, as after `--set path=`. */
  readonly values: readonly string[];
}

export interface SweepPoint {
  /** 0-based position in the full product (not in a shard). */
  readonly index: number;
  /** Stable and readable: zero-padded index, then the values, e.g. `04_64KiB_16KiB`. */
  readonly id: string;
  /** One value per axis, in axis order. */
  readonly values: readonly string[];
  /** `path=value` per axis, applied after the sweep's own --set overrides (so they win). */
  readonly overrides: readonly string[];
}

/** Guards against a typo such as `--vary a=1,2,...,1000 --vary b=...` that would run for days. */
export const MAX_POINTS = 100_000;

/**
 * Splits a value list at top-level commas: YAML flow values such as `{at: 5ms,
 * action: start}` or `[1, 2]` and quoted strings keep their commas.
 */
function splitValues(text: string): string[] {
  const values: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text.charAt(i);
    if (quote !== undefined) {
      if (char === "\\" && quote === '"') i++;
      else if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === "{" || char === "[") depth++;
    else if (char === "}" || char === "]") depth = Math.max(0, depth - 1);
    else if (char === "," && depth === 0) {
      values.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  values.push(text.slice(start).trim());
  return values;
}

/** Parses one `--vary path=v1,v2,...` argument. */
export function parseVary(text: string): VaryAxis {
  const parsed = parseOverride(text);
  if (parsed instanceof OverrideProblem) throw new SweepError(`--vary ${JSON.stringify(text)}: ${parsed.message} at column ${parsed.column}; expected path=v1,v2,..., such as engine.chunkSize=16KiB,64KiB,256KiB`);
  const path = formatPath(parsed.segments.map((segment) => segment.key));
  const values = splitValues(parsed.valueText);
  if (values.some((value) => value === "")) throw new SweepError(`--vary ${JSON.stringify(text)}: an empty value; expected comma-separated values, such as ${path}=16KiB,64KiB`);
  const seen = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) throw new SweepError(`--vary ${path}: the value ${JSON.stringify(value)} is given twice; expected each value once (two equal points would only repeat a run)`);
    seen.add(value);
  }
  return { path, values };
}

/** Parses every --vary, refusing none at all and a path varied twice. */
export function parseVaryList(texts: readonly string[]): VaryAxis[] {
  if (texts.length === 0) throw new SweepError("nothing to sweep; expected at least one --vary path=v1,v2,..., such as --vary engine.chunkSize=16KiB,64KiB,256KiB, found none");
  const axes = texts.map(parseVary);
  // Keyed by setting: chunkSize and chunkSizeBytes are one path in two spellings.
  const paths = new Map<string, string>();
  for (const axis of axes) {
    const earlier = paths.get(settingPath(axis.path));
    if (earlier !== undefined) throw new SweepError(`--vary ${axis.path} is given twice${earlier === axis.path ? "" : ` (as --vary ${earlier}, its other spelling)`}; expected all its values in one --vary`);
    paths.set(settingPath(axis.path), axis.path);
  }
  const count = pointCount(axes);
  if (count > MAX_POINTS) throw new SweepError(`the --vary lists make ${count} points; at most ${MAX_POINTS} are allowed in one sweep`);
  return axes;
}

export function pointCount(axes: readonly VaryAxis[]): number {
  return axes.reduce((product, axis) => product * axis.values.length, 1);
}

/** How many ids a message lists before "and N more". */
const LISTED_IDS = 10;

/** Point ids for a message: the first few, then how many more, so a sweep of thousands of points does not flood it. */
export function listPointIds(ids: readonly string[]): string {
  const shown = ids.slice(0, LISTED_IDS).join(", ");
  return ids.length > LISTED_IDS ? `${shown} and ${ids.length - LISTED_IDS} more` : shown;
}

/** Keeps ids readable and safe as file names: runs of other characters become one "-". */
function slug(value: string): string {
  const cleaned = value.replace(/[^A-Za-z0-9.+-]+/g, "-").replace(/^-+|-+$/g, "");
  return cleaned === "" ? "x" : cleaned;
}

/** The cartesian product, first axis slowest (like nested loops written in --vary order). */
export function sweepPoints(axes: readonly VaryAxis[]): SweepPoint[] {
  const count = pointCount(axes);
  const width = String(Math.max(0, count - 1)).length;
  const points: SweepPoint[] = [];
  for (let index = 0; index < count; index++) {
    const values: string[] = [];
    let rest = index;
    // Mixed-radix digits of the index, last axis least significant.
    for (let axis = axes.length - 1; axis >= 0; axis--) {
      const choices = axes[axis]!.values;
      values[axis] = choices[rest % choices.length]!;
      rest = Math.floor(rest / choices.length);
    }
    points.push({
      index,
      id: [String(index).padStart(width, "0"), ...values.map(slug)].join("_"),
      values,
      overrides: axes.map((axis, i) => `${axis.path}=${values[i]!}`),
    });
  }
  return points;
}
