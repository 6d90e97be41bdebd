/**
 * Which item (block index) a random I/O touches, with the vocabulary of fio's
 * `random_distribution`. Every kind is O(1) in memory and O(1) per sample in
 * the number of items, so a 16 TiB range in 4 KiB blocks (2^32 items) costs
 * the same as a small one; only `zoned` keeps a table, one row per zone.
 *
 * Where the generators differ from fio (besides using this project's streams,
 * so the numbers themselves are never fio's):
 * - zipf/pareto: fio scatters its outputs with a multiplicative hash so the hot
 *   items are spread over the range. We do the same by default (`scatter`
 *   true) with a golden-ratio permutation (see scatter.ts) that, unlike fio's
 *   hash-modulo, never maps two ranks to one item; `scatter: false` keeps the
 *   hot items contiguous, which matters for a copy-on-first-write engine whose
 *   cost depends on how many chunks the hot set spans. Without a center, fio
 *   rotates the output by a random amount; we do not rotate (rank 0 is item 0).
 * - normal: as fio's lib/gauss.c, the rounded-up average of 12 uniform
 *   integers in [0, itemCount] (a bell around the middle with a standard
 *   deviation of about itemCount / 12, whatever the deviation option says),
 *   plus a uniform jitter of deviationPercent % of the range (halved while it
 *   would pass the end, as fio's; also while it would pass the start, where
 *   fio's unsigned sum wraps), then scattered like zipf/pareto (`scatter`,
 *   default true: fio hashes its normal offsets too, so its hot items are
 *   spread over the range) and rotated by (centerFraction - 0.5) of the range
 *   (fio's center; default 0.5, no rotation). `scatter: false` keeps the bell
 *   contiguous, its peak at centerFraction.
 * - zoned: percentages may be fractional; fio stores whole percents.
 */
import { failRange, requireFraction, requireItemCount } from "./checks.js";
import { ParetoPositionSampler } from "./pareto.js";
import { IndexScatter } from "./scatter.js";
import type { Rng } from "./streams.js";
import { ZipfRankSampler } from "./zipf.js";
import { BadValueError } from "../../io/bad-value-error.js";

export { parseRandomDistribution } from "./fio-random-distribution.js";

/** One zone of a `zoned` distribution: accessPercent of the I/Os fall uniformly in the next sizePercent of the range. */
export interface OffsetZone {
  readonly accessPercent: number;
  readonly sizePercent: number;
}

export type OffsetDistributionSpec =
  | { kind: "random" }
  /**
   * P(rank k) proportional to k^-theta (theta > 0). centerFraction in [0, 1]
   * places the hottest item at floor(centerFraction * itemCount) (fio's
   * `zipf:theta:center`); scatter (default true) spreads the other ranks over the range.
   */
  | { kind: "zipf"; theta: number; centerFraction?: number; scatter?: boolean }
  /** fio's pareto power h in (0, 1): a fraction h of the items gets 1 - h of the accesses. Same center/scatter as zipf. */
  | { kind: "pareto"; h: number; centerFraction?: number; scatter?: boolean }
  /** fio's normal: a bell of 12 averaged uniforms, jittered by deviationPercent % of the range (0 <= deviationPercent < 100); center and scatter as described above. */
  | { kind: "normal"; deviationPercent: number; centerFraction?: number; scatter?: boolean }
  /** Zones in order from the start of the range; accessPercent must add to 100, sizePercent to at most 100 (the rest is never touched). */
  | { kind: "zoned"; zones: ReadonlyArray<{ accessPercent: number; sizePercent: number }> };

export interface OffsetDistribution {
  readonly itemCount: number;
  /** An item index in [0, itemCount). */
  sample(rng: Rng): number;
}

const WHERE = "makeOffsetDistribution";

/** Tolerance for percentages that should add to 100 but were written as decimals (33.3 + 33.3 + 33.4). */
const PERCENT_SUM_TOLERANCE = 1e-9;

