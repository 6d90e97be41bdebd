import { describe, expect, it } from "vitest";
import { runCampaign } from "../../scenarios/crash/campaign.js";
import { randomTear, tearRanges } from "../../scenarios/crash/enumerate.js";
import { formatStateId, parseStateId } from "../../scenarios/crash/state-id.js";
import { Rng } from "../../sim/rng/streams.js";
import { BROKEN_ENGINES } from "./broken-engines.js";
import { exhaustive, shippedScenario } from "./campaign-rig.js";

const CHECK_BITS_NOT_VERIFIED = BROKEN_ENGINES.find((broken) => broken.name === "check bits not verified at mount")!;

describe("torn writes", () => {
  it("exhaustive mode tears an 8-sector write five ways: first sector only, all but the first, all but the last, each half", () => {
    const ranges = tearRanges(8).map(({ firstKept, lastKept }) => `${firstKept}-${lastKept}`);
    expect(ranges).toEqual(["0-0", "1-7", "0-6", "0-3", "4-7"]);
    // Repeats are dropped: on two sectors, all but the last is the first sector only, and so on.
    expect(tearRanges(2).map(({ firstKept, lastKept }) => `${firstKept}-${lastKept}`)).toEqual(["0-0", "1-1"]);
    expect(tearRanges(1)).toEqual([]);
  });

  it("sample mode keeps any contiguous run of sectors short of the whole write, and every one a state id can say", () => {
    const rng = Rng.root("tears").stream("crash");
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const range = randomTear(8, rng);
      expect(range.firstKept).toBeGreaterThanOrEqual(0);
      expect(range.lastKept).toBeLessThanOrEqual(7);
      expect(range.lastKept - range.firstKept + 1).toBeLessThan(8);
      const state = { point: 3, surviving: { c: [9] }, tear: { disk: "c", writeId: 9, ...range } };
      expect(parseStateId(formatStateId(state))).toEqual(state);
      seen.add(`${range.firstKept}-${range.lastKept}`);
    }
    // Every run of 1 to 7 of 8 sectors: 8 + 7 + ... + 2 of them.
    expect(seen.size).toBe(35);
  });

  it("a sampled campaign of moderate budget finds what the exhaustive one finds when check bits are not verified", () => {
    const { scenario, meta } = shippedScenario(CHECK_BITS_NOT_VERIFIED.scenario);
    const parts = CHECK_BITS_NOT_VERIFIED.parts(scenario.engine.commitPolicy);
    const expected = String(CHECK_BITS_NOT_VERIFIED.expectedInvariant);
    expect(exhaustive(CHECK_BITS_NOT_VERIFIED.scenario, { parts, shrinkFindings: false }).summary.findingsByInvariant[expected]).toBeGreaterThan(0);
    // 300 sampled states (the default is 1000); a tear that keeps the first sector rarely changes a block's check bits.
    const { summary } = runCampaign(scenario, meta, { mode: "sample", budgetStates: 300, exhaustiveBound: 6, sampledSubsets: 16, parts, shrinkFindings: false, replayCommand: (id) => id, nowMs: () => 0 });
    expect(summary.findingsByInvariant[expected] ?? 0).toBeGreaterThan(0);
    expect(summary.findings.find((finding) => finding.invariant === CHECK_BITS_NOT_VERIFIED.expectedInvariant)!.tear).not.toBeNull();
  });
});
