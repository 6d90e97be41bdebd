/**
 * Runs sweep points in parallel worker threads (tinypool). Outcomes come back
 * in task order whatever order the workers finish in, so the sweep's outputs
 * do not depend on the number of workers.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import Tinypool from "tinypool";
import type { PointOutcome, PointTask } from "./sweep-worker.js";


/**
 * The compiled worker beside this module; from the TypeScript sources (under
 * vitest) the built copy in dist/, since a worker thread runs plain JavaScript.
 */
function workerFile(): string {
  const beside = fileURLToPath(new URL("./sweep-worker.js", import.meta.url));
  if (existsSync(beside)) return beside;
  const built = fileURLToPath(new URL("../../dist/reports/sweep/sweep-worker.js", import.meta.url));
  if (existsSync(built)) return built;
  throw new Error(`the sweep worker is not built (looked for ${beside} and ${built}); run npm run build`);
}

export interface RunPointsOptions {
  readonly jobs: number;
  /** Called as each point finishes, in completion order (for a progress bar only). */
  readonly onDone?: (done: number, total: number) => void;
}

export async function runPoints(tasks: readonly PointTask[], options: RunPointsOptions): Promise<PointOutcome[]> {
  if (tasks.length === 0) return [];
  const threads = Math.max(1, Math.min(options.jobs, tasks.length));
  const pool = new Tinypool({ filename: workerFile(), minThreads: threads, maxThreads: threads });
  let done = 0;
  try {
    return await Promise.all(
      tasks.map(async (task) => {
        const outcome = (await pool.run(task)) as PointOutcome;
        options.onDone?.(++done, tasks.length);
        return outcome;
      }),
    );
  } finally {
    await pool.destroy();
  }
}
