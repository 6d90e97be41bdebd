/**
 * An exception that escaped simulated activity. It stops the run and names
 * the simulated time and the seed, so the failure can be replayed exactly.
 */
export class SimulationError extends Error {
  constructor(
    readonly timeNs: number,
    readonly seed: string,
    readonly where: string,
    override readonly cause: unknown,
  ) {
    const reason = cause instanceof Error ? (cause.stack ?? cause.message) : String(cause);
    super(`simulation failed at t=${timeNs} ns in ${where} (seed ${seed}): ${reason}`);
    this.name = "SimulationError";
  }
}

/** A misuse of the simulator's own API (negative delay, time going backwards). */
export class KernelUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KernelUsageError";
  }
}
