import { FINDINGS_KEPT_PER_INVARIANT, findingTotals, type CrashSummary } from "../../scenarios/crash/campaign.js";
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

/** The facts of the crashes during recovery, counted apart from the run's states. */
function recoveryFacts(summary: CrashSummary): Array<[string, string]> {
  const recovery = summary.recoveryCrashes;
  if (recovery === null) return [["crashes during recovery", "not explored (--recovery-crashes)"]];
  return [
    ["crashes during recovery", `${recovery.recoveries} recoveries crashed: ${recovery.statesGenerated} states generated, ${recovery.uniqueImages} unique images, ${recovery.statesChecked} states checked`],
    ["of those, refused outside the fault model", String(recovery.refusedOutsideFaultModel)],
    ["leaked chunks reclaimed by the second recovery", String(recovery.chunksReclaimed)],
  ];
}

/** The verdict line: every count it gives adds up (the run's states and the recoveries' named apart). */
export function crashVerdict(summary: CrashSummary): string {
  const recovery = summary.recoveryCrashes;
  const { run, recovery: duringRecovery, total } = findingTotals(summary);
  const exits = "; the command exits 1.";
  if (recovery === null) {
    return total === 0
      ? `<p class="ok" id="crash-verdict">No invariant broke in ${summary.statesChecked} crash states.</p>`
      : `<p class="problems" id="crash-verdict">${total} of ${summary.statesChecked} crash states broke an invariant${exits}</p>`;
  }
  const all = summary.statesChecked + recovery.statesChecked;
  return total === 0
    ? `<p class="ok" id="crash-verdict">No invariant broke in ${all} crash states: ${summary.statesChecked} of the run, ${recovery.statesChecked} during recovery.</p>`
    : `<p class="problems" id="crash-verdict">${total} of ${all} crash states broke an invariant: ${run} of the run's ${summary.statesChecked}, ${duringRecovery} of the ${recovery.statesChecked} during recovery${exits}</p>`;
}

/** The crash section of a campaign's report.html: the deterministic figures, findings by invariant, and each kept finding with its replay command. */
export function renderCrashSection(summary: CrashSummary, shrunkScenarios: readonly ShrunkScenarioEntry[] = []): { id: string; title: string; bodyHtml: string } {
  const facts = htmlFacts([
    ["mode", `${summary.mode} (${summary.stoppedBy === "complete" ? "every state generated" : `stopped by its ${summary.stoppedBy}`})`],
    ["crash points", `${summary.crashPoints} (${summary.crashPointsVisited} visited)`],
    ["states generated", String(summary.statesGenerated)],
    ["unique images", String(summary.uniqueImages)],
    ["states checked", `${summary.statesChecked} (identical images checked once per stretch of crash points where the oracle expects the same)`],
    ["refused outside the fault model", String(summary.refusedOutsideFaultModel)],
    ["leaked chunks reclaimed by recovery", String(summary.chunksReclaimed)],
    ...recoveryFacts(summary),
    ["recorded run", `${summary.run.hostWrites} host writes, ${summary.run.hostFlushes} flushes, ${summary.run.sessionOps} session operations; ${summary.run.sourceDeviceWrites} Source LU and ${summary.run.cacheDeviceWrites} Cache LU device writes`],
  ]);
  const recovery = summary.recoveryCrashes;
  const byInvariant = htmlTable({
    columns: [
      { label: "invariant", numeric: true },
      { label: "what it promises", numeric: false },
      { label: "run's states that broke it", numeric: true },
      ...(recovery === null ? [] : [{ label: "states during recovery that broke it", numeric: true }]),
    ],
    rows: Object.entries(INVARIANT_TITLES).map(([invariant, title]) => [
      invariant,
      title,
      String(summary.findingsByInvariant[invariant] ?? 0),
      ...(recovery === null ? [] : [String(recovery.findingsByInvariant[invariant] ?? 0)]),
    ]),
  });
  const verdict = crashVerdict(summary);
  const findings =
    summary.findings.length === 0
      ? ""
      : `<h3>Findings (${summary.findings.length} listed: up to ${FINDINGS_KEPT_PER_INVARIANT} of each invariant, in the order found; the rest are counted above)</h3>\n${summary.findings
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
