/**
 * Where a whole run's wall time went, from the runner's progress reports:
 * the first twentieth of its host I/Os (the JIT warming up and the first
 * touches of fresh memory, dear on the development VM), the rest of the run,
 * and what follows the run (the end-of-run consistency checks, the recovery
 * measured on the Cache LU as it was left, the results). A figure that
 * misses its target says by itself which part grew.
 */
export interface RunPhasesMs {
  readonly firstTwentiethMs: number;
  readonly restOfRunMs: number;
  readonly afterRunMs: number;
}

/** The fraction of the run whose end marks the cold start's end. */
const COLD_FRACTION = 0.05;

export class RunPhaseClock {
  private coldEndMs: number | undefined;
  private runEndMs: number | undefined;

  /**
   * A progress report: `fraction` of the run done at `elapsedMs`. The runner
   * may report 1 as the last host I/O is issued, and reports it again once
   * the I/Os in flight have drained and the run is over: the last report of
   * 1 ends the run.
   */
  mark(fraction: number, elapsedMs: number): void {
    if (this.coldEndMs === undefined && fraction >= COLD_FRACTION) this.coldEndMs = elapsedMs;
    if (fraction >= 1) this.runEndMs = elapsedMs;
  }

  /** The phases of a run that took `totalMs` in all; throws if the runner never said the run was over. */
  phases(totalMs: number): RunPhasesMs {
    if (this.runEndMs === undefined || this.coldEndMs === undefined) throw new Error("run phases: the runner never reported the end of the run");
    return { firstTwentiethMs: this.coldEndMs, restOfRunMs: this.runEndMs - this.coldEndMs, afterRunMs: totalMs - this.runEndMs };
  }
}
