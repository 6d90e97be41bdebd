/**
 * Wall-clock figures of the simulator, made comparable across machines and
 * runs. Each workload is timed with tinybench over repeated samples next to a
 * reference workload (timed just before and just after each sample, in the
 * same process), and reported as the ratio of its rate to the reference's rate.
 * The uncertainty of the ratio comes from the samples' standard errors by the
 * delta method on the log scale (relative errors add in quadrature; Welch
 * degrees of freedom; Student t), which keeps intervals positive and lets a
 * ratio of ratios combine the same way.
 *
 * Nothing here reads a clock directly: tinybench's clock and the workloads are
 * parameters, so tests can drive it with a simulated clock and slowed-down
 * workloads.
 */
import { Bench } from "tinybench";
import type { StoredRatio } from "./baseline.js";

/** A unit of work to time: one call is one sample. */
export interface TimedWorkload {
  readonly name: string;
  readonly run: () => void;
}

export interface SamplingOptions {
  /** Timed calls of each workload (at least 2, for a standard error). */
  readonly samples: number;
  /** Untimed calls first, so that the timings are of optimized code. */
  readonly warmupIterations: number;
  /** Milliseconds now; tinybench's default (performance.now) when omitted. */
  readonly now?: () => number;
}

/** Iterations per wall second over the samples of one workload. */
export interface RateSummary {
  readonly meanPerSecond: number;
  readonly standardErrorPerSecond: number;
  readonly samples: number;
}

export interface RatioEstimate extends StoredRatio {
  /** 95% confidence interval of the ratio. */
  readonly low: number;
  readonly high: number;
}

export interface RelativeSpeed {
  /** Measured iterations per second / reference iterations per second. */
  readonly iterationRatio: RatioEstimate;
  readonly reference: RateSummary;
  readonly measured: RateSummary;
}

/** Two-sided 95% Student t critical values for 1..30 degrees of freedom. */
const T_975: readonly number[] = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

/** The 97.5% quantile of Student's t; fractional degrees of freedom round down (a wider, safer interval). */
export function studentT975(degreesOfFreedom: number): number {
  if (!(degreesOfFreedom >= 1)) return Number.POSITIVE_INFINITY;
  if (degreesOfFreedom === Number.POSITIVE_INFINITY) return 1.959964;
  const df = Math.floor(degreesOfFreedom);
  if (df <= T_975.length) return T_975[df - 1]!;
  // Cornish-Fisher expansion around the normal quantile: within 0.001 of the exact value from 30 up.
  const z = 1.959964;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2);
}

function summarize(ratesPerSecond: readonly number[]): RateSummary {
  const n = ratesPerSecond.length;
  const mean = ratesPerSecond.reduce((sum, rate) => sum + rate, 0) / n;
  const variance = n < 2 ? Number.POSITIVE_INFINITY : ratesPerSecond.reduce((sum, rate) => sum + (rate - mean) ** 2, 0) / (n - 1);
  return { meanPerSecond: mean, standardErrorPerSecond: Math.sqrt(variance / n), samples: n };
}

/**
 * Combines independent log-scale errors: the standard error of their sum or
 * difference, and Welch-Satterthwaite degrees of freedom. No error at all
 * (a perfectly steady clock) gives infinite degrees of freedom.
 */
export function combineLogErrors(parts: ReadonlyArray<{ readonly logStandardError: number; readonly degreesOfFreedom: number }>): { logStandardError: number; degreesOfFreedom: number } {
  const variances = parts.map((part) => part.logStandardError ** 2);
  const total = variances.reduce((sum, v) => sum + v, 0);
  if (total === 0) return { logStandardError: 0, degreesOfFreedom: Number.POSITIVE_INFINITY };
  const denominator = parts.reduce((sum, part, index) => sum + variances[index]! ** 2 / part.degreesOfFreedom, 0);
  return { logStandardError: Math.sqrt(total), degreesOfFreedom: total ** 2 / denominator };
}

function withInterval(ratio: number, logStandardError: number, degreesOfFreedom: number): RatioEstimate {
  const half = studentT975(degreesOfFreedom) * logStandardError;
  return { ratio, logStandardError, degreesOfFreedom, low: ratio * Math.exp(-half), high: ratio * Math.exp(half) };
}

/** Log-scale error of a mean rate (delta method: relative standard error). */
function logError(summary: RateSummary): { logStandardError: number; degreesOfFreedom: number } {
  return { logStandardError: summary.standardErrorPerSecond / summary.meanPerSecond, degreesOfFreedom: summary.samples - 1 };
}

