import { failRange, requireItemCount } from "./checks.js";
import type { Rng } from "./streams.js";
import { unit53 } from "./unit-interval.js";

/**
 * Zipf ranks: P(rank = k) proportional to k^-theta for k in 1..itemCount, the
 * law fio's `zipf:theta` uses (so rank 1 is drawn 2^theta times as often as rank 2).
 *
 * Sampled by rejection-inversion (W. Hörmann and G. Derflinger, "Rejection-
 * inversion to generate variates from monotone discrete distributions", ACM
 * TOMACS 6(3), 1996): O(1) setup and O(1) expected time per sample whatever
 * itemCount is (a 16 TiB range in 4 KiB blocks is 2^32 items), exact for every
 * theta > 0 including theta = 1. A continuous hat h(x) = x^-theta is inverted
 * and each rank k keeps the part of its hat interval of width exactly h(k), so
 * ranks come out in exact proportion; the rest (a few percent at most) is redrawn.
 *
 * fio's own generator differs: it uses the Gray et al. (1994) approximation,
 * whose normalising sum is cut off after 10 million terms, so for large ranges
 * and theta <= 1 its rank-1 probability is larger than the law above says.
 * fio also rejects theta = 1; this sampler accepts it.
 */
export class ZipfRankSampler {
  private readonly oneMinusTheta: number;
  /** H(1.5) - h(1): the low end of the inverted interval (rank 1's share ends here). */
  private readonly hIntegralRank1: number;
  /** H(itemCount + 0.5): the high end of the inverted interval. */
  private readonly hIntegralLast: number;
  /** Quick-accept width: any x within this of its rank is inside the kept part. */
  private readonly squeezeWidth: number;

  constructor(
    readonly itemCount: number,
    readonly theta: number,
  ) {
    requireItemCount("ZipfRankSampler", "itemCount", itemCount);
    if (typeof theta !== "number" || !Number.isFinite(theta) || theta <= 0) failRange("ZipfRankSampler", "theta", theta, "a finite number > 0");
    this.oneMinusTheta = 1 - theta;
    this.hIntegralRank1 = this.hIntegral(1.5) - 1;
    this.hIntegralLast = this.hIntegral(itemCount + 0.5);
    this.squeezeWidth = 2 - this.hIntegralInverse(this.hIntegral(2.5) - this.h(2));
  }

  /** A rank in [1, itemCount]; rank 1 is the most frequent. */
  sample(rng: Rng): number {
    const n = this.itemCount;
    if (n === 1) return 1;
    for (;;) {
      const u = this.hIntegralLast + unit53(rng) * (this.hIntegralRank1 - this.hIntegralLast);
      const x = this.hIntegralInverse(u);
      let k = Math.floor(x + 0.5);
      if (k < 1) k = 1;
      else if (k > n) k = n;
      if (k - x <= this.squeezeWidth || u >= this.hIntegral(k + 0.5) - this.h(k)) return k;
    }
  }

  /** h(x) = x^-theta, the unnormalised probability of rank x. */
  private h(x: number): number {
    return Math.exp(-this.theta * Math.log(x));
  }

  /**
   * H(x) = (x^(1-theta) - 1) / (1 - theta), an antiderivative of h; ln(x) at theta = 1.
   * Written as expm1(t)/t * ln(x) with t = (1-theta) ln(x) so it is continuous
   * and accurate as theta crosses 1.
   */
  private hIntegral(x: number): number {
    const logX = Math.log(x);
    return expm1OverX(this.oneMinusTheta * logX) * logX;
  }

  /** The inverse of H: (1 + (1-theta) y)^(1/(1-theta)), exp(y) at theta = 1. */
  private hIntegralInverse(y: number): number {
    let t = this.oneMinusTheta * y;
    // For theta > 1, H is bounded above by 1/(theta-1); rounding can push t to
    // -1 or just below, where log1p is -Infinity/NaN. Clamp to stay finite.
    if (t < -1) t = -1;
    return Math.exp(log1pOverX(t) * y);
  }
}

/** expm1(x)/x, with its limit 1 at x = 0 (series where the quotient loses precision). */
function expm1OverX(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.expm1(x) / x : 1 + x * (0.5 + x / 6);
}

/** log1p(x)/x, with its limit 1 at x = 0. */
function log1pOverX(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.log1p(x) / x : 1 - x * (0.5 - x / 3);
}
