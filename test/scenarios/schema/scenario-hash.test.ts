import { createHash } from "node:crypto";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedOverride } from "../../../scenarios/schema/overrides.js";
import { loadScenarioWithHash } from "../../../scenarios/schema/scenario-hash.js";

const shipped = (name: string) => fileURLToPath(new URL(`../../../scenarios/${name}`, import.meta.url));

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "cofwsim-hash-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a scenario's content hash", () => {
  it("of a scenario that reads no file is sha256 of its bytes and its overrides, as baselines already record it", () => {
    const path = shipped("quickstart.yaml");
    const overrides = ["stop.hostIos=2000"];
    const expected = createHash("sha256").update(readFileSync(path)).update(JSON.stringify(overrides)).digest("hex");
    expect(loadScenarioWithHash(path, overrides).contentHash).toBe(expected);
  });

  it("covers the trace and fio job files the workloads read: a changed trace is another scenario", () => {
    const trace = join(dir, "small.trace");
    writeFileSync(trace, "1000 0 8 8 0\n2000 0 16 8 1\n");
    const jobs = join(dir, "jobs.fio");
    writeFileSync(jobs, "[w]\nrw=randwrite\nbs=4k\n");
    const scenario = join(dir, "replay.yaml");
    writeFileSync(
      scenario,
      `name: replay
seed: 1
devices:
  source: { model: fixed, capacity: 1GiB, latency: 50us, bandwidth: 500MB/s, parallelism: 4 }
  cache: { model: fixed, capacity: 256MiB, latency: 50us, bandwidth: 500MB/s, parallelism: 4 }
engine: { chunkSize: 64KiB, regionSize: 64KiB, commitPolicy: write-through }
workloads:
  - { kind: trace, name: t, path: small.trace, format: disksim }
  - { kind: fio, path: jobs.fio }
stop: { hostIos: 100 }
`,
    );
    const before = loadScenarioWithHash(scenario, []).contentHash;
    expect(loadScenarioWithHash(scenario, []).contentHash).toBe(before);
    writeFileSync(trace, "1000 0 8 8 0\n");
    const traceChanged = loadScenarioWithHash(scenario, []).contentHash;
    expect(traceChanged).not.toBe(before);
    writeFileSync(jobs, "[w]\nrw=randwrite\nbs=8k\n");
    expect(loadScenarioWithHash(scenario, []).contentHash).not.toBe(traceChanged);
    // Where the checkout is does not matter: the same files elsewhere hash the same.
    const elsewhere = mkdtempSync(join(tmpdir(), "cofwsim-hash-copy-"));
    try {
      for (const name of ["small.trace", "jobs.fio", "replay.yaml"]) copyFileSync(join(dir, name), join(elsewhere, name));
      expect(loadScenarioWithHash(join(elsewhere, "replay.yaml"), []).contentHash).toBe(loadScenarioWithHash(scenario, []).contentHash);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it("leaves out a --seed that restates the scenario's own seed (the same run), and keeps one that changes it", () => {
    const path = shipped("quickstart.yaml"); // seed: 1
    const plain = loadScenarioWithHash(path, []).contentHash;
    expect(loadScenarioWithHash(path, seedOverride("1")).contentHash).toBe(plain);
    // The seed --seed would replace is the one the --set overrides before it leave.
    expect(loadScenarioWithHash(path, ["stop.hostIos=2000", ...seedOverride("1")]).contentHash).toBe(loadScenarioWithHash(path, ["stop.hostIos=2000"]).contentHash);
    expect(loadScenarioWithHash(path, ["seed=7", ...seedOverride("1")]).contentHash).not.toBe(loadScenarioWithHash(path, ["seed=7"]).contentHash);
    // Another seed is another run, hashed as before.
    const expected = createHash("sha256").update(readFileSync(path)).update(JSON.stringify(seedOverride("2"))).digest("hex");
    expect(loadScenarioWithHash(path, seedOverride("2")).contentHash).toBe(expected);
    // A file with no seed runs with the default, 1.
    const unseeded = join(dir, "unseeded.yaml");
    writeFileSync(unseeded, readFileSync(path, "utf8").replace(/^seed: 1\n/m, "").replace("$schema: ./schema.json\n", ""));
    expect(loadScenarioWithHash(unseeded, []).scenario.seed).toBe("1");
    expect(loadScenarioWithHash(unseeded, seedOverride("1")).contentHash).toBe(loadScenarioWithHash(unseeded, []).contentHash);
  });
});