export function makeOffsetDistribution(spec: OffsetDistributionSpec, itemCount: number): OffsetDistribution {
  requireItemCount(WHERE, "itemCount", itemCount);
  if (typeof spec !== "object" || spec === null) failRange(WHERE, "spec", spec, "an OffsetDistributionSpec object");
  switch (spec.kind) {
    case "random":
      return new UniformOffsets(itemCount);
    case "zipf": {
      const sampler = new ZipfRankSampler(itemCount, spec.theta);
      return new RankedOffsets(itemCount, (rng) => sampler.sample(rng) - 1, rankPlacement("zipf", spec, itemCount));
    }
    case "pareto": {
      const sampler = new ParetoPositionSampler(itemCount, spec.h);
      return new RankedOffsets(itemCount, (rng) => sampler.sample(rng), rankPlacement("pareto", spec, itemCount));
    }
    case "normal":
      return new NormalOffsets(itemCount, spec);
    case "zoned":
      return new ZonedOffsets(itemCount, spec.zones);
    default: {
      const kind: unknown = (spec as { kind?: unknown }).kind;
      return failRange(WHERE, "spec.kind", kind, 'one of "random", "zipf", "pareto", "normal", "zoned"');
    }
  }
}

class UniformOffsets implements OffsetDistribution {
  constructor(readonly itemCount: number) {}

  sample(rng: Rng): number {
    return rng.int(0, this.itemCount - 1);
  }
}

/** Maps a 0-based rank (0 = hottest) to an item index. */
type RankPlacement = (rank: number) => number;

function rankPlacement(kind: string, spec: { centerFraction?: number; scatter?: boolean }, itemCount: number): RankPlacement {
  const where = `${WHERE} (${kind})`;
  if (spec.scatter !== undefined && typeof spec.scatter !== "boolean") failRange(where, "scatter", spec.scatter, "true or false");
  let offset = 0;
  if (spec.centerFraction !== undefined) {
    requireFraction(where, "centerFraction", spec.centerFraction);
    // centerFraction = 1 is the end of the range, which wraps to its start.
    offset = Math.floor(spec.centerFraction * itemCount) % itemCount;
  }
  if (spec.scatter ?? true) {
    const scatter = new IndexScatter(itemCount, offset);
    return (rank) => scatter.apply(rank);
  }
  return (rank) => {
    const index = rank + offset;
    return index >= itemCount ? index - itemCount : index;
  };
}

class RankedOffsets implements OffsetDistribution {
  constructor(
    readonly itemCount: number,
    private readonly drawRank: (rng: Rng) => number,
    private readonly place: RankPlacement,
  ) {}

  sample(rng: Rng): number {
    return this.place(this.drawRank(rng));
  }
}

/** Uniforms averaged by fio's gauss_next (GAUSS_ITERS). */
const GAUSS_ITERATIONS = 12;

class NormalOffsets implements OffsetDistribution {
  /** fio's gauss stddev: the jitter's width in items, ceil(itemCount * deviation / 100), at most itemCount / 2. */
  private readonly jitterItems: number;
  private readonly place: (value: number) => number;

  constructor(
    readonly itemCount: number,
    spec: { readonly deviationPercent: number; readonly centerFraction?: number; readonly scatter?: boolean },
  ) {
    const where = `${WHERE} (normal)`;
    const deviationPercent = spec.deviationPercent;
    if (typeof deviationPercent !== "number" || !(deviationPercent >= 0 && deviationPercent < 100)) {
      failRange(where, "deviationPercent", deviationPercent, "a number in [0, 100) (percent of the range, fio's limit)");
    }
    this.jitterItems = Math.min(Math.ceil((itemCount * deviationPercent) / 100), Math.floor(itemCount / 2));
    const centerFraction = spec.centerFraction ?? 0.5;
    requireFraction(where, "centerFraction", centerFraction);
    // fio's rand_off, nranges * (center - 0.5), as a rotation within the range.
    const rotation = (((Math.floor(itemCount * (centerFraction - 0.5)) % itemCount) + itemCount) % itemCount);
    if (spec.scatter !== undefined && typeof spec.scatter !== "boolean") failRange(where, "scatter", spec.scatter, "true or false");
    if (spec.scatter ?? true) {
      const scatter = new IndexScatter(itemCount, rotation);
      this.place = (value) => scatter.apply(value);
    } else {
      this.place = (value) => (value + rotation) % itemCount;
    }
  }

