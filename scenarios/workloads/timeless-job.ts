import type { DeviceSpec, JobSpec, Scenario } from "../model.js";

/** Every request to it completes at the time it was submitted. */
export function takesNoTime(device: DeviceSpec): boolean {
  return device.model === "instant" || (device.model === "stripe" && device.members.every(takesNoTime));
}

/**
 * A closed-loop job whose I/Os all complete at once issues its next I/O at
 * the same simulated time, forever: a runtime (its own or the scenario's
 * stop) is never reached and the run hangs. Such a job needs something that
 * ends it by count (number_ios, stop.hostIos), a pause (thinktime) or a
 * device that takes time. Only when the Source LU takes no time and the
 * Cache LU either takes none or is never used (`startedSlots`, the slots a
 * start or replace names in the schedule or a script, is empty: nothing is
 * ever copied): with a Cache LU that copies go to, copies on first
 * write move time forward and a large Source LU may never run out of chunks
 * to copy before the runtime.
 *
 * The loader refuses the scenario's own jobs at their `runtime`; the runner
 * refuses jobs imported from fio job files, which only it reads.
 */
export function isTimelessJob(devices: Scenario["devices"], stop: Scenario["stop"], startedSlots: ReadonlySet<number>, job: JobSpec): boolean {
  const { source, cache, shared } = devices;
  const cacheMovesTime = !shared && !takesNoTime(cache) && startedSlots.size > 0;
  if (stop.hostIos !== undefined || !takesNoTime(source) || cacheMovesTime) return false;
  return job.rateIops === undefined && job.runtimeNs !== undefined && job.thinktimeNs === 0 && job.numberIos === undefined;
}

/** What is wrong with a timeless job, after `job "<name>": `. */
export const TIMELESS_JOB_PROBLEM = "on instant devices every I/O completes when it is issued, so this closed-loop job with a runtime never moves simulated time forward and the run would never end";
export const TIMELESS_JOB_EXPECTED = "a device model that takes time (fixed, flash...), number_ios on the job, a thinktime, or stop.hostIos";
