import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BadValueError } from "../../../io/bad-value-error.js";
import { runScenario } from "../../../scenarios/runner/run-scenario.js";
import { loadScenarioText, ScenarioError } from "../../../scenarios/schema/load.js";
import { TIMELESS_JOB_PROBLEM } from "../../../scenarios/workloads/timeless-job.js";

/** An instant Source LU beside a Cache LU that takes time, with `workload` and `sessions` (YAML lines). */
function scenarioText(workload: string, sessions: string): string {
  return [
    "devices:",
    "  source: { model: instant, capacity: 4MiB }",
    "  cache: { model: fixed, capacity: 2MiB, latency: 10us, bandwidth: 50MB/s }",
    "workloads:",
    `  - ${workload}`,
    sessions,
    "stop: { runtime: 1ms }",
    "",
  ].join("\n");
}

const OWN_JOB = "{ kind: job, name: r, rw: read, bs: 512, runtime: 1ms }";

function problemsOf(text: string): string[] {
  try {
    loadScenarioText(text, { fileName: "t.yaml" });
    return [];
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    return error.problems.map((problem) => `${problem.line}:${problem.column} ${problem.message}`);
  }
}

describe("a closed-loop job with a runtime on an instant Source LU", () => {
  it("is refused when no session ever starts, however slow the Cache LU: nothing is copied to it, so nothing moves time", () => {
    const problems = problemsOf(scenarioText(OWN_JOB, ""));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^5:55 job "r": on instant devices every I\/O completes when it is issued/);
  });

  it("is accepted when a session starts: copies to the Cache LU that takes time move time forward", () => {
    expect(problemsOf(scenarioText(OWN_JOB, "sessions:\n  - { at: 0ms, action: start, slot: 0 }"))).toEqual([]);
  });

  it("is accepted when only a script starts a session: a script's start is a start too", () => {
    // The first version of the no-session rule read only the session schedule and refused this scenario.
    expect(problemsOf(scenarioText(`${OWN_JOB}\n  - { kind: script, ops: [start 0] }`, ""))).toEqual([]);
  });

  it("in a fio job file, is run when a script starts a session, and copies move time to the runtime", () => {
    const directory = mkdtempSync(join(tmpdir(), "cofwsim-timeless-"));
    try {
      writeFileSync(join(directory, "job.fio"), "[fiojob0]\nrw=randwrite\nbs=4k\niodepth=1\ntime_based\nruntime=1ms\n");
      const text = scenarioText("{ kind: fio, path: job.fio }\n  - { kind: script, ops: [start 0] }", "");
      const scenario = loadScenarioText(text, { fileName: "t.yaml", baseDirectory: directory });
      const { results, kernel } = runScenario(scenario, { cofwsimVersion: "test", fileName: "t.yaml", contentHash: "" }, { timeStandingStillIos: 10_000, onTimeStandingStill: () => { throw new Error("simulated time stood still"); } });
      expect(results.engine.cofwCopies).toBeGreaterThan(0);
      expect(kernel.nowNs).toBeGreaterThanOrEqual(1_000_000);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it("in a fio job file, is refused by the run, which reads the file (the random scenarios found it hanging: RANDOM_SCENARIO_SEED=4242)", () => {
    const directory = mkdtempSync(join(tmpdir(), "cofwsim-timeless-"));
    try {
      writeFileSync(join(directory, "job.fio"), "[fiojob0]\nrw=read\nbs=512\niodepth=1\ntime_based\nruntime=1ms\n");
      const scenario = loadScenarioText(scenarioText("{ kind: fio, path: job.fio }", ""), { fileName: "t.yaml", baseDirectory: directory });
      // Were it let run, it would stand still at one instant: the runner's hook then fails the test rather than hanging it.
      const run = () =>
        runScenario(scenario, { cofwsimVersion: "test", fileName: "t.yaml", contentHash: "" }, { timeStandingStillIos: 10_000, onTimeStandingStill: () => { throw new Error("simulated time stood still"); } });
      expect(run).toThrow(BadValueError);
      expect(run).toThrow(TIMELESS_JOB_PROBLEM);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
