import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadScenarioWithHash } from "../../../scenarios/schema/scenario-hash.js";

/** Runs the built CLI as CI does (npm test builds dist/ first). */
const root = fileURLToPath(new URL("../../..", import.meta.url));
const cli = join(root, "dist/bin/cofwsim.js");

function cofwsim(...args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", cwd: root });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A scenario of 1,500 host writes with one session: a gate run of it takes a fraction of a second. */
const SMALL_SCENARIO = `name: gate-e2e
description: a small scenario for the gate's end-to-end tests
seed: 3
devices:
  source: { model: fixed, capacity: 1GiB, latency: 80us, bandwidth: 500MB/s, parallelism: 4 }
  cache: { model: fixed, capacity: 256MiB, latency: 80us, bandwidth: 500MB/s, parallelism: 4 }
engine: { chunkSize: 64KiB, regionSize: 64KiB, commitPolicy: write-through }
workloads:
  - { kind: job, name: writer, rw: randwrite, bs: 4k, iodepth: 4 }
sessions:
  - { afterHostIos: 200, action: start, slot: 0 }
stop: { hostIos: 1500 }
`;

const IOPS = "jobs.writer.write.iops";

interface BaselineFile {
  format: string;
  tolerances?: Record<string, { relativePercent?: number; absolute?: number; direction?: string }>;
  scenarios: Record<
    string,
    {
      manifest: { cofwsimVersion: string; scenario: { name: string; file: string; contentHash: string }; seed: string; overrides: string[]; nodeVersion: string };
      tolerances?: Record<string, unknown>;
      metrics: Record<string, number>;
      wall?: { reference: string; samples: number; eventsPerWallSecond: { ratio: number }; hostIosPerWallSecond: { ratio: number } };
    }
  >;
}

interface GateJson {
  outcome: string;
  exitCode: number;
  scenarios: Array<{ name: string; metrics: Array<{ metric: string; baseline?: number; now?: number; verdict: string }>; wall?: { figures: Array<{ figure: string; verdict: string; now: { ratio: number; low: number; high: number } }> } }>;
}

let dir: string;
let scenario: string;
let baselinePath: string;
let pristine: string;

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, "utf8")) as T;
const writeBaselineFile = (document: BaselineFile) => writeFileSync(baselinePath, `${JSON.stringify(document, null, 2)}\n`);
const gate = (...args: string[]) => cofwsim("gate", "--baseline", baselinePath, "--out", join(dir, "out"), scenario, ...args);
const gateJson = () => readJson<GateJson>(join(dir, "out", "gate.json"));
const verdicts = () => Object.fromEntries(gateJson().scenarios[0]!.metrics.map((m) => [m.metric, m.verdict]));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "cofwsim-gate-"));
  scenario = join(dir, "gate-e2e.yaml");
  writeFileSync(scenario, SMALL_SCENARIO);
  baselinePath = join(dir, "baseline.json");
  const made = gate("--update-baseline");
  expect(made.code, made.stderr).toBe(0);
  pristine = readFileSync(baselinePath, "utf8");
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Each test starts from the baseline made in beforeAll, edited as it needs. */
function baseline(): BaselineFile {
  return JSON.parse(pristine) as BaselineFile;
}

describe("cofwsim gate --update-baseline", () => {
  it("records the manifest (version, scenario, the same content hash as cofwsim run, seed, node) and the metrics, in a stable order", () => {
    const document = baseline();
    const entry = document.scenarios["gate-e2e"]!;
    expect(document.format).toBe("cofwsim-gate-baseline/1");
    expect(entry.manifest).toMatchObject({ scenario: { name: "gate-e2e", file: "gate-e2e.yaml" }, seed: "3", overrides: [], nodeVersion: process.version });
    expect(entry.manifest.scenario.contentHash).toBe(loadScenarioWithHash(scenario, []).contentHash);
    const run = cofwsim("run", scenario, "--out", join(dir, "run"));
    expect(run.code, run.stderr).toBe(0);
    expect(readJson<{ manifest: { scenario: { contentHash: string } } }>(join(dir, "run", "results.json")).manifest.scenario.contentHash).toBe(entry.manifest.scenario.contentHash);
    expect(entry.metrics[IOPS]).toBeGreaterThan(0);
    expect(Object.keys(entry.metrics)).toEqual(Object.keys(entry.metrics).sort());
    expect(Object.keys(entry)).toEqual(["manifest", "metrics"]);
    // Without --wall there are no wall figures, and nothing else in the file varies: regenerating is byte-identical.
    expect(gate("--update-baseline").code).toBe(0);
    expect(readFileSync(baselinePath, "utf8")).toBe(pristine);
  });

  it("keeps the tolerances already in the file", () => {
    const document = baseline();
    document.tolerances = { "*.iops": { relativePercent: 1 } };
    document.scenarios["gate-e2e"]!.tolerances = { "engine.flushes": { absolute: 2, direction: "either" } };
    writeBaselineFile(document);
    expect(gate("--update-baseline").code).toBe(0);
    const updated = readJson<BaselineFile>(baselinePath);
    expect(updated.tolerances).toEqual({ "*.iops": { relativePercent: 1 } });
    expect(updated.scenarios["gate-e2e"]!.tolerances).toEqual({ "engine.flushes": { absolute: 2, direction: "either" } });
  });
});

