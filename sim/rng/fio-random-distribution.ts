/**
 * Parses fio's `random_distribution` option value (fio HOWTO, "I/O type"):
 *
 *   random                       uniform
 *   zipf[:theta[:center]]        theta defaults to 1.1 (fio's FIO_DEF_ZIPF)
 *   pareto[:h[:center]]          h in (0, 1), defaults to 0.2 (FIO_DEF_PARETO)
 *   normal[:dev[:center]]        dev in [0, 100) percent of the range, center defaults to 0.5
 *   zoned:a/s:a/s:...            a% of accesses in the next s% of the range; a must add to 100
 *
 * center is in [0, 1] and maps linearly onto the range. As in fio, a zoned
 * entry may leave out either number ("60/10:40/"): the missing ones share
 * what is left of 100 equally. A size of 0 is a size left out, as fio's
 * parser reads it (options.c, split_parse_ddir: atoi, then 0 means "not
 * given"): "60/10:40/0" puts 40% of the accesses in the other 90%.
 *
 * Not supported (rejected with a message): zoned_abs (absolute sizes need the
 * block size, which this layer does not know) and per-direction lists
 * separated by commas. Accepted where fio refuses: zipf theta = 1 (the sampler
 * handles it exactly). Normal with no deviation or a deviation of 0 is read
 * as fio behaves, not as written: fio's 12-uniform average still spreads
 * accesses with a standard deviation of about 1/12 of the range.
 */
import type { OffsetDistributionSpec, OffsetZone } from "./offset-distribution.js";
import { BadValueError } from "../../io/bad-value-error.js";

const DEFAULT_ZIPF_THETA = 1.1;
const DEFAULT_PARETO_H = 0.2;

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

class ParseFailure {
  constructor(readonly text: string) {}

  fail(problem: string, expected: string): never {
    throw new BadValueError(`random_distribution "${this.text}": ${problem}; expected ${expected}`);
  }

  number(field: string, raw: string, expected: string): number {
    const trimmed = raw.trim();
    if (!DECIMAL.test(trimmed)) this.fail(`${field} "${raw}" is not a number`, expected);
    return Number(trimmed);
  }
}

export function parseRandomDistribution(text: string): OffsetDistributionSpec {
  if (typeof text !== "string") throw new BadValueError(`random_distribution: expected a string such as "zipf:1.2", got ${typeof text}`);
  const parser = new ParseFailure(text);
  const trimmed = text.trim();
  const forms = '"random", "zipf:theta[:center]", "pareto:h[:center]", "normal:dev[:center]" or "zoned:access/size:..."';
  if (trimmed === "") parser.fail("the value is empty", forms);
  if (trimmed.includes(",")) parser.fail("separate values for reads, writes and trims (',') are not supported", `one distribution, ${forms}`);

  const colon = trimmed.indexOf(":");
  const name = (colon < 0 ? trimmed : trimmed.slice(0, colon)).trim().toLowerCase();
  const rest = colon < 0 ? undefined : trimmed.slice(colon + 1);
  const fields = rest === undefined ? [] : rest.split(":");

  switch (name) {
    case "random":
      if (rest !== undefined) parser.fail("random takes no parameters", '"random"');
      return { kind: "random" };
    case "zipf": {
      const [thetaText, centerText] = twoFields(parser, "zipf", fields, '"zipf:theta" or "zipf:theta:center", e.g. "zipf:1.2"');
      const theta = thetaText === undefined ? DEFAULT_ZIPF_THETA : parser.number("theta", thetaText, "a zipf theta > 0, e.g. zipf:1.2");
      if (!(theta > 0) || !Number.isFinite(theta)) parser.fail(`zipf theta ${theta} is out of range`, "a finite theta > 0");
      const centerFraction = parseCenter(parser, centerText);
      return centerFraction === undefined ? { kind: "zipf", theta } : { kind: "zipf", theta, centerFraction };
    }
    case "pareto": {
      const [hText, centerText] = twoFields(parser, "pareto", fields, '"pareto:h" or "pareto:h:center", e.g. "pareto:0.9"');
      const h = hText === undefined ? DEFAULT_PARETO_H : parser.number("h", hText, "a pareto h in (0, 1), e.g. pareto:0.2");
      if (!(h > 0 && h < 1)) parser.fail(`pareto h ${h} is out of range`, "0 < h < 1 (fio's limit)");
      const centerFraction = parseCenter(parser, centerText);
      return centerFraction === undefined ? { kind: "pareto", h } : { kind: "pareto", h, centerFraction };
    }
    case "normal": {
      const [devText, centerText] = twoFields(parser, "normal", fields, '"normal:dev" or "normal:dev:center", e.g. "normal:5" or "normal:5:0.25"');
      const deviationPercent = devText === undefined ? 0 : parser.number("deviation", devText, "a deviation in percent of the range, 0 <= dev < 100");
      if (!(deviationPercent >= 0 && deviationPercent < 100)) parser.fail(`normal deviation ${deviationPercent} is out of range`, "0 <= dev < 100 (percent of the range, fio's limit)");
      const centerFraction = parseCenter(parser, centerText);
      return centerFraction === undefined ? { kind: "normal", deviationPercent } : { kind: "normal", deviationPercent, centerFraction };
    }
    case "zoned":
      return { kind: "zoned", zones: parseZones(parser, rest) };
    case "zoned_abs":
      return parser.fail("zoned_abs (absolute zone sizes) is not supported", 'percentages with "zoned:access/size:...", e.g. "zoned:60/10:30/20:8/30:2/40"');
    default:
      return parser.fail(`unknown distribution "${name}"`, forms);
  }
}

