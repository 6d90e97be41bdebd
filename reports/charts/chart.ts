import type { TopLevelSpec } from "vega-lite";
import type { RunResults } from "../../scenarios/runner/results.js";
import type { TimeSeries } from "../../scenarios/runner/time-series.js";

/**
 * What a run's charts are drawn from. A crash campaign (when that issue
 * lands) adds its own optional field here, e.g. `crashCampaign?: CrashCampaignResults`,
 * and its chart reads it; runs without one leave it out.
 */
export interface ChartInput {
  readonly results: RunResults;
  readonly timeSeries: TimeSeries;
}

export interface ChartDefinition {
  /** The file stem: `<name>.vl.json`, `<name>.svg`, and the anchor in report.html. */
  readonly name: string;
  /** What the chart answers, shown under it in report.html. */
  readonly caption: string;
  /** The vega-lite spec with its data inline, or undefined when the run has nothing to draw (the chart is then left out). */
  readonly build: (input: ChartInput) => TopLevelSpec | undefined;
}
