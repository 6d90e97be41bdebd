/**
 * The standard normal CDF and its inverse, used by the normal, truncated
 * normal and lognormal samplers. Sampling by inverse CDF costs one uniform per
 * sample (no cached second Box-Muller value hiding state between calls) and
 * lets a truncated normal be drawn in one step however far in the tail the
 * truncation interval lies.
 */

const SQRT_2PI = Math.sqrt(2 * Math.PI);

/**
 * P(Z <= -|z|) for a standard normal Z, computed directly (not as 1 - CDF) so
 * tail probabilities keep their relative precision down to ~1e-300.
 * Hart's (1968) rational approximation as given by G. West, "Better
 * approximations to cumulative normal functions" (2005): relative error about
 * 1e-15 for |z| < 7.07 and about 1e-8 beyond (continued-fraction branch).
 */
export function standardNormalLowerTail(z: number): number {
  const x = Math.abs(z);
  if (x > 37) return 0; // below 1e-300: the double would underflow anyway
  const gauss = Math.exp(-0.5 * x * x);
  if (x < 7.07106781186547) {
    let numerator = 3.52624965998911e-2 * x + 0.700383064443688;
    numerator = numerator * x + 6.37396220353165;
    numerator = numerator * x + 33.912866078383;
    numerator = numerator * x + 112.079291497871;
    numerator = numerator * x + 221.213596169931;
    numerator = numerator * x + 220.206867912376;
    let denominator = 8.83883476483184e-2 * x + 1.75566716318264;
    denominator = denominator * x + 16.064177579207;
    denominator = denominator * x + 86.7807322029461;
    denominator = denominator * x + 296.564248779674;
    denominator = denominator * x + 637.333633378831;
    denominator = denominator * x + 793.826512519948;
    denominator = denominator * x + 440.413735824752;
    return (gauss * numerator) / denominator;
  }
  let fraction = x + 0.65;
  fraction = x + 4 / fraction;
  fraction = x + 3 / fraction;
  fraction = x + 2 / fraction;
  fraction = x + 1 / fraction;
  return gauss / fraction / SQRT_2PI;
}

/** P(Z <= z) for a standard normal Z. */
export function standardNormalCdf(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  const tail = standardNormalLowerTail(z);
  return z <= 0 ? tail : 1 - tail;
}

// Acklam's rational approximation of the normal quantile (relative error
// 1.15e-9), refined below by one Halley step against the CDF above.
const CENTRAL_NUMERATOR = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const CENTRAL_DENOMINATOR = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const TAIL_NUMERATOR = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const TAIL_DENOMINATOR = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
const TAIL_BREAK_PROBABILITY = 0.02425;

function horner(coefficients: readonly number[], x: number): number {
  let sum = 0;
  for (const c of coefficients) sum = sum * x + c;
  return sum;
}

/** The quantile for p in (0, 0.5]: computed on the lower half where p has full relative precision. */
function lowerHalfQuantile(p: number): number {
  let z: number;
  if (p < TAIL_BREAK_PROBABILITY) {
    const q = Math.sqrt(-2 * Math.log(p));
    z = horner(TAIL_NUMERATOR, q) / (horner(TAIL_DENOMINATOR, q) * q + 1);
  } else {
    const q = p - 0.5;
    const r = q * q;
    z = (horner(CENTRAL_NUMERATOR, r) * q) / (horner(CENTRAL_DENOMINATOR, r) * r + 1);
  }
  // One Halley step: brings the result to the precision of the CDF and makes
  // quantile(cdf(z)) == z to within rounding, which the truncated normal relies on.
  const error = standardNormalLowerTail(z) - p;
  const step = error * SQRT_2PI * Math.exp(0.5 * z * z);
  return z - step / (1 + 0.5 * z * step);
}

/**
 * The z with P(Z <= z) = p, for p in [0, 1] (-Infinity at 0, +Infinity at 1).
 * The upper half is computed by symmetry from 1 - p, which is exact for p >= 0.5.
 */
export function standardNormalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`standardNormalQuantile: p must be a probability in [0, 1], got ${p}`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  return p <= 0.5 ? lowerHalfQuantile(p) : -lowerHalfQuantile(1 - p);
}
