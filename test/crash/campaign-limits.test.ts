import { describe, expect, it } from "vitest";
import { DEFAULT_SAMPLE_STATES, runCampaign, stateBudget } from "../../scenarios/crash/campaign.js";
import { shippedScenario } from "./campaign-rig.js";

describe("what stops a campaign", () => {
  it("a time limit alone sets no state budget; the sample default applies only when neither is asked for", () => {
    expect(stateBudget("sample", undefined, undefined)).toBe(DEFAULT_SAMPLE_STATES);
    expect(stateBudget("sample", undefined, 60_000)).toBe(Number.POSITIVE_INFINITY);
    expect(stateBudget("sample", 50, 60_000)).toBe(50);
    expect(stateBudget("exhaustive", undefined, undefined)).toBe(Number.POSITIVE_INFINITY);
  });

  it("a sampled campaign with only a time limit runs past the default budget and says the time stopped it", () => {
    const { scenario, meta } = shippedScenario("crash-write-through.yaml");
    // A clock that moves 1 ms each time it is read: the limit is reached after some 1,500 states, not 1,000.
    let clockMs = 0;
    const { summary } = runCampaign(scenario, meta, { mode: "sample", timeLimitMs: 1500, exhaustiveBound: 6, sampledSubsets: 16, shrinkFindings: false, replayCommand: (id) => id, nowMs: () => clockMs++ });
    expect(summary.stoppedBy).toBe("time");
    expect(summary.statesGenerated).toBeGreaterThan(DEFAULT_SAMPLE_STATES);
  });
});
