import type { ScriptOp, SessionAction, SessionEvent } from "./model.js";

/** A start or a replace: the operations that begin a session (and flush the Source LU first). */
export function startsSession(op: { readonly action: SessionAction }): boolean {
  return op.action === "start" || op.action === "replace";
}

/** A workload as the loader reads it or as a Scenario holds it: only a script's operations can start a session. */
type WorkloadOps = { readonly kind: "script"; readonly ops: readonly ScriptOp[] } | { readonly kind: "job" | "trace" | "fio" };

/** The slots that a script's start or replace names. */
export function slotsScriptsStart(workloads: readonly WorkloadOps[]): Set<number> {
  return new Set(workloads.flatMap((workload) => (workload.kind === "script" ? workload.ops.flatMap((op) => (op.kind === "session" && startsSession(op) ? [op.slot] : [])) : [])));
}

/**
 * The slots that a start or replace names, in the session schedule or in a
 * script: no session is ever live in any other slot, so nothing is copied
 * for it and its Phantom LU never reads.
 */
export function slotsEverStarted(sessions: readonly Pick<SessionEvent, "action" | "slot">[], workloads: readonly WorkloadOps[]): Set<number> {
  const slots = slotsScriptsStart(workloads);
  for (const event of sessions) if (startsSession(event)) slots.add(event.slot);
  return slots;
}