  sample(rng: Rng): number {
    const n = this.itemCount;
    let sum = 0;
    for (let i = 0; i < GAUSS_ITERATIONS; i++) sum += rng.int(0, n);
    sum = Math.floor((sum + GAUSS_ITERATIONS - 1) / GAUSS_ITERATIONS);
    if (this.jitterItems > 0) {
      let jitter = Math.floor(this.jitterItems * rng.next()) - Math.floor(this.jitterItems / 2);
      // An average of n (the 12 draws sum to more than 12 (n - 1): common on a small range) stays past the end
      // whatever the jitter is halved to, and fio's loop never ends there: it takes no jitter and wraps below.
      while (jitter + sum >= n && jitter !== 0) jitter = Math.trunc(jitter / 2);
      while (jitter + sum < 0) jitter = Math.trunc(jitter / 2);
      sum += jitter;
    }
    // The average reaches n when the 12 draws sum to more than 12 (n - 1); fio's final modulo takes it to 0.
    return this.place(sum % n);
  }
}

class ZonedOffsets implements OffsetDistribution {
  /** Running total of accessPercent up to and including each zone. */
  private readonly accessThresholds: Float64Array;
  private readonly totalAccessPercent: number;
  /** Item range [zoneStarts[i], zoneEnds[i]) of each zone. */
  private readonly zoneStarts: Float64Array;
  private readonly zoneEnds: Float64Array;
  /** The last zone with a non-zero share, a guard against a threshold rounded just below the total. */
  private readonly lastAccessedZone: number;

  constructor(
    readonly itemCount: number,
    zones: ReadonlyArray<OffsetZone>,
  ) {
    const where = `${WHERE} (zoned)`;
    if (!Array.isArray(zones) || zones.length === 0) failRange(where, "zones", zones, "a non-empty array of { accessPercent, sizePercent }");
    let accessSum = 0;
    let sizeSum = 0;
    zones.forEach((zone, i) => {
      for (const key of ["accessPercent", "sizePercent"] as const) {
        const value = zone[key];
        if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > 100) failRange(where, `zones[${i}].${key}`, value, "a number in [0, 100]");
      }
      accessSum += zone.accessPercent;
      sizeSum += zone.sizePercent;
    });
    if (Math.abs(accessSum - 100) > PERCENT_SUM_TOLERANCE) failRange(where, "the sum of zones[].accessPercent", accessSum, "100");
    if (sizeSum > 100 + PERCENT_SUM_TOLERANCE) failRange(where, "the sum of zones[].sizePercent", sizeSum, "at most 100");

    this.accessThresholds = new Float64Array(zones.length);
    this.zoneStarts = new Float64Array(zones.length);
    this.zoneEnds = new Float64Array(zones.length);
    let accessTotal = 0;
    let sizeTotal = 0;
    let start = 0;
    let lastAccessed = -1;
    zones.forEach((zone, i) => {
      accessTotal += zone.accessPercent;
      sizeTotal += zone.sizePercent;
      const isLast = i === zones.length - 1;
      // The zone ends where the running size total falls; the last one of a
      // 100% split ends exactly at itemCount despite decimal rounding.
      const end = isLast && Math.abs(sizeSum - 100) <= PERCENT_SUM_TOLERANCE ? itemCount : Math.min(itemCount, Math.floor((itemCount * sizeTotal) / 100));
      if (zone.accessPercent > 0 && end <= start) {
        throw new BadValueError(
          `${where}: zones[${i}] (accessPercent ${zone.accessPercent}, sizePercent ${zone.sizePercent}) covers no item of a ${itemCount}-item range; ` +
            `a zone that receives accesses needs at least one item (use a larger range or a larger sizePercent)`,
        );
      }
      this.accessThresholds[i] = accessTotal;
      this.zoneStarts[i] = start;
      this.zoneEnds[i] = Math.max(start, end);
      if (zone.accessPercent > 0) lastAccessed = i;
      start = Math.max(start, end);
    });
    this.totalAccessPercent = accessTotal;
    this.lastAccessedZone = lastAccessed;
  }

  sample(rng: Rng): number {
    const target = rng.next() * this.totalAccessPercent;
    let zone = this.lastAccessedZone;
    // Few zones (fio allows 256): a linear scan is as fast as a search.
    for (let i = 0; i < this.accessThresholds.length; i++) {
      if (target < (this.accessThresholds[i] as number)) {
        zone = i;
        break;
      }
    }
    return rng.int(this.zoneStarts[zone] as number, (this.zoneEnds[zone] as number) - 1);
  }
}
