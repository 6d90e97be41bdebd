/**
 * The tinypool worker entry (loaded from dist/ by run-points.ts): runs one
 * sweep point in this worker thread and returns its headline metrics. A point
 * depends only on the scenario file, its overrides and the scenario's seed,
 * never on which worker runs it or what that worker ran before (every run
 * builds its own kernel, devices and engine).
 */
import { dirname, sep } from "node:path";
import { EngineError } from "../../engine/index.js";
import { runScenario, type RunMeta } from "../../scenarios/runner/run-scenario.js";
import { loadScenarioFile, ScenarioError } from "../../scenarios/schema/load.js";
import { FioImportError } from "../../scenarios/fio/fio-import-error.js";
import { TraceParseError, TraceSourceError } from "../../scenarios/traces/index.js";
import { SimulationError } from "../../sim/errors.js";
import { headlineMetrics, type HeadlineMetrics } from "./metrics.js";
import { BadValueError } from "../../io/bad-value-error.js";

export interface PointTask {
  readonly scenarioPath: string;
  /** The sweep's --set overrides, then the point's. */
  readonly overrides: readonly string[];
  readonly meta: RunMeta;
}

export type PointOutcome =
  | { readonly ok: true; readonly metrics: HeadlineMetrics; /** The run's own problems (a session op that failed...). */ readonly problems: readonly string[] }
  | { readonly ok: false; /** Why this point could not run (an impossible geometry...): a result of the sweep, not a crash of it. */ readonly error: string };

/**
 * Refusals are findings about the point: the engine's (an impossible
 * geometry), the schema's for a combination of values that are each valid
 * alone (run-sweep.ts checks every value on its own first), and a BadValueError,
 * the project's error for a value out of range that only the run finds (a
 * report.bucket too small for the run's length), as `cofwsim run` takes it
 * (bad input, bin/error-report.ts), and a trace or fio job file the point
 * cannot replay (a trace address past a Source LU the point made smaller).
 * Such a point is told in its problems cell;
 * the others still run. Anything else is a bug and fails the sweep. The
 * decision is made here, in the worker: an error thrown across the worker
 * boundary arrives without its class.
 */
function refusal(error: unknown, scenarioPath: string): string | undefined {
  const cause = error instanceof SimulationError ? error.cause : error;
  if (cause instanceof EngineError || cause instanceof BadValueError) return `${cause.name}: ${cause.message}`;
  // Paths relative to the scenario's directory (the scenario's own is its file name): outputs must not depend on
  // where the checkout is. One line, for the CSV cell.
  const relative = (message: string) => message.split(`${dirname(scenarioPath)}${sep}`).join("").replace(/\n/g, "; ");
  if (cause instanceof ScenarioError) return `invalid scenario: ${relative(cause.message)}`;
  // A trace or fio job file the point cannot replay as it is (an address past a Source LU the point made smaller).
  if (cause instanceof TraceSourceError || cause instanceof TraceParseError || cause instanceof FioImportError) return `${cause.name}: ${relative(cause.message)}`;
  return undefined;
}

export default function runPoint(task: PointTask): PointOutcome {
  try {
    const scenario = loadScenarioFile(task.scenarioPath, { overrides: task.overrides });
    const { results, timeSeries } = runScenario(scenario, task.meta);
    return { ok: true, metrics: headlineMetrics(results, timeSeries), problems: results.problems };
  } catch (error) {
    const reason = refusal(error, task.scenarioPath);
    if (reason === undefined) throw error;
    return { ok: false, error: reason };
  }
}
