import { ddmin } from "./ddmin.js";
import type { StateChecker } from "./check-state.js";
import { stateOf, type PendingWrite } from "./enumerate.js";
import type { CrashStateSpec } from "./state-id.js";

/**
 * Delta debugging (ddmin) over a failing state's surviving pending writes:
 * the smallest set found that still breaks the same invariant, and without
 * its tear if the tear is not needed. The crash point and the recorded run
 * stay as they are (shrink-workload.ts shrinks the workload).
 */
export function shrinkState(checker: StateChecker, failing: CrashStateSpec, invariant: number): { state: CrashStateSpec; checks: number } {
  let checks = 0;
  const fails = (state: CrashStateSpec): boolean => {
    checks++;
    const outcome = checker.check(state);
    return outcome.kind === "finding" && outcome.invariant === invariant;
  };
  const build = (survivors: readonly Survivor[], tear: CrashStateSpec["tear"]): CrashStateSpec => {
    const state = stateOf(failing.point, survivors, () => true);
    const keepsTear = tear !== undefined && survivors.some((s) => s.disk === tear.disk && s.writeId === tear.writeId);
    return keepsTear ? { ...state, tear } : state;
  };
  let tear = failing.tear;
  if (tear !== undefined && fails(build(all(failing), undefined))) tear = undefined;
  const current = ddmin(all(failing), (candidate) => fails(build(candidate, tear)));
  return { state: build(current, tear), checks };
}

/** A surviving write (its size does not matter here). */
type Survivor = Pick<PendingWrite, "disk" | "writeId">;

function all(state: CrashStateSpec): Survivor[] {
  return Object.entries(state.surviving).flatMap(([disk, ids]) => ids.map((writeId) => ({ disk, writeId })));
}
