import { failRange, requireItemCount } from "./checks.js";
import type { Rng } from "./streams.js";
import { unit53 } from "./unit-interval.js";

/**
 * fio's `pareto:h` access skew (lib/zipf.c, pareto_init/pareto_next): an item
 * position f = U^p in [0, 1) with p = ln(h) / ln(1 - h), U uniform.
 *
 * What h means: P(f < x) = x^(1/p), so P(f < h) = h^(ln(1-h)/ln(h)) = 1 - h.
 * The first h of the range receives 1 - h of the accesses: h = 0.2 is the
 * 80/20 rule with the hot 20% at the low end. For h > 0.5 the exponent p is
 * below 1 and the hot end is the top of the range instead: pareto:0.9 sends 90%
 * of accesses to the last 10%. h = 0.5 is uniform. O(1) setup and per sample.
 *
 * Differences from fio: fio scales by (itemCount - 1) and truncates, so with
 * its 32-bit uniform the last item is practically never drawn; here the
 * position is scaled by itemCount, which gives every item its exact share.
 */
export class ParetoPositionSampler {
  /** p = ln(h) / ln(1 - h): the power applied to a uniform. */
  readonly power: number;

  constructor(
    readonly itemCount: number,
    readonly h: number,
  ) {
    requireItemCount("ParetoPositionSampler", "itemCount", itemCount);
    if (typeof h !== "number" || !(h > 0 && h < 1)) failRange("ParetoPositionSampler", "h", h, "a number in (0, 1) exclusive, as fio requires");
    this.power = Math.log(h) / Math.log(1 - h);
  }

  /** An item index in [0, itemCount); small indices are hot when h < 0.5. */
  sample(rng: Rng): number {
    const position = Math.pow(unit53(rng), this.power);
    // position < 1, but position * itemCount can round up to itemCount for huge ranges.
    return Math.min(this.itemCount - 1, Math.floor(position * this.itemCount));
  }
}
