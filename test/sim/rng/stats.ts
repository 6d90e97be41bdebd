/** Small statistics helpers for the distribution tests (not a test file). */

export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] as number;
  return sum / values.length;
}

export function stddev(values: ArrayLike<number>): number {
  const m = mean(values);
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += ((values[i] as number) - m) ** 2;
  return Math.sqrt(sum / (values.length - 1));
}

/** The q-quantile (0..1) of the values, by sorting a copy. */
export function empiricalQuantile(sorted: Float64Array, q: number): number {
  const position = q * (sorted.length - 1);
  const lo = Math.floor(position);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (position - lo);
}

/** Four standard errors of a binomial proportion p over n trials: a bound a correct sampler exceeds with probability ~6e-5. */
export function binomialTolerance(p: number, n: number): number {
  return 4 * Math.sqrt((p * (1 - p)) / n);
}

/** Pearson's chi-square statistic of observed counts against expected probabilities. */
export function chiSquare(observed: ArrayLike<number>, probabilities: ArrayLike<number>, total: number): number {
  let statistic = 0;
  for (let i = 0; i < observed.length; i++) {
    const expected = (probabilities[i] as number) * total;
    statistic += ((observed[i] as number) - expected) ** 2 / expected;
  }
  return statistic;
}

/**
 * The chi-square value a correct sampler exceeds with probability 0.001 for
 * the given degrees of freedom (Wilson-Hilferty approximation, good to ~1%).
 */
export function chiSquareCritical(degreesOfFreedom: number): number {
  const k = degreesOfFreedom;
  const z = 3.0902; // standard normal 0.999 quantile
  return k * (1 - 2 / (9 * k) + z * Math.sqrt(2 / (9 * k))) ** 3;
}

/** Exact Zipf probabilities for ranks 1..n, P(k) proportional to k^-theta. */
export function zipfPmf(n: number, theta: number): Float64Array {
  const weights = new Float64Array(n);
  let total = 0;
  for (let k = 1; k <= n; k++) {
    weights[k - 1] = k ** -theta;
    total += k ** -theta;
  }
  return weights.map((w) => w / total);
}

/**
 * The generalized harmonic number sum_{k=1..n} k^-theta for huge n: exact
 * terms up to 10^5, then the midpoint integral of the tail (its error is far
 * below the sampling noise of any test here).
 */
export function generalizedHarmonic(n: number, theta: number): number {
  const exactTerms = Math.min(n, 100_000);
  let sum = 0;
  for (let k = 1; k <= exactTerms; k++) sum += k ** -theta;
  if (n > exactTerms) {
    const a = exactTerms + 0.5;
    const b = n + 0.5;
    sum += theta === 1 ? Math.log(b / a) : (b ** (1 - theta) - a ** (1 - theta)) / (1 - theta);
  }
  return sum;
}
