/**
 * The gate's baseline file: per scenario, the manifest of the run it was made
 * from (so the gate can refuse to compare different scenarios), its headline
 * metrics, optionally its wall-clock ratios, and user-set tolerances. Written
 * as pretty JSON with a fixed key order (fields in a fixed order, maps sorted)
 * so that regenerating it after a change shows a small diff of what changed.
 */
import { existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { DIRECTIONS, sortKeys, type Direction, type MetricValues } from "./metrics.js";
import { GateInputError } from "./errors.js";
import { readJsonFile } from "../json-file.js";
import { FileWriteError, osReason, replaceTextFileSync } from "../write-file.js";

export const BASELINE_FORMAT = "cofwsim-gate-baseline/1";

/** How much a metric may move and still be "same", and which way is better. Unset fields fall through to less specific rules. */
export interface ToleranceRule {
  /** Allowed change relative to the baseline value, in percent of |baseline|. */
  readonly relativePercent?: number;
  /** Allowed change in the metric's own units (IO/s, B/s, ns, counts...). */
  readonly absolute?: number;
  readonly direction?: Direction;
}

/** Tolerance rules keyed by metric id or pattern (`*` matches any run of characters, dots included). */
export type ToleranceRules = Record<string, ToleranceRule>;

export interface BaselineManifest {
  readonly cofwsimVersion: string;
  readonly scenario: { readonly name: string; readonly file: string; readonly contentHash: string };
  readonly seed: string;
  /** The `--set` overrides the run was made with (already part of contentHash; kept to say what differs). */
  readonly overrides: readonly string[];
  readonly nodeVersion: string;
}

/** A wall-clock figure as a ratio to the reference workload, with its uncertainty (see wall.ts). */
export interface StoredRatio {
  readonly ratio: number;
  /** Standard error of ln(ratio). */
  readonly logStandardError: number;
  readonly degreesOfFreedom: number;
}

export interface StoredWall {
  /** Identifies the reference workload; ratios to a different reference are not comparable. */
  readonly reference: string;
  readonly samples: number;
  readonly eventsPerWallSecond: StoredRatio;
  readonly hostIosPerWallSecond: StoredRatio;
}

export interface BaselineEntry {
  readonly manifest: BaselineManifest;
  readonly tolerances?: ToleranceRules;
  readonly metrics: MetricValues;
  readonly wall?: StoredWall;
}

export interface Baseline {
  readonly format: typeof BASELINE_FORMAT;
  /** Rules for every scenario; a scenario's own `tolerances` take precedence. */
  readonly tolerances?: ToleranceRules;
  /** Keyed by scenario name. */
  readonly scenarios: Record<string, BaselineEntry>;
}

const finite = z.number().refine(Number.isFinite, "must be a finite number");
const nonNegative = finite.refine((value) => value >= 0, "must not be negative");
const ruleSchema = z.strictObject({
  relativePercent: nonNegative.optional(),
  absolute: nonNegative.optional(),
  direction: z.enum(DIRECTIONS as [Direction, ...Direction[]]).optional(),
});
const rulesSchema = z.record(z.string().min(1), ruleSchema);
const ratioSchema = z.strictObject({ ratio: finite.refine((value) => value > 0, "must be positive"), logStandardError: nonNegative, degreesOfFreedom: nonNegative });
const entrySchema = z.strictObject({
  manifest: z.strictObject({
    cofwsimVersion: z.string(),
    scenario: z.strictObject({ name: z.string(), file: z.string(), contentHash: z.string() }),
    seed: z.string(),
    overrides: z.array(z.string()),
    nodeVersion: z.string(),
  }),
  tolerances: rulesSchema.optional(),
  metrics: z.record(z.string(), finite),
  wall: z.strictObject({ reference: z.string(), samples: z.number().int().min(2), eventsPerWallSecond: ratioSchema, hostIosPerWallSecond: ratioSchema }).optional(),
});
const baselineSchema = z.strictObject({
  format: z.literal(BASELINE_FORMAT),
  tolerances: rulesSchema.optional(),
  scenarios: z.record(z.string(), entrySchema),
});

/** Drops `undefined` fields, which zod leaves on optional keys and exactOptionalPropertyTypes forbids. */
function defined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}

function cleanRules(rules: Record<string, z.infer<typeof ruleSchema>> | undefined): ToleranceRules | undefined {
  if (rules === undefined) return undefined;
  return Object.fromEntries(Object.entries(rules).map(([key, rule]) => [key, defined(rule)])) as ToleranceRules;
}