describe("cofwsim gate", () => {
  it("passes an unchanged tree: exit 0, every metric same; writes gate.md and gate.json", () => {
    writeFileSync(baselinePath, pristine);
    const result = gate();
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/scenario\s+metric\s+baseline\s+now\s+change\s+verdict/);
    expect(result.stdout).toMatch(/PASS/);
    expect(Object.values(verdicts()).every((verdict) => verdict === "same")).toBe(true);
    expect(gateJson()).toMatchObject({ outcome: "pass", exitCode: 0 });
    const markdown = readFileSync(join(dir, "out", "gate.md"), "utf8");
    expect(markdown).toMatch(/^## ✅ cofwsim gate: PASS/);
    expect(markdown).toMatch(/No simulated metric changed\./);
    expect(markdown).toMatch(/\| gate-e2e \| jobs\.writer\.write\.iops \| [\d,.]+ \| [\d,.]+ \| 0% \| same \|/);
  });

  it("an engine change that raises IOPS is an improvement (exit 0), one that lowers it a regression (exit 1)", () => {
    // The simulated IOPS are deterministic; a baseline made before an engine change is simulated by editing its value.
    const document = baseline();
    const iops = document.scenarios["gate-e2e"]!.metrics[IOPS]!;
    document.scenarios["gate-e2e"]!.metrics[IOPS] = iops - 100;
    writeBaselineFile(document);
    const faster = gate();
    expect(faster.code, faster.stderr).toBe(0);
    expect(verdicts()[IOPS]).toBe("improvement");

    document.scenarios["gate-e2e"]!.metrics[IOPS] = iops + 100;
    document.scenarios["gate-e2e"]!.metrics["engine.writeAmplification"] = 1;
    writeBaselineFile(document);
    const slower = gate();
    expect(slower.code).toBe(1);
    expect(slower.stdout).toMatch(/FAIL: regression/);
    expect(verdicts()[IOPS]).toBe("REGRESSION");
    expect(verdicts()["engine.writeAmplification"]).toBe("REGRESSION");
    expect(gateJson()).toMatchObject({ outcome: "regression", exitCode: 1 });
    const markdown = readFileSync(join(dir, "out", "gate.md"), "utf8");
    expect(markdown).toMatch(/^## ❌ cofwsim gate: FAIL: regression/);
    expect(markdown).toMatch(/### Changes[\s\S]*jobs\.writer\.write\.iops[^\n]*-[\d.]+% \| REGRESSION/);
  });

  it("a metric the baseline had and the run lacks is missing and fails; one it lacks is new and passes", () => {
    const document = baseline();
    const metrics = document.scenarios["gate-e2e"]!.metrics;
    metrics["jobs.writer.read.iops"] = 10;
    delete metrics["engine.flushes"];
    writeBaselineFile(document);
    expect(gate().code).toBe(1);
    expect(verdicts()["jobs.writer.read.iops"]).toBe("missing");
    expect(verdicts()["engine.flushes"]).toBe("new");
  });

  it("honours tolerances and directions set in the baseline file", () => {
    const document = baseline();
    const entry = document.scenarios["gate-e2e"]!;
    const iops = entry.metrics[IOPS]!;
    entry.metrics[IOPS] = iops * 1.02;
    entry.metrics["engine.metadataWrites"] = entry.metrics["engine.metadataWrites"]! + 3;
    // 2% lower IOPS is within 3%; the metadata writes counted 3 fewer now, which "higher-is-better" makes a regression.
    document.tolerances = { "jobs.*.iops": { relativePercent: 3 } };
    entry.tolerances = { "engine.metadataWrites": { direction: "higher-is-better" } };
    writeBaselineFile(document);
    expect(gate().code).toBe(1);
    expect(verdicts()[IOPS]).toBe("same");
    expect(verdicts()["engine.metadataWrites"]).toBe("REGRESSION");
    // An absolute allowance of 3 writes covers it.
    entry.tolerances = { "engine.metadataWrites": { direction: "higher-is-better", absolute: 3 } };
    writeBaselineFile(document);
    expect(gate().code).toBe(0);
    expect(verdicts()["engine.metadataWrites"]).toBe("same");
  });

  it("says which tolerances apply to no metric (a mistyped key would otherwise be a silent no-op)", () => {
    const document = baseline();
    document.tolerances = { "jobs.*.iops": { relativePercent: 3 }, "jobs.*.latency": { relativePercent: 5 } };
    document.scenarios["gate-e2e"]!.tolerances = { "jobs.writer.write.clat_ns.p999": { relativePercent: 5 }, "engine.flushes": { absolute: 1 } };
    writeBaselineFile(document);
    const run = gate();
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`note: gate-e2e: tolerance "jobs.writer.write.clat_ns.p999" in ${baselinePath} matches no metric of this scenario, so it applies to nothing`);
    expect(run.stdout).toContain(`note: file-wide tolerance "jobs.*.latency" in ${baselinePath} matches no metric of the scenarios run, so it applies to nothing`);
    // The keys that do apply are not named.
    expect(run.stdout).not.toMatch(/tolerance "(engine\.flushes|jobs\.\*\.iops)"/);
    expect(readFileSync(join(dir, "out", "gate.md"), "utf8")).toContain('tolerance "jobs.writer.write.clat_ns.p999"');
  });

  it("refuses a baseline made from another scenario with exit 2, saying what differs", () => {
    writeFileSync(baselinePath, pristine);
    const other = join(dir, "other", "gate-e2e.yaml");
    mkdirSync(join(dir, "other"), { recursive: true });
    writeFileSync(other, SMALL_SCENARIO.replace("chunkSize: 64KiB", "chunkSize: 256KiB"));
    const changedFile = cofwsim("gate", "--baseline", baselinePath, "--out", join(dir, "out2"), other);
    expect(changedFile.code).toBe(2);
    expect(changedFile.stderr).toMatch(/does not match the scenarios, so nothing was compared/);
    expect(changedFile.stderr).toMatch(/scenario "gate-e2e": scenario content hash differs: [0-9a-f]{64} \(baseline, from gate-e2e.yaml\) vs [0-9a-f]{64} \(now, from gate-e2e.yaml\); same --set overrides \[\], so the scenario file's bytes differ/);
    // gate.md and gate.json say why nothing was compared, for the CI step that posts them.
    expect(readFileSync(join(dir, "out2", "gate.md"), "utf8")).toMatch(/^## ⛔ cofwsim gate: nothing compared \(exit 2\)\n\n {4}the baseline .* does not match the scenarios/);
    expect(readJson<{ outcome: string; exitCode: number; message: string }>(join(dir, "out2", "gate.json"))).toMatchObject({ outcome: "refused", exitCode: 2, message: expect.stringContaining("scenario content hash differs") });

    // An earlier PASS in --out does not survive a refusal.
    expect(gate().code).toBe(0);
    expect(readFileSync(join(dir, "out", "gate.md"), "utf8")).toMatch(/PASS/);

    const policy = gate("--set", "engine.commitPolicy=group-commit");
    expect(policy.code).toBe(2);
    expect(readFileSync(join(dir, "out", "gate.md"), "utf8")).not.toMatch(/PASS/);
    expect(gateJson().outcome).toBe("refused");
    expect(policy.stderr).toMatch(/--set overrides \[\] in the baseline, \["engine.commitPolicy=group-commit"\] now/);

    const document = baseline();
    document.scenarios["gate-e2e"]!.manifest.seed = "7";
    writeBaselineFile(document);
    const seed = gate();
    expect(seed.code).toBe(2);
    expect(seed.stderr).toMatch(/seed differs: 7 \(baseline\) vs 3 \(now\)/);
    expect(seed.stderr).not.toMatch(/content hash differs/);

    const renamed = baseline();
    const entry = renamed.scenarios["gate-e2e"]!;
    entry.manifest.scenario.name = "quickstart";
    renamed.scenarios = { quickstart: entry };
    writeBaselineFile(renamed);
    const missing = gate();
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/scenario "gate-e2e" \(gate-e2e.yaml\) is not in the baseline \(it has: quickstart\); add it with --update-baseline/);
  });

  it("exits 2 on bad usage: no baseline file, a malformed one, bad wall options", () => {
    const none = cofwsim("gate", "--baseline", join(dir, "nope.json"), scenario);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/nope.json does not exist; create it with: cofwsim gate --baseline .* --update-baseline/);

    writeFileSync(baselinePath, JSON.stringify({ format: "cofwsim-gate-baseline/1", tolerances: { "*": { relativePercent: -1, direction: "up" } }, scenarios: {} }));
    const malformed = gate();
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/is not a valid gate baseline/);
    expect(malformed.stderr).toMatch(/tolerances\.\*\.relativePercent: must not be negative/);
    expect(malformed.stderr).toMatch(/tolerances\.\*\.direction/);

    // A key given twice: JSON.parse would keep the last and drop the user's other rule without a word.
    const twice = pristine.replace('"scenarios": {', '"tolerances": {\n    "jobs.*.iops": { "relativePercent": 5 },\n    "jobs.*.iops": { "direction": "either" }\n  },\n  "scenarios": {');
    writeFileSync(baselinePath, twice);
    for (const args of [[], ["--update-baseline"]]) {
      const duplicate = gate(...args);
      expect(duplicate.code, args.join(" ")).toBe(2);
      expect(duplicate.stderr).toContain(`${baselinePath} gives a key twice in one object; only one of the two would be read, so say which you mean:\n  ${baselinePath}:5:5: "jobs.*.iops" is given again here`);
    }
    // --update-baseline refused before writing: the file is as the user left it.
    expect(readFileSync(baselinePath, "utf8")).toBe(twice);

    writeFileSync(baselinePath, pristine);
    expect(gate("--samples", "5").stderr).toMatch(/--samples applies to wall-clock figures only; expected --wall or --gate-wall beside it/);
    for (const value of ["1", "1e9", "0x10", "1001", ""]) {
      const samples = gate("--wall", "--samples", value);
      expect(samples.code, value).toBe(2);
      expect(samples.stderr, value).toMatch(/--samples: expected an integer from 2 \(a standard error needs two samples\) to 1000, found /);
    }
    expect(cofwsim("gate", scenario).code).toBe(2); // --baseline is required
  });

  it("an --out whose gate.md cannot be replaced is bad input (exit 2, one line), not a regression", () => {
    writeFileSync(baselinePath, pristine);
    const out = join(dir, "out-dir-in-the-way");
    mkdirSync(join(out, "gate.md"), { recursive: true });
    const blocked = cofwsim("gate", "--baseline", baselinePath, "--out", out, scenario);
    expect(blocked.code).toBe(2);
    expect(blocked.stderr).toContain(`cofwsim: cannot replace ${join(out, "gate.md")}:`);
    expect(blocked.stderr).not.toMatch(/\n\s+at /);
  });

  it("refuses a baseline path --update-baseline could not write before running anything (exit 2, no stack trace)", () => {
    const blocked = join(dir, "blocked");
    writeFileSync(blocked, "a file where a directory would have to be\n");
    for (const [path, message] of [
      [join(blocked, "baseline.json"), /cannot write the baseline .*blocked.*is not a directory/],
      [dir, /cannot write the baseline .*: it is a directory; expected a JSON file to write/],
      ["", /--baseline is an empty path; expected a baseline JSON file/],
    ] as const) {
      const result = cofwsim("gate", "--baseline", path, "--update-baseline", "--out", join(dir, "out"), scenario);
      expect(result.code, path).toBe(2);
      expect(result.stderr, path).toMatch(message);
      expect(result.stderr, path).not.toMatch(/gate: running/);
      expect(result.stderr, path).not.toMatch(/\n\s+at /);
    }
  });

  it("keeps and finds scenarios named like the properties every object inherits; refuses __proto__, which a baseline cannot hold", () => {
    const named = join(dir, "named");
    mkdirSync(named, { recursive: true });
    const file = (name: string) => {
      const path = join(named, `${name}.yaml`);
      writeFileSync(path, SMALL_SCENARIO.replace("name: gate-e2e", `name: ${name}`));
      return path;
    };
    const own = join(named, "baseline.json");
    const out = join(named, "out");
    const made = cofwsim("gate", "--baseline", own, "--update-baseline", "--out", out, file("constructor"), file("toString"));
    expect(made.code, made.stderr).toBe(0);
    expect(Object.keys(readJson<BaselineFile>(own).scenarios)).toEqual(["constructor", "toString"]);
    const compared = cofwsim("gate", "--baseline", own, "--out", out, file("constructor"), file("toString"));
    expect(compared.code, compared.stderr).toBe(0);
    expect(readJson<GateJson>(join(out, "gate.json")).outcome).toBe("pass");
    // Not in the baseline: said so, not a crash on Object.prototype.hasOwnProperty.
    const absent = cofwsim("gate", "--baseline", own, "--out", out, file("hasOwnProperty"));
    expect(absent.code).toBe(2);
    expect(absent.stderr).toMatch(/scenario "hasOwnProperty" \(hasOwnProperty.yaml\) is not in the baseline \(it has: constructor, toString\)/);
    const proto = cofwsim("gate", "--baseline", own, "--update-baseline", "--out", out, file("__proto__"));
    expect(proto.code).toBe(2);
    expect(proto.stderr).toMatch(/a scenario named "__proto__" cannot be kept in a baseline/);
    expect(Object.keys(readJson<BaselineFile>(own).scenarios)).toEqual(["constructor", "toString"]);
  });

  it("--wall reports wall-clock ratios with intervals, stores them with --update-baseline, and does not gate them", () => {
    writeFileSync(baselinePath, pristine);
    const first = gate("--wall", "--samples", "2");
    expect(first.code, first.stderr).toBe(0);
    const figures = gateJson().scenarios[0]!.wall!.figures;
    expect(figures.map((f) => f.figure)).toEqual(["eventsPerWallSecond", "hostIosPerWallSecond"]);
    for (const figure of figures) {
      expect(figure.verdict).toBe("new");
      expect(figure.now.low).toBeLessThanOrEqual(figure.now.ratio);
      expect(figure.now.high).toBeGreaterThanOrEqual(figure.now.ratio);
    }
    expect(first.stdout).toMatch(/wall clock \(reported, not gated\)/);

    expect(gate("--wall", "--samples", "2", "--update-baseline").code).toBe(0);
    const stored = readJson<BaselineFile>(baselinePath).scenarios["gate-e2e"]!.wall!;
    expect(stored.samples).toBe(2);
    expect(stored.eventsPerWallSecond.ratio).toBeGreaterThan(0);

    // A baseline ratio a million times higher than this run can reach: a wall regression even with the wide
    // interval of two samples, reported but not gated... The other figure's baseline a million times lower, so that
    // it cannot regress too: two samples of a run a few seconds after the baseline's once measured it at 0.27 of it
    // (interval 0.09-0.80), and the count below said 2.
    const document = readJson<BaselineFile>(baselinePath);
    document.scenarios["gate-e2e"]!.wall!.eventsPerWallSecond.ratio *= 1e6;
    document.scenarios["gate-e2e"]!.wall!.hostIosPerWallSecond.ratio /= 1e6;
    writeBaselineFile(document);
    const reported = gate("--wall", "--samples", "2");
    expect(reported.code, reported.stderr).toBe(0);
    expect(reported.stdout).toMatch(/eventsPerWallSecond.*REGRESSION \(not gated\)/);
    expect(reported.stdout).toMatch(/^PASS \(\d+ same, 0 REGRESSION, 1 wall-clock REGRESSION \(not gated\)\)$/m);
    // ...unless --gate-wall asks for it, and then the summary line counts it rather than saying "0 REGRESSION" alone.
    const gated = gate("--gate-wall", "--samples", "2");
    expect(gated.code).toBe(1);
    expect(gated.stdout).toMatch(/^FAIL: regression \(\d+ same, 0 REGRESSION, 1 wall-clock REGRESSION\)$/m);
    expect(readFileSync(join(dir, "out", "gate.md"), "utf8")).toContain(", 1 wall-clock REGRESSION");
  });
});

describe("the committed baseline", () => {
  it("the shipped gate set passes against gate/baseline.json (what .ci/run checks)", () => {
    const out = mkdtempSync(join(tmpdir(), "cofwsim-gate-shipped-"));
    try {
      const result = cofwsim("gate", "--baseline", join(root, "gate", "baseline.json"), "--out", out);
      expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
      const report = readJson<GateJson>(join(out, "gate.json"));
      expect(report.scenarios.map((s) => s.name)).toEqual(["quickstart", "cache-fills-up", "backup-phantom-read"]);
      expect(report.scenarios.every((s) => s.metrics.every((m) => m.verdict === "same"))).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
