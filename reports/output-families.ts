/**
 * The files each kind of command writes into its output directory. A new set
 * replaces the directory's earlier set of the same kind as a whole (see
 * bin/output-set.ts): a file of an earlier run that this one does not write
 * (a chart it has nothing to draw for, a crash campaign's crash.json where a
 * run now writes results.json) would otherwise stand beside the new ones and
 * look current. Files of other names are the user's and are left alone.
 */
import { RUN_CHARTS } from "./charts/index.js";
import { RUN_CSV_FILES } from "./csv.js";
import { sweepChartNames } from "./sweep/charts.js";
import { GATE_JSON, GATE_MARKDOWN } from "./gate/render.js";

export interface OutputFamily {
  /** What the set is, for messages: "a run's report". */
  readonly description: string;
  /** Whether a file of this name belongs to the set. */
  readonly owns: (fileName: string) => boolean;
}

const CHART_EXTENSIONS = [".vl.json", ".svg"];

function namedFiles(description: string, names: readonly string[], pattern?: RegExp): OutputFamily {
  const set = new Set(names);
  return { description, owns: (fileName) => set.has(fileName) || (pattern?.test(fileName) ?? false) };
}

/** `cofwsim run` and `cofwsim crash`: both write a run's report, and each replaces the other's. */
export const RUN_REPORT_FILES = namedFiles(
  "a run's report",
  ["results.json", "crash.json", "report.html", "summary.md", ...Object.values(RUN_CSV_FILES), ...RUN_CHARTS.flatMap((chart) => CHART_EXTENSIONS.map((extension) => `${chart.name}${extension}`))],
  /^shrunk-invariant-\d+\.yaml$/,
);

/** `cofwsim sweep` and `cofwsim merge`. */
export const SWEEP_FILES = namedFiles("a sweep's outputs", ["sweep.csv", "sweep.json", "recommendations.csv", "sweep.html", ...sweepChartNames().flatMap((name) => CHART_EXTENSIONS.map((extension) => `${name}${extension}`))]);

/** `cofwsim gate`: its summary and report, or the refusal in their place. */
export const GATE_FILES = namedFiles("a gate's outputs", [GATE_MARKDOWN, GATE_JSON]);
