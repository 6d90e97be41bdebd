import { runBareHeap } from "../wall/bare-heap-loop.js";

/**
 * The reference the gate's wall-clock figures are divided by: a fixed,
 * self-contained event loop (a binary min-heap of timed callbacks driven by a
 * linear congruential generator), the same kind of work as the simulator's
 * kernel but sharing none of its code. Measured in the same process and run as
 * the scenarios, it absorbs the speed of the machine: a slower CI runner slows
 * both, and the ratio stays put. It deliberately does not use sim/kernel.ts:
 * a change to the kernel must move the ratio, not cancel out of it.
 *
 * It is the same loop as `npm run bench`'s bare-heap reference (reports/wall).
 * Changing this workload changes every ratio, so it carries an id that the
 * baseline records; bump the version when the loop changes.
 */

/** Events each run of the reference loop processes. */
export const REFERENCE_EVENTS = 200_000;
const REFERENCE_PENDING_EVENTS = 1_000;
const REFERENCE_SEED = 0x5eed;
export const REFERENCE_ID = `bare-heap-loop/${REFERENCE_EVENTS}-events/${REFERENCE_PENDING_EVENTS}-pending/v1`;

/** Runs the reference loop once; returns the events it ran (always REFERENCE_EVENTS). */
export function runReferenceLoop(): number {
  const events = runBareHeap(REFERENCE_EVENTS, REFERENCE_PENDING_EVENTS, REFERENCE_SEED);
  if (events !== REFERENCE_EVENTS) throw new Error(`the reference loop ran ${events} events, expected ${REFERENCE_EVENTS}`);
  return events;
}
