import { availableParallelism } from "node:os";

/**
 * One worker per CPU: a point is single-threaded and CPU-bound. Apart from
 * the pool (run-points.ts) so that `cofwsim sweep --help` can say it without
 * loading the pool.
 */
export function defaultJobs(): number {
  return Math.max(1, availableParallelism());
}
