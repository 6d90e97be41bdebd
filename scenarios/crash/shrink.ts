import { ddmin } from "./ddmin.js";
import type { StateChecker } from "./check-state.js";
import type { CrashStateSpec, DeviceRole } from "./state-id.js";

interface Survivor {
  readonly device: DeviceRole;
  readonly writeId: number;
}

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
    const state = {
      point: failing.point,
      source: survivors.filter((s) => s.device === "source").map((s) => s.writeId),
      cache: survivors.filter((s) => s.device === "cache").map((s) => s.writeId),
    };
    const keepsTear = tear !== undefined && survivors.some((s) => s.device === tear.device && s.writeId === tear.writeId);
    return keepsTear ? { ...state, tear } : state;
  };
  let tear = failing.tear;
  if (tear !== undefined && fails(build(all(failing), undefined))) tear = undefined;
  const current = ddmin(all(failing), (candidate) => fails(build(candidate, tear)));
  return { state: build(current, tear), checks };
}

function all(state: CrashStateSpec): Survivor[] {
  return [...state.source.map((writeId) => ({ device: "source" as const, writeId })), ...state.cache.map((writeId) => ({ device: "cache" as const, writeId }))];
}