/** Validates a parsed baseline document; throws GateInputError naming every bad field. */
export function parseBaseline(json: unknown, source: string): Baseline {
  const parsed = baselineSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.length === 0 ? "(top level)" : issue.path.join(".")}: ${issue.message}`);
    throw new GateInputError(`${source} is not a valid gate baseline (format ${BASELINE_FORMAT}):\n${problems.join("\n")}`);
  }
  const data = parsed.data;
  const scenarios: Record<string, BaselineEntry> = {};
  for (const [name, entry] of Object.entries(data.scenarios)) {
    if (entry.manifest.scenario.name !== name) throw new GateInputError(`${source}: the entry "${name}" holds a run of scenario "${entry.manifest.scenario.name}"; entries are keyed by scenario name`);
    const tolerances = cleanRules(entry.tolerances);
    scenarios[name] = { manifest: entry.manifest, metrics: entry.metrics, ...(tolerances === undefined ? {} : { tolerances }), ...(entry.wall === undefined ? {} : { wall: entry.wall }) };
  }
  const tolerances = cleanRules(data.tolerances);
  return { format: BASELINE_FORMAT, scenarios, ...(tolerances === undefined ? {} : { tolerances }) };
}

/**
 * Keys given twice in one object of a JSON text, each as "line:column: key".
 * JSON.parse keeps the last silently, so a hand-written tolerance could be
 * dropped without a word (and then lost from the file by --update-baseline).
 * The yaml parser reads JSON and reports them with their place.
 */
function duplicateKeys(text: string): string[] {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true });
  return document.errors
    .filter((error) => error.code === "DUPLICATE_KEY")
    .map((error) => {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      const key = /^\s*("(?:[^"\\]|\\.)*")/.exec(text.slice(error.pos[0]))?.[1] ?? "(a key)";
      return `${line}:${col}: ${key}`;
    });
}

/** Reads a baseline file, or undefined when there is none; throws GateInputError when it is unreadable or malformed. */
export function readBaseline(path: string): Baseline | undefined {
  if (!existsSync(path)) return undefined;
  const read = readJsonFile(path, "a gate baseline (cofwsim gate --update-baseline writes one)");
  if ("problem" in read) throw new GateInputError(`cannot read the baseline: ${read.problem}`);
  const { json, text } = read;
  const duplicates = duplicateKeys(text);
  if (duplicates.length > 0) {
    throw new GateInputError(`${path} gives a key twice in one object; only one of the two would be read, so say which you mean:\n${duplicates.map((place) => `  ${path}:${place} is given again here`).join("\n")}`);
  }
  return parseBaseline(json, path);
}

function orderedRule(rule: ToleranceRule): ToleranceRule {
  return {
    ...(rule.relativePercent === undefined ? {} : { relativePercent: rule.relativePercent }),
    ...(rule.absolute === undefined ? {} : { absolute: rule.absolute }),
    ...(rule.direction === undefined ? {} : { direction: rule.direction }),
  };
}

function orderedRules(rules: ToleranceRules | undefined): ToleranceRules | undefined {
  if (rules === undefined) return undefined;
  const sorted = sortKeys(rules);
  for (const key of Object.keys(sorted)) sorted[key] = orderedRule(sorted[key]!);
  return sorted;
}

function orderedRatio(ratio: StoredRatio): StoredRatio {
  return { ratio: ratio.ratio, logStandardError: ratio.logStandardError, degreesOfFreedom: ratio.degreesOfFreedom };
}

/** The baseline with every object's keys in their fixed order (fields as declared above, maps sorted). */
export function orderedBaseline(baseline: Baseline): Baseline {
  const scenarios: Record<string, BaselineEntry> = {};
  for (const name of Object.keys(baseline.scenarios).sort()) {
    const entry = baseline.scenarios[name]!;
    const m = entry.manifest;
    const tolerances = orderedRules(entry.tolerances);
    scenarios[name] = {
      manifest: { cofwsimVersion: m.cofwsimVersion, scenario: { name: m.scenario.name, file: m.scenario.file, contentHash: m.scenario.contentHash }, seed: m.seed, overrides: [...m.overrides], nodeVersion: m.nodeVersion },
      ...(tolerances === undefined ? {} : { tolerances }),
      metrics: sortKeys(entry.metrics),
      ...(entry.wall === undefined
        ? {}
        : {
            wall: {
              reference: entry.wall.reference,
              samples: entry.wall.samples,
              eventsPerWallSecond: orderedRatio(entry.wall.eventsPerWallSecond),
              hostIosPerWallSecond: orderedRatio(entry.wall.hostIosPerWallSecond),
            },
          }),
    };
  }
  const tolerances = orderedRules(baseline.tolerances);
  return { format: BASELINE_FORMAT, ...(tolerances === undefined ? {} : { tolerances }), scenarios };
}

export function formatBaseline(baseline: Baseline): string {
  return `${JSON.stringify(orderedBaseline(baseline), null, 2)}\n`;
}

export function writeBaseline(path: string, baseline: Baseline): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    replaceTextFileSync(path, formatBaseline(baseline));
  } catch (error) {
    // Not bad input (exit 2): a full disk or an I/O error is a failure of the command (exit 1), as for any output.
    const reason = error instanceof FileWriteError ? error.reason : osReason(error);
    throw new FileWriteError(path, `${reason}; the baseline file is left as it was`);
  }
}

/**
 * The entry of scenario `name`, or undefined. Looked up as an own key: a
 * scenario may be named like a property every object inherits
 * (`constructor`, `toString`), which a plain index would find.
 */
export function baselineEntry(baseline: Baseline | undefined, name: string): BaselineEntry | undefined {
  return baseline !== undefined && Object.hasOwn(baseline.scenarios, name) ? baseline.scenarios[name] : undefined;
}
