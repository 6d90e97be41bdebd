import type { CrashSummary } from "../../scenarios/crash/campaign.js";
import type { ShrunkScenarioEntry } from "../../scenarios/crash/shrunk-file.js";
import { escapeHtml, htmlFacts, htmlTable } from "../html.js";

/** What each DESIGN.md invariant says, for the findings table. */
export const INVARIANT_TITLES: Record<number, string> = {
  1: "sessions read their point in time",
  2: "Source LU holds durable data",
  3: "no chunk referenced twice, nothing leaked",
  4: "stale mask bits never honoured",
  5: "torn metadata detected, never trusted",
  6: "recovery mounts a good state or fails typed",
};

/** The crash section of a campaign's report.html: the deterministic figures, findings by invariant, and each kept finding with its replay command. */
export function renderCrashSection(summary: CrashSummary, shrunkScenarios: readonly ShrunkScenarioEntry[] = []): { id: string; title: string; bodyHtml: string } {
  const facts = htmlFacts([
    ["mode", `${summary.mode} (${summary.stoppedBy === "complete" ? "every state generated" : `stopped by its ${summary.stoppedBy}`})`],
    ["crash points", `${summary.crashPoints} (${summary.crashPointsVisited} visited)`],
    ["states generated", String(summary.statesGenerated)],
    ["unique images", String(summary.uniqueImages)],
    ["states checked", `${summary.statesChecked} (identical images checked once per stretch of crash points where the oracle expects the same)`],
    ["refused outside the fault model", String(summary.refusedOutsideFaultModel)],
    [
      "crashes during recovery",
      summary.recoveryCrashes === null
        ? "not explored (--recovery-crashes)"
        : `${summary.recoveryCrashes.recoveries} recoveries crashed: ${summary.recoveryCrashes.statesGenerated} states generated, ${summary.recoveryCrashes.statesChecked} unique images checked`,
    ],
    ["leaked chunks reclaimed by recovery", String(summary.chunksReclaimed)],
    ["recorded run", `${summary.run.hostWrites} host writes, ${summary.run.hostFlushes} flushes, ${summary.run.sessionOps} session operations; ${summary.run.sourceDeviceWrites} Source LU and ${summary.run.cacheDeviceWrites} Cache LU device writes`],
  ]);
  const byInvariant = htmlTable({
    columns: [
      { label: "invariant", numeric: true },
      { label: "what it promises", numeric: false },
      { label: "states that broke it", numeric: true },
    ],
    rows: Object.entries(INVARIANT_TITLES).map(([invariant, title]) => [invariant, title, String(summary.findingsByInvariant[invariant] ?? 0)]),
  });
  const total = Object.values(summary.findingsByInvariant).reduce((a, b) => a + b, 0);
  const verdict =
    total === 0
      ? `<p class="ok" id="crash-verdict">No invariant broke in ${summary.statesChecked} crash states.</p>`
      : `<p class="problems" id="crash-verdict">${total} crash state${total === 1 ? "" : "s"} broke an invariant; the command exits 1.</p>`;
  const findings =
    summary.findings.length === 0
      ? ""
      : `<h3>Findings (the first of each invariant)</h3>\n${summary.findings
          .map((f) => `<div class="finding"><p><strong>invariant ${f.invariant}</strong> (${escapeHtml(f.check)}) at state <code>${escapeHtml(f.id)}</code>: ${escapeHtml(f.message)}</p><pre>${escapeHtml(f.replay)}</pre>${f.shrunk === null ? "" : `<p>Shrunk to <code>${escapeHtml(f.shrunk.id)}</code> (${f.shrunk.survivingAfter} of ${f.shrunk.survivingBefore} surviving writes, ${f.shrunk.checks} checks):</p><pre>${escapeHtml(f.shrunk.replay)}</pre>`}</div>`)
          .join("\n")}`;
  const shrunk =
    shrunkScenarios.length === 0
      ? ""
      : `<h3>Shrunk scenarios</h3>\n${shrunkScenarios
          .map((entry) =>
            entry.file === null
              ? `<p>invariant ${entry.invariant}: the run rewritten as a script of host operations no longer breaks it (the failure needs the original timing), so its workload was not shrunk.</p>`
              : `<div class="finding"><p><strong>invariant ${entry.invariant}</strong>: ${entry.opsBefore} host operations shrunk to ${entry.opsAfter} (${entry.campaigns} exhaustive campaigns), written to <code>${escapeHtml(entry.file)}</code> beside this report; replay it there:</p><pre>${escapeHtml(entry.replay ?? "")}</pre></div>`,
          )
          .join("\n")}`;
  return { id: "crash", title: "Crash campaign", bodyHtml: `${verdict}\n${facts}\n${byInvariant}\n${findings}\n${shrunk}` };
}
