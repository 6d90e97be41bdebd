import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { replayState, runCampaign } from "../../scenarios/crash/campaign.js";
import { scriptOfRecording } from "../../scenarios/crash/shrink-workload.js";
import { shrinkScenarios } from "../../scenarios/crash/shrunk-file.js";
import { parseStateId } from "../../scenarios/crash/state-id.js";
import { loadScenarioFile } from "../../scenarios/schema/load.js";
import { INVARIANT_TITLES, renderCrashSection } from "../../reports/crash/crash-section.js";
import { BROKEN_ENGINES } from "./broken-engines.js";
import { exhaustive, shippedScenario } from "./campaign-rig.js";

const isSubsequence = <T>(small: readonly T[], big: readonly T[]) => {
  let at = 0;
  for (const item of big) if (at < small.length && JSON.stringify(item) === JSON.stringify(small[at])) at++;
  return at === small.length;
};

describe.each(BROKEN_ENGINES.map((broken) => [broken.name, broken] as const))("workload shrinking, broken engine: %s", (_name, broken) => {
  let directory: string | undefined;
  afterEach(() => {
    if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
    directory = undefined;
  });

  it("reduces the run to a short script, written as a scenario file whose replay breaks the same invariant", () => {
    const { scenario, meta, path } = shippedScenario(broken.scenario);
    const parts = broken.parts(scenario.engine.commitPolicy);
    const { summary, recording } = exhaustive(broken.scenario, { parts, untilInvariant: broken.expectedInvariant, shrinkFindings: false });
    const outputs = mkdtempSync(join(tmpdir(), "cofwsim-shrunk-"));
    directory = outputs;
    const campaignsSeen: number[] = [];
    // What `cofwsim crash` does with a finding, for the invariant this engine breaks.
    const { entries, files } = shrinkScenarios(recording, meta, { ...summary, findings: summary.findings.filter((f) => f.invariant === broken.expectedInvariant) }, {
      originalText: readFileSync(path, "utf8"),
      originalFileName: broken.scenario,
      overrides: [],
      invariantTitles: INVARIANT_TITLES,
      exhaustiveBound: 6,
      sampledSubsets: 16,
      parts,
      replayFor: (file, id) => `cofwsim crash ${file} --replay ${id}`,
      onCampaign: (invariant, campaigns) => campaignsSeen.push(invariant, campaigns),
      nowMs: () => 0,
    });
    // The command writes them with the rest of its outputs (bin/output-set.ts).
    for (const shrunk of files) writeFileSync(join(outputs, shrunk.fileName), shrunk.text);
    expect(entries.length).toBe(1);
    const entry = entries[0]!;
    if (entry.file === null || entry.stateId === null) throw new Error("the run rewritten as a script no longer broke the invariant");
    const original = scriptOfRecording(recording);
    expect(entry.opsBefore).toBe(original.length);
    expect(entry.opsAfter).toBeLessThan(original.length / 2);
    expect(campaignsSeen.slice(-2)).toEqual([broken.expectedInvariant, entry.campaigns - 1]);
    expect(entry.file).toBe(`shrunk-invariant-${broken.expectedInvariant}.yaml`);
    const file = join(outputs, entry.file);
    // Named relative to the output directory, where the command is to be run.
    expect(entry.replay).toBe(`cofwsim crash ${entry.file} --replay ${entry.stateId}`);
    expect(readFileSync(file, "utf8")).toContain(`# Replay, in this file's directory: ${entry.replay}`);
    expect(renderCrashSection(summary, entries).bodyHtml).toContain(`${original.length} host operations shrunk to ${entry.opsAfter}`);

    const loaded = loadScenarioFile(file);
    const [script] = loaded.workloads;
    if (script?.kind !== "script" || loaded.workloads.length !== 1) throw new Error("the shrunk scenario's workload is not one script");
    expect(script.ops.length).toBe(entry.opsAfter);
    expect(isSubsequence(script.ops, original)).toBe(true);
    expect(loaded.sessions).toEqual([]);
    expect({ ...loaded.devices, ...loaded.engine, seed: loaded.seed }).toEqual({ ...scenario.devices, ...scenario.engine, seed: scenario.seed });
    // The file alone reproduces the finding: the shrunk state replayed against it breaks the same invariant.
    const fileMeta = { ...meta, fileName: entry.file };
    expect(replayState(loaded, fileMeta, parseStateId(entry.stateId), parts).outcome).toMatchObject({ kind: "finding", invariant: broken.expectedInvariant });
    // And it is the bug that fails, not the script: the correct engine passes the shrunk scenario.
    const correct = runCampaign(loaded, fileMeta, { mode: "exhaustive", exhaustiveBound: 6, sampledSubsets: 16, replayCommand: (id) => id, nowMs: () => 0 }).summary;
    expect(correct.findingsByInvariant).toEqual({});
    expect(correct.statesChecked).toBeGreaterThan(0);
  }, 180_000);
});
