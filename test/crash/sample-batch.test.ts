import { describe, expect, it } from "vitest";
import { runCampaign, SAMPLE_BATCH_STATES } from "../../scenarios/crash/campaign.js";
import { sampleBatch, sampleStateAt } from "../../scenarios/crash/enumerate.js";
import { recordRun } from "../../scenarios/crash/record.js";
import { formatStateId } from "../../scenarios/crash/state-id.js";
import { Rng } from "../../sim/rng/streams.js";
import { shippedScenario } from "./campaign-rig.js";

describe("sampled crash states drawn a batch at a time", () => {
  const { scenario, meta } = shippedScenario("crash-write-through.yaml");
  const recording = recordRun(scenario, meta, undefined);
  const pointCount = recording.points.length - recording.firstPoint;

  it("are the states drawn one by one from the same stream, in ascending crash-point order, draws of one point in drawing order", () => {
    const oneByOne = Rng.root("batch").stream("crash");
    const drawn = Array.from({ length: 40 }, () => sampleStateAt(recording, recording.firstPoint + Math.floor(oneByOne.next() * pointCount), oneByOne));
    const batched = Rng.root("batch").stream("crash");
    const first = sampleBatch(recording, batched, 20);
    const second = sampleBatch(recording, batched, 20);
    const byPoint = (states: typeof drawn) => [...states].sort((a, b) => a.point - b.point);
    expect(first.map(formatStateId)).toEqual(byPoint(drawn.slice(0, 20)).map(formatStateId));
    expect(second.map(formatStateId)).toEqual(byPoint(drawn.slice(20)).map(formatStateId));
    // Enough distinct points that the order is not the drawing order by chance.
    expect(new Set(first.map((state) => state.point)).size).toBeGreaterThan(10);
    expect(first.map(formatStateId)).not.toEqual(drawn.slice(0, 20).map(formatStateId));
  });

  it("leave a budgeted campaign checking exactly its budget of states, whatever the batch size divides", () => {
    const budgetStates = 2 * SAMPLE_BATCH_STATES + 5;
    const { summary } = runCampaign(scenario, meta, { mode: "sample", budgetStates, exhaustiveBound: 6, sampledSubsets: 16, shrinkFindings: false, replayCommand: (id) => id, nowMs: () => 0 });
    expect(summary.statesGenerated).toBe(budgetStates);
    expect(summary.stoppedBy).toBe("budget");
  });
});
