import { describe, expect, it } from "vitest";
import { CRASH_SCENARIOS, exhaustive } from "./campaign-rig.js";

describe.each(CRASH_SCENARIOS)("the correct engine under the exhaustive campaign of %s", (name) => {
  it("breaks no invariant at any crash state, and the campaign really explored crashes", () => {
    const { summary, recording } = exhaustive(name);
    expect(summary.findings.slice(0, 3)).toEqual([]);
    expect(summary.findingsByInvariant).toEqual({});
    expect(summary.stoppedBy).toBe("complete");
    // Every crash point visited, pending subsets beyond the obvious two, identical images checked once.
    expect(summary.crashPointsVisited).toBe(summary.crashPoints);
    expect(summary.crashPoints).toBeGreaterThan(150);
    expect(summary.statesChecked).toBeGreaterThan(2 * summary.crashPoints);
    expect(summary.statesChecked).toBeLessThan(summary.statesGenerated);
    // Torn 4 KiB metadata blocks on 512-byte sectors were generated and refused, never trusted.
    expect(summary.refusedOutsideFaultModel).toBeGreaterThan(0);
    // The run exercised what the broken variants need: a stop, a reused slot, copies reclaimed.
    const actions = recording.host.sessionOps.map((op) => `${op.action}${op.slot}:${op.ackPoint < Infinity ? "ok" : "-"}`);
    expect(actions).toEqual(["start0:ok", "start1:ok", "stop0:ok", "start0:ok"]);
    expect(summary.chunksReclaimed).toBeGreaterThan(0);
  });
});
