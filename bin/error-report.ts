import { CrashScenarioError } from "../scenarios/crash/record.js";
import { StateIdError } from "../scenarios/crash/state-id.js";
import { EngineError } from "../engine/index.js";
import { GateInputError } from "../reports/gate/errors.js";
import { SweepError } from "../reports/sweep/errors.js";
import { ScenarioError } from "../scenarios/schema/problems.js";
import { FioImportError } from "../scenarios/fio/fio-import-error.js";
import { TraceParseError, TraceSourceError } from "../scenarios/traces/index.js";
import { SimulationError } from "../sim/errors.js";
import { OutputDirectoryError } from "./output-dir.js";
import { OutputWriteError } from "./output-set.js";
import { UsageError } from "./usage.js";
import { BadValueError } from "../io/bad-value-error.js";
import { FileWriteError } from "../reports/write-file.js";

/*
 * Which errors are the user's to fix, and how each is told. Apart from the
 * exit codes (bin/exit-codes.ts) because it names every typed error, so
 * loading it loads the modules that define them (the engine, the runner, the
 * reports): the command line loads it only when a command has failed.
 */

/** Bad input the user can fix (a scenario, a job file, a trace, an impossible geometry). */
export function isBadInput(error: unknown): boolean {
  const cause = error instanceof SimulationError ? error.cause : error;
  return cause instanceof UsageError || cause instanceof OutputDirectoryError || cause instanceof ScenarioError || cause instanceof FioImportError || cause instanceof TraceParseError || cause instanceof TraceSourceError || cause instanceof EngineError || cause instanceof BadValueError || cause instanceof GateInputError || cause instanceof SweepError || cause instanceof CrashScenarioError || cause instanceof StateIdError;
}

/** A failure the command expects and explains in its message (bad input, outputs that could not be written): no stack trace. */
export function isExpectedFailure(error: unknown): boolean {
  return isBadInput(error) || error instanceof OutputWriteError || error instanceof FileWriteError;
}

/** The message to print for an error: the typed cause's own message, with the seed when the simulation failed. */
export function describeError(error: unknown): string {
  if (error instanceof SimulationError) {
    const cause = error.cause;
    if (isBadInput(cause)) return `${cause instanceof Error ? cause.message : String(cause)} (seed ${error.seed})`;
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
