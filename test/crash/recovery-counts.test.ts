import { describe, expect, it } from "vitest";
import { findingTotals, type CrashSummary } from "../../scenarios/crash/campaign.js";
import { crashVerdict, renderCrashSection } from "../../reports/crash/crash-section.js";
import { exhaustive } from "./campaign-rig.js";

const RUN_FIELDS = ["crashPoints", "statesGenerated", "uniqueImages", "statesChecked", "refusedOutsideFaultModel", "chunksReclaimed", "findingsByInvariant"] as const;

function pick(summary: CrashSummary): Record<string, unknown> {
  return Object.fromEntries(RUN_FIELDS.map((field) => [field, summary[field]]));
}

describe("a campaign with crashes during recovery counts the run's states and the recoveries' apart", () => {
  it("the run's figures are those of the campaign without them, and every total adds up", () => {
    const plain = exhaustive("crash-write-through.yaml").summary;
    const { summary } = exhaustive("crash-write-through.yaml", { recoveryCrashes: true });
    expect(pick(summary)).toEqual(pick(plain));
    expect(summary.chunksReclaimed).toBeGreaterThan(0);
    const recovery = summary.recoveryCrashes!;
    expect(recovery.uniqueImages).toBeLessThanOrEqual(recovery.statesChecked);
    expect(recovery.statesChecked).toBeLessThanOrEqual(recovery.statesGenerated);
    expect(recovery.refusedOutsideFaultModel).toBeLessThanOrEqual(recovery.statesChecked);
    expect(recovery.findingsByInvariant).toEqual({});
    const html = renderCrashSection(summary).bodyHtml;
    expect(html).toContain(`No invariant broke in ${summary.statesChecked + recovery.statesChecked} crash states: ${summary.statesChecked} of the run, ${recovery.statesChecked} during recovery.`);
    expect(html).toContain("states during recovery that broke it");
  }, 180_000);

  it("the verdict's counts of broken states add up, each no more than the states it is a part of", () => {
    const summary = {
      statesChecked: 100,
      findingsByInvariant: { "1": 3, "2": 1 },
      recoveryCrashes: { recoveries: 10, statesGenerated: 60, uniqueImages: 30, statesChecked: 40, refusedOutsideFaultModel: 0, chunksReclaimed: 0, findingsByInvariant: { "1": 5 } },
    } as unknown as CrashSummary;
    expect(findingTotals(summary)).toEqual({ run: 4, recovery: 5, total: 9 });
    expect(crashVerdict(summary)).toContain("9 of 140 crash states broke an invariant: 4 of the run's 100, 5 of the 40 during recovery; the command exits 1.");
    expect(crashVerdict({ ...summary, recoveryCrashes: null })).toContain("4 of 100 crash states broke an invariant; the command exits 1.");
  });
});

describe("the report's findings heading", () => {
  it("says how many findings are listed and that each invariant has up to 20, not only its first", () => {
    const finding = { id: "p1", invariant: 1, check: "session-lost", message: "m", replay: "r", shrunk: null };
    const summary = { ...exhaustiveless(), findings: [finding, { ...finding, id: "p2" }, { ...finding, id: "p3", invariant: 2 }] } as unknown as CrashSummary;
    const html = renderCrashSection(summary).bodyHtml;
    expect(html).toContain("<h3>Findings (3 listed: up to 20 of each invariant, in the order found; the rest are counted above)</h3>");
    expect(html).not.toContain("the first of each invariant");
  });
});

/** The fields the crash section reads besides the findings, all zero. */
function exhaustiveless(): Partial<CrashSummary> {
  return {
    mode: "exhaustive",
    stoppedBy: "complete",
    crashPoints: 1,
    crashPointsVisited: 1,
    statesGenerated: 3,
    uniqueImages: 3,
    statesChecked: 3,
    refusedOutsideFaultModel: 0,
    chunksReclaimed: 0,
    findingsByInvariant: { "1": 2, "2": 1 },
    recoveryCrashes: null,
    run: { hostWrites: 0, hostFlushes: 0, sessionOps: 0, sourceDeviceWrites: 0, cacheDeviceWrites: 0 },
  };
}
