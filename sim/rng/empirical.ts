import { failRange, requireFinite } from "./checks.js";
import type { Rng } from "./streams.js";
import { unit53 } from "./unit-interval.js";
import { BadValueError } from "../../io/bad-value-error.js";

/** One row of a percentile table: `percentile` in [0, 100], `value` in the table's unit (fio: ns). */
export interface PercentilePoint {
  readonly percentile: number;
  readonly value: number;
}

export interface EmpiricalOptions {
  /**
   * The value at the 0th percentile. Below the table's first percentile the
   * distribution interpolates linearly from this value; without it, every
   * sample below the first percentile takes the first value (the table says
   * nothing about how far down the distribution reaches).
   */
  readonly minValue?: number;
}

// fio writes percentile keys as fixed-point text: "1.000000", "99.990000".
const FIO_PERCENTILE_KEY = /^\s*(\d+(\.\d*)?|\.\d+)\s*$/;

/**
 * A distribution given by a table of percentiles, e.g. fio JSON's
 * `clat_ns.percentile` block, sampled by inverse CDF with linear interpolation
 * between table points. Above the last percentile it clamps to the last value:
 * a measured table has no information beyond its last point, and inventing a
 * tail would put latencies into the model that were never measured.
 */
export class EmpiricalDistribution {
  private constructor(
    /** Probabilities in [0, 1], strictly increasing. */
    private readonly probabilities: Float64Array,
    /** Values, non-decreasing, one per probability. */
    private readonly values: Float64Array,
    private readonly minValue: number | undefined,
  ) {}

  static fromPercentiles(table: ReadonlyArray<PercentilePoint>, options: EmpiricalOptions = {}): EmpiricalDistribution {
    const where = "EmpiricalDistribution.fromPercentiles";
    if (!Array.isArray(table) || table.length === 0) failRange(where, "table", table, "a non-empty array of { percentile, value }");
    table.forEach((row, index) => {
      const p = row.percentile;
      if (typeof p !== "number" || !Number.isFinite(p) || p < 0 || p > 100) failRange(where, `table[${index}].percentile`, p, "a number in [0, 100]");
      requireFinite(where, `table[${index}].value`, row.value);
    });
    // Sort by percentile so a table read from an unordered source works; the
    // check that matters is that values rise with the percentile.
    const rows = [...table].sort((x, y) => x.percentile - y.percentile);
    for (let i = 1; i < rows.length; i++) {
      const previous = rows[i - 1] as PercentilePoint;
      const current = rows[i] as PercentilePoint;
      if (current.percentile === previous.percentile) {
        throw new BadValueError(`${where}: percentile ${current.percentile} appears twice; each percentile must appear once`);
      }
      if (current.value < previous.value) {
        throw new BadValueError(
          `${where}: table is not monotone: the ${previous.percentile}th percentile is ${previous.value} ` +
            `but the ${current.percentile}th is ${current.value}; values must not decrease as the percentile rises`,
        );
      }
    }
    const first = rows[0] as PercentilePoint;
    const minValue = options.minValue;
    if (minValue !== undefined) {
      requireFinite(where, "options.minValue", minValue);
      if (minValue > first.value) failRange(where, "options.minValue", minValue, `<= the first table value (${first.value} at the ${first.percentile}th percentile)`);
    }
    return new EmpiricalDistribution(
      Float64Array.from(rows, (row) => row.percentile / 100),
      Float64Array.from(rows, (row) => row.value),
      minValue,
    );
  }

  /**
   * From a fio JSON percentile map such as `clat_ns.percentile`:
   * `{ "1.000000": 1800, "50.000000": 4200, "99.990000": 91000 }` (values in ns).
   */
  static fromFioPercentileMap(map: Readonly<Record<string, number>>, options: EmpiricalOptions = {}): EmpiricalDistribution {
    const where = "EmpiricalDistribution.fromFioPercentileMap";
    if (typeof map !== "object" || map === null) failRange(where, "map", map, 'an object like { "50.000000": 4200 }');
    const table: PercentilePoint[] = [];
    for (const [key, value] of Object.entries(map)) {
      if (!FIO_PERCENTILE_KEY.test(key)) {
        throw new BadValueError(`${where}: key "${key}" is not a percentile; expected a decimal number in [0, 100] such as "99.990000"`);
      }
      const percentile = Number(key);
      if (percentile > 100) throw new BadValueError(`${where}: key "${key}" is above 100; percentiles are in [0, 100]`);
      requireFinite(where, `map["${key}"]`, value);
      table.push({ percentile, value });
    }
    if (table.length === 0) failRange(where, "map", map, "a non-empty percentile map");
    return EmpiricalDistribution.fromPercentiles(table, options);
  }

  /** Draws one value by inverse CDF. */
  sample(rng: Rng): number {
    return this.quantile(unit53(rng));
  }

  /** The value at probability p in [0, 1] (p = 0.99 is the 99th percentile). */
  quantile(p: number): number {
    if (typeof p !== "number" || !(p >= 0 && p <= 1)) failRange("EmpiricalDistribution.quantile", "p", p, "a probability in [0, 1] (0.99 for the 99th percentile)");
    const probabilities = this.probabilities;
    const values = this.values;
    const last = probabilities.length - 1;
    const firstProbability = probabilities[0] as number;
    const firstValue = values[0] as number;
    if (p <= firstProbability) {
      if (this.minValue === undefined || firstProbability === 0) return firstValue;
      return this.minValue + ((firstValue - this.minValue) * p) / firstProbability;
    }
    if (p >= (probabilities[last] as number)) return values[last] as number;
    // Binary search for the segment [lo, lo + 1] with probabilities[lo] < p <= probabilities[lo + 1].
    let lo = 0;
    let hi = last;
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if ((probabilities[mid] as number) < p) lo = mid;
      else hi = mid;
    }
    const p0 = probabilities[lo] as number;
    const p1 = probabilities[hi] as number;
    const v0 = values[lo] as number;
    const v1 = values[hi] as number;
    return v0 + ((v1 - v0) * (p - p0)) / (p1 - p0);
  }
}
