/**
 * Scalar distributions for device models and workloads. Every function takes
 * the stream to draw from, so each component's numbers depend only on its own
 * stream (see DESIGN.md, Determinism), and none keeps state between calls.
 * Draw counts are fixed per call except where a redraw is noted, which keeps
 * streams easy to reason about when a sampler changes.
 */
import { failRange, requireFinite, requireNonNegative, requirePositive, requireSafeInteger } from "./checks.js";
import { standardNormalLowerTail, standardNormalQuantile } from "./normal.js";
import type { Rng } from "./streams.js";
import { openUnit53, unit53 } from "./unit-interval.js";

export { EmpiricalDistribution } from "./empirical.js";
export type { EmpiricalOptions, PercentilePoint } from "./empirical.js";

const TWO_POW_53 = 2 ** 53;

/**
 * Uniform integer in [minInclusive, maxInclusive]. Exact (every integer equally
 * likely up to the generator's resolution, none unreachable) for spans up to
 * 2^53, e.g. a byte offset in a 16 TiB volume.
 */
export function uniformInt(rng: Rng, minInclusive: number, maxInclusive: number): number {
  requireSafeInteger("uniformInt", "minInclusive", minInclusive);
  requireSafeInteger("uniformInt", "maxInclusive", maxInclusive);
  if (maxInclusive < minInclusive) failRange("uniformInt", "maxInclusive", maxInclusive, `>= minInclusive (${minInclusive})`);
  // The span must stay representable: max - min + 1 <= 2^53.
  if (maxInclusive - minInclusive >= TWO_POW_53) {
    failRange("uniformInt", "maxInclusive - minInclusive + 1", maxInclusive - minInclusive + 1, "at most 2^53 (the exact integer range of a double)");
  }
  return rng.int(minInclusive, maxInclusive);
}

/** Exponential with the given mean (e.g. Poisson inter-arrival times in ns). */
export function exponential(rng: Rng, mean: number): number {
  requirePositive("exponential", "mean", mean);
  // openUnit53 excludes 0, so the logarithm is finite; the largest value is about 36.7 means.
  return -mean * Math.log(openUnit53(rng));
}

/** Normal with the given mean and standard deviation (stddev >= 0). */
export function normal(rng: Rng, mean: number, stddev: number): number {
  requireFinite("normal", "mean", mean);
  requireNonNegative("normal", "stddev", stddev);
  return mean + stddev * standardNormalQuantile(openUnit53(rng));
}

/**
 * Normal(mean, stddev) conditioned on [min, max], drawn by inverse CDF
 * restricted to the interval: one uniform per sample and no rejection loop, so
 * an interval far in a tail (say 8 standard deviations out) costs no more than
 * one around the mean. Never returns a value outside [min, max].
 * min may be -Infinity and max +Infinity; stddev = 0 returns the mean clamped to the interval.
 */
export function truncatedNormal(rng: Rng, mean: number, stddev: number, min: number, max: number): number {
  requireFinite("truncatedNormal", "mean", mean);
  requireNonNegative("truncatedNormal", "stddev", stddev);
  if (Number.isNaN(min) || min === Infinity) failRange("truncatedNormal", "min", min, "a number < +Infinity (may be -Infinity)");
  if (Number.isNaN(max) || max === -Infinity) failRange("truncatedNormal", "max", max, "a number > -Infinity (may be +Infinity)");
  if (max < min) failRange("truncatedNormal", "max", max, `>= min (${min})`);
  if (min === max) return min;
  if (stddev === 0) return Math.min(max, Math.max(min, mean));

  const lowZ = (min - mean) / stddev;
  const highZ = (max - mean) / stddev;
  // Work in whichever tail keeps precision: the CDF near 1 has only absolute
  // precision, while the lower tail keeps relative precision. An interval in
  // the upper half is mirrored into the lower half and the result mirrored back.
  const mirrored = lowZ > 0;
  const a = mirrored ? -highZ : lowZ;
  const b = mirrored ? -lowZ : highZ;
  const cdfA = a === -Infinity ? 0 : cdfLowerBiased(a);
  const cdfB = b === Infinity ? 1 : cdfLowerBiased(b);

  const u = unit53(rng);
  if (!(cdfB > cdfA)) {
    // The interval's mass underflows (it lies beyond ~37 standard deviations):
    // the density there falls so steeply that it is concentrated at the end
    // nearest the mean.
    return mirrored ? min : max;
  }
  const z = standardNormalQuantile(cdfA + u * (cdfB - cdfA));
  const value = mean + stddev * (mirrored ? -z : z);
  // Rounding in the CDF/quantile pair can land a hair outside; the promise is [min, max].
  return Math.min(max, Math.max(min, value));
}

/** CDF for a z in the lower half or slightly above it (as produced by mirroring). */
function cdfLowerBiased(z: number): number {
  return z <= 0 ? standardNormalLowerTail(z) : 1 - standardNormalLowerTail(z);
}

/**
 * Lognormal: exp(X) with X ~ Normal(mu, sigma), mu and sigma being the
 * parameters of the underlying normal (so the median is exp(mu)).
 */
export function lognormal(rng: Rng, mu: number, sigma: number): number {
  requireFinite("lognormal", "mu", mu);
  requireNonNegative("lognormal", "sigma", sigma);
  return Math.exp(mu + sigma * standardNormalQuantile(openUnit53(rng)));
}
