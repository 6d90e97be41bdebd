import { sleep, type Coroutine } from "../io/coroutine.js";
import { Kernel } from "../sim/kernel.js";
import { Lcg } from "../reports/wall/lcg.js";

/**
 * Kernel workloads with a steady ~`pending` events queued. Each runs exactly
 * the number of events (or resumptions) asked for, so a timing of one call
 * divides by a known count.
 */

/** Plain callbacks that reschedule themselves; returns the kernel's event count (= `events`). */
export function runKernelCallbacks(events: number, pending: number, seed: number): number {
  const kernel = new Kernel(`bench-callbacks-${seed}`);
  const lcg = new Lcg(seed);
  let remaining = events - pending;
  const tick = (): void => {
    if (remaining > 0) {
      remaining--;
      kernel.schedule(lcg.delayNs(), tick);
    }
  };
  for (let i = 0; i < pending; i++) kernel.schedule(lcg.delayNs(), tick);
  kernel.runUntilIdle();
  if (kernel.eventCount !== events) throw new Error(`kernel ran ${kernel.eventCount} events, expected ${events}`);
  return kernel.eventCount;
}

/**
 * `processes` coroutines, each looping `yield* sleep(delay)` until `resumptions`
 * sleeps have been taken between them; returns the resumptions (= `resumptions`).
 */
export function runKernelCoroutines(resumptions: number, processes: number, seed: number): number {
  const kernel = new Kernel(`bench-coroutines-${seed}`);
  const lcg = new Lcg(seed);
  let remaining = resumptions;
  let resumed = 0;
  function* sleeper(): Coroutine {
    while (remaining > 0) {
      remaining--;
      yield* sleep(lcg.delayNs());
      resumed++;
    }
  }
  for (let i = 0; i < processes; i++) kernel.spawn(sleeper(), `sleeper/${i}`);
  kernel.runUntilIdle();
  if (resumed !== resumptions) throw new Error(`coroutines resumed ${resumed} times, expected ${resumptions}`);
  return resumed;
}
