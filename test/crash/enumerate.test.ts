import { describe, expect, it } from "vitest";
import { statesAt, type LoggedRun } from "../../scenarios/crash/enumerate.js";
import type { Rng } from "../../sim/rng/streams.js";

/** A run of one crash point at which `pending` one-sector source writes are pending (only what enumeration reads). */
function pendingRun(pending: number): LoggedRun {
  const device = (count: number) => ({
    log: () => ({ sectorSizeBytes: 512, write: () => ({ payload: { lengthBytes: 512 } }) }),
    crashStateAt: () => ({ pendingWriteIds: Array.from({ length: count }, (_, i) => i) }),
  });
  return { points: [[0, 0]], disks: [{ key: "s", device: device(pending) }, { key: "c", device: device(0) }] } as unknown as LoggedRun;
}

const NO_DRAWS = { next: () => { throw new Error("no random subset is drawn within the bound"); } } as unknown as Rng;

/** The first `count` states statesAt generates, as lists of surviving source writes. */
function firstStates(pending: number, bound: number, count: number): number[][] {
  const out: number[][] = [];
  for (const state of statesAt(pendingRun(pending), 0, { exhaustiveBound: bound, sampledSubsets: 16 }, NO_DRAWS)) {
    out.push([...(state.surviving.s ?? [])]);
    if (out.length === count) break;
  }
  return out;
}

describe("the subsets of a crash point's pending writes", () => {
  it("are every subset, in binary counting order, within the bound", () => {
    expect(firstStates(3, 3, 100)).toEqual([[], [0], [1], [0, 1], [2], [0, 2], [1, 2], [0, 1, 2]]);
  });

  it("are generated one at a time, and right past 31 pending writes (a 32-bit shift wrapped there)", () => {
    for (const pending of [31, 32, 33]) {
      // 1 << 31 is negative and 1 << 32 is 1: no subset at all, or only the empty one, came out before.
      expect(firstStates(pending, 40, 4)).toEqual([[], [0], [1], [0, 1]]);
    }
  });
});
