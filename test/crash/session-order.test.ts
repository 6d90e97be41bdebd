import { describe, expect, it } from "vitest";
import { supersedingStretches } from "../../scenarios/crash/check-state.js";
import type { LoggedSessionOp } from "../../scenarios/crash/host-log.js";

const NEVER = Number.POSITIVE_INFINITY;

function op(action: LoggedSessionOp["action"], slot: number, submitPoint: number, ackPoint: number, sequence?: number): LoggedSessionOp {
  return { action, slot, submitPoint, ackPoint, sequence };
}

/** Whether the checker holds start `index` to be the slot's last at `point` (no stretch of another operation covers it). */
function checkedAt(ops: readonly LoggedSessionOp[], index: number, point: number): boolean {
  return point >= ops[index]!.submitPoint && !supersedingStretches(ops, index).some(([from, until]) => from <= point && point < until);
}

describe("which start of a slot the crash checker holds to be its last", () => {
  it("two starts of one slot that ran in the other order than submitted: neither is expected until both are acknowledged, then the later-numbered one", () => {
    // As a random crash campaign recorded it (RANDOM_CRASH_SEED=7): start #0 submitted at 2, start #1 at 4; #1 is
    // acknowledged first (at 5, session 2), #0 at 6 (session 3): #0 overtook nothing, #1 overtook #0 at the gate.
    const ops = [op("start", 1, 2, 6, 3), op("start", 1, 4, 5, 2)];
    // At 5 #1 is acknowledged, but #0, still in flight, may already have replaced it: the checker said session-lost.
    expect(checkedAt(ops, 1, 5)).toBe(false);
    expect(checkedAt(ops, 0, 5)).toBe(false);
    // Once both are acknowledged, the numbers say #0 came last: it is held to survive, #1 is not.
    expect(checkedAt(ops, 0, 6)).toBe(true);
    expect(checkedAt(ops, 0, 100)).toBe(true);
    expect(checkedAt(ops, 1, 6)).toBe(false);
  });

  it("an operation acknowledged before a start was submitted came first; one submitted after it counts until it is known to have come first, or for good", () => {
    const ops = [op("start", 0, 1, 2, 1), op("stop", 0, 3, 4), op("start", 0, 5, 6, 2), op("start", 1, 5, 6, 3)];
    // The stop, submitted after start #0, supersedes it from its submission, for good (a stop has no number to compare).
    expect(checkedAt(ops, 0, 2)).toBe(true);
    expect(checkedAt(ops, 0, 3)).toBe(false);
    expect(checkedAt(ops, 0, 100)).toBe(false);
    // Start #2 follows the stop's acknowledgement, and start #0 was acknowledged long before: nothing supersedes it.
    expect(supersedingStretches(ops, 2)).toEqual([]);
    expect(checkedAt(ops, 2, 5)).toBe(true);
    // Another slot's operations never count.
    expect(supersedingStretches(ops, 3)).toEqual([]);
    // An operation never acknowledged (in flight at every crash point) counts from its submission on.
    expect(supersedingStretches([op("start", 0, 1, 2, 1), op("start", 0, 3, NEVER)], 0)).toEqual([[3, NEVER]]);
  });

  it("a rollback of the slot leaves its session as it was: the session is still held to its point in time, during and after", () => {
    const ops = [op("start", 0, 1, 2, 1), op("rollback", 0, 3, 9), op("rollback", 0, 10, NEVER)];
    expect(supersedingStretches(ops, 0)).toEqual([]);
    for (const point of [2, 3, 5, 9, 10, 100]) expect(checkedAt(ops, 0, point)).toBe(true);
  });
});
