/**
 * Comparison of a run's headline metrics with the baseline's. Simulated
 * metrics are deterministic, so by default any difference is a real change:
 * "same" means equal unless the baseline file allows a tolerance.
 */
import type { BaselineEntry, BaselineManifest, ToleranceRule, ToleranceRules } from "./baseline.js";
import { defaultDirection, metricUnit, type Direction, type MetricValues } from "./metrics.js";

export type Verdict = "same" | "improvement" | "REGRESSION" | "new" | "missing";

/** Verdicts that fail the gate: a metric got worse, or a metric the baseline had is gone (e.g. a job stopped doing I/O). */
export function isFailing(verdict: Verdict): boolean {
  return verdict === "REGRESSION" || verdict === "missing";
}

export interface ResolvedRule {
  readonly relativePercent: number;
  readonly absolute: number;
  readonly direction: Direction;
}

export interface MetricComparison {
  readonly metric: string;
  readonly unit: string;
  readonly baseline?: number;
  readonly now?: number;
  /** (now - baseline) / |baseline| in percent; null when the baseline is 0 and now is not. */
  readonly changePercent?: number | null;
  readonly verdict: Verdict;
  readonly rule: ResolvedRule;
}

/** `*` matches any run of characters (dots included); everything else literally. */
function patternMatches(pattern: string, metricId: string): boolean {
  const escaped = pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${escaped.join(".*")}$`).test(metricId);
}

/** Whether a rule's key (a metric id, or a pattern with `*`) applies to a metric. */
function ruleApplies(key: string, metricId: string): boolean {
  return key === metricId || (key.includes("*") && patternMatches(key, metricId));
}

/** The keys of `rules` that apply to none of `metricIds`, sorted: a mistyped key would otherwise be a silent no-op. */
export function unusedRuleKeys(rules: ToleranceRules | undefined, metricIds: readonly string[]): string[] {
  if (rules === undefined) return [];
  return Object.keys(rules)
    .filter((key) => !metricIds.some((metricId) => ruleApplies(key, metricId)))
    .sort();
}

/**
 * The rule for a metric. Candidate rules, most specific first: the scenario's
 * own rules before the file-wide ones; within each, an exact id before
 * patterns, and longer patterns (fewer characters left to `*`) before shorter
 * ones. Each field (relativePercent, absolute, direction) comes from the first
 * candidate that sets it, else the built-in default (exact, built-in direction).
 */
export function resolveRule(metricId: string, scenarioRules: ToleranceRules | undefined, fileRules: ToleranceRules | undefined): ResolvedRule {
  const candidates: ToleranceRule[] = [];
  for (const rules of [scenarioRules, fileRules]) {
    if (rules === undefined) continue;
    const exact = rules[metricId];
    if (exact !== undefined) candidates.push(exact);
    const patterns = Object.keys(rules)
      .filter((key) => key !== metricId && ruleApplies(key, metricId))
      .sort((a, b) => b.replace(/\*/g, "").length - a.replace(/\*/g, "").length || (a < b ? -1 : a > b ? 1 : 0));
    for (const key of patterns) candidates.push(rules[key]!);
  }
  const pick = <K extends keyof ToleranceRule>(field: K): ToleranceRule[K] | undefined => candidates.find((rule) => rule[field] !== undefined)?.[field];
  return { relativePercent: pick("relativePercent") ?? 0, absolute: pick("absolute") ?? 0, direction: pick("direction") ?? defaultDirection(metricId) };
}

/** Relative slack for rounding in a tolerance check: far below any tolerance anyone writes, far above a double's error. */
const TOLERANCE_ROUNDING = 1e-12;

/** The verdict on one metric present in both runs. */
export function judgeChange(baseline: number, now: number, rule: ResolvedRule): Verdict {
  const delta = now - baseline;
  // Either tolerance is enough: the larger allowance applies.
  const allowed = Math.max(rule.absolute, (rule.relativePercent / 100) * Math.abs(baseline));
  // Inclusive, and by the decimal values the file holds: 0.34805 - 0.33805 is 0.010000000000000009 in binary, and a
  // change of exactly the tolerance must not fail on the subtraction's rounding.
  if (allowed > 0 && Math.abs(delta) <= allowed + TOLERANCE_ROUNDING * Math.max(Math.abs(baseline), Math.abs(now), allowed)) return "same";
  if (delta === 0) return "same";
  if (rule.direction === "either") return "REGRESSION";
  const better = rule.direction === "higher-is-better" ? delta > 0 : delta < 0;
  return better ? "improvement" : "REGRESSION";
}

export function changePercent(baseline: number, now: number): number | null {
  if (baseline === now) return 0;
  if (baseline === 0) return null;
  return ((now - baseline) / Math.abs(baseline)) * 100;
}

/** Every metric of either side, in id order, with its verdict. */
export function compareMetrics(baseline: MetricValues, now: MetricValues, scenarioRules?: ToleranceRules, fileRules?: ToleranceRules): MetricComparison[] {
  const ids = [...new Set([...Object.keys(baseline), ...Object.keys(now)])].sort();
  return ids.map((metric) => {
    const rule = resolveRule(metric, scenarioRules, fileRules);
    const unit = metricUnit(metric);
    const before = baseline[metric];
    const after = now[metric];
    if (before === undefined) return { metric, unit, now: after!, verdict: "new", rule };
    if (after === undefined) return { metric, unit, baseline: before, verdict: "missing", rule };
    return { metric, unit, baseline: before, now: after, changePercent: changePercent(before, after), verdict: judgeChange(before, after, rule), rule };
  });
}

/** What a run must share with its baseline entry to be compared with it. */
export interface RunIdentity {
  readonly name: string;
  readonly file: string;
  readonly contentHash: string;
  readonly seed: string;
  readonly overrides: readonly string[];
}

/**
 * Why a baseline entry cannot be compared with this run (different scenario
 * bytes or overrides, different seed), one line each; empty when it can.
 */
export function identityMismatches(entry: BaselineEntry, run: RunIdentity): string[] {
  const base: BaselineManifest = entry.manifest;
  const problems: string[] = [];
  if (base.scenario.contentHash !== run.contentHash) {
    const overrides = JSON.stringify(base.overrides) === JSON.stringify(run.overrides) ? `same --set overrides ${JSON.stringify(run.overrides)}, so the scenario file's bytes differ` : `--set overrides ${JSON.stringify(base.overrides)} in the baseline, ${JSON.stringify(run.overrides)} now`;
    problems.push(`scenario content hash differs: ${base.scenario.contentHash} (baseline, from ${base.scenario.file}) vs ${run.contentHash} (now, from ${run.file}); ${overrides}`);
  }
  if (base.seed !== run.seed) problems.push(`seed differs: ${base.seed} (baseline) vs ${run.seed} (now)`);
  return problems;
}