function twoFields(parser: ParseFailure, name: string, fields: readonly string[], expected: string): [string | undefined, string | undefined] {
  if (fields.length > 2) parser.fail(`${name} takes at most two parameters, got ${fields.length}`, expected);
  const [first, second] = fields;
  if (first !== undefined && first.trim() === "") parser.fail(`${name}'s first parameter is empty`, expected);
  if (second !== undefined && second.trim() === "") parser.fail(`${name}'s center is empty`, expected);
  return [first, second];
}

function parseCenter(parser: ParseFailure, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const center = parser.number("center", raw, "a center in [0, 1]");
  if (!(center >= 0 && center <= 1)) parser.fail(`center ${center} is out of range`, "a center in [0, 1], the fraction of the range where the distribution is based");
  return center;
}

function parseZones(parser: ParseFailure, rest: string | undefined): OffsetZone[] {
  const example = 'zones like "zoned:60/10:30/20:8/30:2/40" (access%/size% pairs)';
  if (rest === undefined || rest.trim() === "") parser.fail("zoned needs at least one zone", example);
  const entries = rest.split(":");
  const access: Array<number | undefined> = [];
  const size: Array<number | undefined> = [];
  entries.forEach((entry, i) => {
    const parts = entry.split("/");
    if (parts.length !== 2) parser.fail(`zone ${i + 1} "${entry}" is not access/size`, example);
    const [accessText, sizeText] = parts as [string, string];
    for (const [raw, list, label] of [
      [accessText, access, "access percentage"],
      [sizeText, size, "size percentage"],
    ] as const) {
      if (raw.trim() === "") {
        list.push(undefined);
        continue;
      }
      const value = parser.number(`zone ${i + 1} ${label}`, raw, "a percentage in [0, 100]");
      if (!(value >= 0 && value <= 100)) parser.fail(`zone ${i + 1} ${label} ${value} is out of range`, "a percentage in [0, 100]");
      // fio reads a size's whole part and takes 0 for "not given" (see above); an access percentage of 0 is 0.
      list.push(list === size && value < 1 ? undefined : value);
    }
  });
  const accessFilled = fillMissing(parser, access, "access");
  const sizeFilled = fillMissing(parser, size, "size");
  const accessSum = accessFilled.reduce((sum, value) => sum + value, 0);
  if (Math.abs(accessSum - 100) > 1e-9) parser.fail(`access percentages add to ${accessSum}`, "access percentages that add to 100");
  return accessFilled.map((accessPercent, i) => ({ accessPercent, sizePercent: sizeFilled[i] as number }));
}

/** fio's rule: values left out share what the given ones leave of 100, equally. */
function fillMissing(parser: ParseFailure, values: ReadonlyArray<number | undefined>, label: string): number[] {
  const given = values.reduce<number>((sum, value) => sum + (value ?? 0), 0);
  if (given > 100 + 1e-9) parser.fail(`${label} percentages add to ${given}, more than 100`, `${label} percentages that add to at most 100`);
  const missing = values.filter((value) => value === undefined).length;
  const share = missing === 0 ? 0 : Math.max(0, 100 - given) / missing;
  return values.map((value) => value ?? share);
}