/** The rate of one tinybench task's timed calls, from its retained latency samples (ms per call). */
function taskRates(bench: Bench, name: string): number[] {
  const task = bench.getTask(name);
  const result = task?.result;
  if (result === undefined || result.state !== "completed") {
    const why = result?.state === "errored" ? result.error.message : `state ${String(result?.state)}`;
    throw new Error(`wall-clock sample of ${name} did not complete: ${why}`);
  }
  const samplesMs = result.latency.samples ?? [];
  if (samplesMs.some((ms) => !(ms > 0))) throw new Error(`wall-clock sample of ${name} took no measurable time; its rate is undefined`);
  return samplesMs.map((ms) => 1000 / ms);
}

/**
 * Times `measured` and the reference in interleaved rounds: each round is a
 * tinybench run of one call each of reference, measured, reference. Contention
 * or frequency changes that come and go during the measurement then hit both
 * sides alike, instead of all of one side's samples (tinybench on its own
 * times every sample of a task before the next task). Returns the ratio of
 * their mean rates with a 95% confidence interval.
 */
export function measureRelativeSpeed(reference: TimedWorkload, measured: TimedWorkload, options: SamplingOptions): RelativeSpeed {
  if (!Number.isInteger(options.samples) || options.samples < 2) throw new RangeError(`wall-clock samples must be an integer >= 2 (a standard error needs two), got ${options.samples}`);
  const before = `reference before ${measured.name}`;
  const after = `reference after ${measured.name}`;
  const referenceRates: number[] = [];
  const measuredRates: number[] = [];
  for (let round = 0; round < options.samples; round++) {
    const warmup = round === 0 && options.warmupIterations > 0;
    const bench = new Bench({
      name: `gate wall clock: ${measured.name}, round ${round + 1}`,
      // No time budget: exactly one timed call per task and round, so the gate's run time is predictable.
      iterations: 1,
      time: 0,
      warmup,
      warmupIterations: options.warmupIterations,
      warmupTime: 0,
      retainSamples: true,
      throws: true,
      ...(options.now === undefined ? {} : { now: options.now }),
    });
    bench.add(before, reference.run);
    bench.add(measured.name, measured.run);
    bench.add(after, reference.run);
    bench.runSync();
    referenceRates.push(...taskRates(bench, before), ...taskRates(bench, after));
    measuredRates.push(...taskRates(bench, measured.name));
  }
  const referenceSummary = summarize(referenceRates);
  const measuredSummary = summarize(measuredRates);
  const combined = combineLogErrors([logError(measuredSummary), logError(referenceSummary)]);
  return {
    iterationRatio: withInterval(measuredSummary.meanPerSecond / referenceSummary.meanPerSecond, combined.logStandardError, combined.degreesOfFreedom),
    reference: referenceSummary,
    measured: measuredSummary,
  };
}

/** The same ratio for a per-iteration count: (units per measured call / units per reference call) x iteration ratio. */
export function scaleRatio(estimate: RatioEstimate, factor: number): RatioEstimate {
  return withInterval(estimate.ratio * factor, estimate.logStandardError, estimate.degreesOfFreedom);
}

export type WallVerdict = "same" | "improvement" | "REGRESSION";

export interface RatioComparison {
  /** now ratio / baseline ratio, with its 95% interval (both sides' errors combined). */
  readonly change: RatioEstimate;
  readonly verdict: WallVerdict;
}

/**
 * Compares a ratio with its baseline. A regression only when the whole
 * interval of now/baseline lies below 1 - threshold, an improvement only when
 * it lies wholly above 1 + threshold: noise alone (a wide interval) never
 * decides either way.
 */
export function compareRatios(now: StoredRatio, baseline: StoredRatio, thresholdPercent: number): RatioComparison {
  const combined = combineLogErrors([now, baseline]);
  const change = withInterval(now.ratio / baseline.ratio, combined.logStandardError, combined.degreesOfFreedom);
  const threshold = thresholdPercent / 100;
  const verdict: WallVerdict = change.high < 1 - threshold ? "REGRESSION" : change.low > 1 + threshold ? "improvement" : "same";
  return { change, verdict };
}

/** Rounded to `digits` significant digits. */
function significant(value: number, digits: number): number {
  return value === 0 ? 0 : Number(value.toPrecision(digits));
}

/**
 * The part of an estimate a baseline keeps. Rounded far below the noise (four
 * significant digits for a ratio known to a few percent at best) so that a
 * regenerated baseline does not rewrite meaningless digits; infinite degrees
 * of freedom (no spread at all) stored as a large finite number, since JSON
 * has no Infinity.
 */
export function toStoredRatio(estimate: StoredRatio): StoredRatio {
  return {
    ratio: significant(estimate.ratio, 4),
    logStandardError: significant(estimate.logStandardError, 3),
    degreesOfFreedom: Math.round(Math.min(estimate.degreesOfFreedom, 1e9) * 100) / 100,
  };
}
