import { Bench } from "tinybench";

/** A rate from repeated tinybench samples: the mean of per-sample rates and its relative margin of error. */
export interface SampledRate {
  /** Units (events, writes...) per wall second: tinybench's mean throughput times units per iteration. */
  readonly perSecond: number;
  /** Relative margin of error of that mean, in percent (95% confidence). */
  readonly rmePercent: number;
  readonly samples: number;
  readonly unitsPerIteration: number;
  /** Mean wall time of one iteration, in ms. */
  readonly meanIterationMs: number;
}

export interface SampleOptions {
  /** Time budget for the measured iterations, in ms (tinybench `time`). */
  readonly timeMs: number;
  /** At least this many measured iterations (tinybench `iterations`, a minimum in sequential mode). */
  readonly minIterations: number;
  readonly warmupIterations: number;
  readonly warmupTimeMs: number;
  /** Runs before each iteration, outside the timing (e.g. a fresh rig). */
  readonly beforeEach?: () => void;
  readonly afterAll?: () => void;
}

/**
 * Times `iteration` repeatedly with tinybench (synchronously) and turns the
 * samples into a rate, knowing that each iteration does `unitsPerIteration`
 * units of work.
 */
export function sampleRate(name: string, unitsPerIteration: number, iteration: () => void, options: SampleOptions): SampledRate {
  const bench = new Bench({
    name,
    time: options.timeMs,
    iterations: options.minIterations,
    warmupIterations: options.warmupIterations,
    warmupTime: options.warmupTimeMs,
    throws: true,
  });
  const hooks = {
    ...(options.beforeEach === undefined ? {} : { beforeEach: options.beforeEach }),
    ...(options.afterAll === undefined ? {} : { afterAll: options.afterAll }),
  };
  bench.add(name, iteration, hooks);
  const [task] = bench.runSync();
  const result = task?.result;
  if (result === undefined || result.state !== "completed") {
    const why = result?.state === "errored" ? result.error.message : `state ${String(result?.state)}`;
    throw new Error(`benchmark ${name} did not complete: ${why}`);
  }
  return {
    perSecond: result.throughput.mean * unitsPerIteration,
    rmePercent: result.throughput.rme,
    samples: result.throughput.samplesCount,
    unitsPerIteration,
    meanIterationMs: result.latency.mean,
  };
}

/** Wall time of one call, in ms, and what it returned. */
export function timeOnce<T>(fn: () => T): { readonly ms: number; readonly value: T } {
  const started = performance.now();
  const value = fn();
  return { ms: performance.now() - started, value };
}

/** The element whose `key` is the median of an odd-length list (an element of the list, not an average). */
export function medianBy<T>(items: readonly T[], key: (item: T) => number): T {
  if (items.length % 2 !== 1) throw new RangeError(`the median of ${items.length} items is not one of them; give an odd number`);
  return [...items].sort((a, b) => key(a) - key(b))[(items.length - 1) / 2]!;
}
