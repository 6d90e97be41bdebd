import { describe, expect, it } from "vitest";
import { COMMIT_POLICY_NAMES, makeCommitPolicy } from "../../engine/index.js";
import { exploreCrashes, SECTOR_BLOCKS, spreadSteps, SUBSETS, TORN_BLOCKS, type Step } from "./crash-harness.js";

/** Concurrent writes (some sharing a chunk, one spanning two), sessions started, stopped and a slot reused. */
const STEPS: readonly Step[] = [
  { kind: "writes", writes: [[0, 8], [40, 4], [60, 12]] },
  { kind: "start", slot: 0 },
  { kind: "writes", writes: [[2, 2], [8, 8], [33, 1], [100, 40]] },
  { kind: "flush" },
  { kind: "start", slot: 1 },
  { kind: "writes", writes: [[0, 4], [36, 2], [200, 8]] },
  { kind: "stop", slot: 0 },
  { kind: "writes", writes: [[4, 4], [120, 4]] },
  { kind: "start", slot: 0 },
  { kind: "writes", writes: [[0, 1], [300, 16]] },
];

describe.each(COMMIT_POLICY_NAMES)("every crash point of a concurrent workload (%s)", (policy) => {
  it("recovers to a state that satisfies the invariants", () => {
    const report = exploreCrashes({ seed: "crash-1", ...SECTOR_BLOCKS, ...SUBSETS, makePolicy: () => makeCommitPolicy(policy), steps: STEPS });
    expect(report.crashPoints).toBeGreaterThan(50);
    expect(report.uniqueImages).toBeGreaterThan(report.crashPoints);
    expect(report.findings.slice(0, 5)).toEqual([]);
    // 512-byte blocks are the devices' sectors: no tear reaches inside one.
    expect(report.tornMetadataImages).toBe(0);
  });

  it("recovers to a state that satisfies the invariants, or refuses a torn 4 KiB metadata block with its typed error", () => {
    const report = exploreCrashes({ seed: "crash-4k", ...TORN_BLOCKS, ...SUBSETS, makePolicy: () => makeCommitPolicy(policy), steps: spreadSteps(STEPS, 12) });
    expect(report.crashPoints).toBeGreaterThan(50);
    expect(report.findings.slice(0, 5)).toEqual([]);
    // Torn metadata blocks were checked, and the check bits caught some (a tear that leaves a block whole is old or new).
    expect(report.refusedOutsideFaultModel).toBeGreaterThan(0);
    expect(report.tornMetadataImages).toBeGreaterThanOrEqual(report.refusedOutsideFaultModel);
  });
});
