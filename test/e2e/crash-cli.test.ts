import { describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cofwsim, withTempDir } from "./cli-rig.js";

/** crash-write-through.yaml with the device of one LU replaced, written into `dir`; returns its path. */
function writeThroughWithDevice(dir: string, lu: "source" | "cache", device: string): string {
  const path = join(dir, `${lu}-device.yaml`);
  const text = readFileSync("scenarios/crash-write-through.yaml", "utf8").replace(new RegExp(`^ {2}${lu}: .*$`, "m"), `  ${lu}: ${device}`);
  expect(text).toContain(device);
  writeFileSync(path, text);
  return path;
}

/** crash.json without its wall-clock part: what must be identical between two campaigns. */
function deterministicPart(path: string): unknown {
  const { wall, ...rest } = JSON.parse(readFileSync(path, "utf8")) as { wall: unknown };
  expect(wall).toHaveProperty("statesCheckedPerSecond");
  return rest;
}

describe("cofwsim crash", () => {
  it("samples the default crash scenario, writes crash.json and a report with a crash section, identically twice", () => {
    withTempDir((dir) => {
      const runs = ["a", "b"].map((name) => {
        const result = cofwsim("crash", "--mode", "sample", "--budget", "120", "--out", join(dir, name));
        expect(result.stderr).toBe("");
        expect(result.code).toBe(0);
        expect(result.stdout).toMatch(/crash-write-through, seed 7/);
        // What the campaign is about to do, said before it checks anything (a long one prints nothing else off a terminal).
        expect(result.stdout).toMatch(/seed 7\n(\d+) crash points recorded; sampling crash states among them\n\1 crash points, 120 states generated/);
        expect(result.stdout).toMatch(/no invariant broke/);
        return join(dir, name);
      });
      const crash = deterministicPart(join(runs[0]!, "crash.json")) as Record<string, unknown>;
      expect(crash).toEqual(deterministicPart(join(runs[1]!, "crash.json")));
      expect(crash).toMatchObject({ kind: "cofwsim-crash", mode: "sample", stoppedBy: "budget", statesGenerated: 120, findingsByInvariant: {}, findings: [], shrunkScenarios: [] });
      expect(crash.manifest).toMatchObject({ seed: "7", scenario: { name: "crash-write-through", file: "crash-write-through.yaml" } });
      const html = readFileSync(join(runs[0]!, "report.html"), "utf8");
      expect(html).toContain('<section id="crash">');
      expect(html).toContain("No invariant broke in");
      // The wall section speaks of the campaign, not of a run's host I/O.
      const wallSection = html.slice(html.indexOf('<section id="wall"'));
      expect(wallSection).toMatch(/crash states checked per wall second<\/td><td[^>]*>[1-9]\d*</);
      expect(wallSection).not.toContain("host I/Os per wall second");
      const crashWall = (JSON.parse(readFileSync(join(runs[0]!, "crash.json"), "utf8")) as { wall: Record<string, number> }).wall;
      expect(Object.keys(crashWall).sort()).toEqual(["peakRssBytes", "shrinkMs", "statesCheckedPerSecond", "wallMs"]);
    });
  });

  it("a time limit shorter than the recording still checks a state: a campaign never says no invariant broke of nothing", () => {
    withTempDir((dir) => {
      const result = cofwsim("crash", "--mode", "sample", "--time", "1ns", "--out", dir);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/, 1 unique images, 1 states checked/);
      expect(JSON.parse(readFileSync(join(dir, "crash.json"), "utf8"))).toMatchObject({ stoppedBy: "time", statesChecked: 1 });
    });
  });

  it("replays one state by its id", () => {
    const ok = cofwsim("crash", "scenarios/crash-group-commit.yaml", "--replay", "p60");
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/state p60: recovered, every invariant holds/);
  });

  it.each([
    [["--replay", "p60.x"], /crash state id "p60.x": not a crash state id/],
    [["--replay", "p60.c99999"], /cache writes 99999 are not pending at the run's crash point 60/],
    [["--mode", "everything"], /option '--mode <mode>' argument 'everything' is invalid\. expected exhaustive or sample/],
    [["--time", "60"], /a bare number is ambiguous for a time/],
    [["--time", "0s"], /option '--time <duration>' argument '0s' is invalid\. expected a time longer than 0/],
    [["--budget", "0"], /option '--budget <states>' argument '0' is invalid\. expected a whole number of at least 1/],
    [["--budget", ""], /option '--budget <states>' argument '' is invalid\. expected a whole number of at least 1/],
    [["--budget", "0x10"], /option '--budget <states>' argument '0x10' is invalid\. expected a whole number of at least 1/],
    [["--bound", "1e3"], /option '--bound <n>' argument '1e3' is invalid\. expected a whole number of at least 0/],
    [["--bound", "17"], /option '--bound <n>' argument '17' is invalid\. expected at most 16 /],
    [["--replay", "p50.s7,7"], /source write 7 is listed twice/],
    // Refused from the write's length before an image is built (it listed every sector of the range, then ran out of memory).
    [["--replay", "p57.s9.ts9:0-999999999"], /the torn range 0-999999999 of source write 9 goes past its 8 sectors \(0-7\)/],
  ])("refuses bad input %j with exit code 2", (args, message) => {
    const result = cofwsim("crash", ...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it("explores striped LUs, each member's writes kept or lost on its own, and replays a state by its member lists", () => {
    withTempDir((dir) => {
      const shipped = cofwsim("crash", "crash-striped", "--mode", "sample", "--budget", "40", "--no-shrink-workload", "--out", join(dir, "shipped"));
      expect(shipped.code, shipped.stderr).toBe(0);
      expect(shipped.stdout).toMatch(/40 states generated/);
      expect(shipped.stdout).toMatch(/no invariant broke/);
      // The Source LU on a stripe of two instant members with volatile caches: refused before stripes were modelled.
      const path = writeThroughWithDevice(dir, "source", "{ model: stripe, stripeUnit: 64KiB, members: [ { model: instant, capacity: 512KiB, writeCache: true, sectorSize: 512 }, { model: instant, capacity: 512KiB, writeCache: true, sectorSize: 512 } ] }");
      const result = cofwsim("crash", path, "--out", join(dir, "out"));
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/no invariant broke/);
      const replayed = cofwsim("crash", "crash-striped", "--replay", "p60");
      expect(replayed.code, replayed.stderr).toBe(0);
      expect(replayed.stdout).toMatch(/state p60: recovered, every invariant holds/);
      // A plain list names no disk of a striped LU: refused, saying where its writes are listed.
      const plain = cofwsim("crash", "crash-striped", "--replay", "p100.c3");
      expect(plain.code).toBe(2);
      expect(plain.stderr).toMatch(/the Cache LU's after "c0\/", "c1\/": cache writes 3 name nothing/);
    });
  });

  it("refuses a Cache LU stripe that splits metadata blocks between members, saying why", () => {
    withTempDir((dir) => {
      const path = writeThroughWithDevice(dir, "cache", "{ model: stripe, stripeUnit: 2KiB, members: [ { model: instant, capacity: 140KiB, writeCache: true, sectorSize: 512 }, { model: instant, capacity: 140KiB, writeCache: true, sectorSize: 512 } ] }");
      const result = cofwsim("crash", path, "--out", join(dir, "out"));
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/the Cache LU's stripe \(unit 2048 bytes\) splits 4096-byte metadata blocks between members, which a crash then tears outside the engine's promise/);
    });
  });

  it("explores a disk the Source and Cache LU share", () => {
    withTempDir((dir) => {
      const result = cofwsim("crash", "shared-disk", "--mode", "sample", "--budget", "5", "--no-shrink-workload", "--out", dir);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/5 states checked/);
      expect(result.stdout).toMatch(/no invariant broke/);
    });
  });

  it("explores crashes during rollbacks, scheduled or scripted, and finds nothing on the engine as it is", () => {
    withTempDir((dir) => {
      const shipped = cofwsim("crash", "crash-rollback", "--out", join(dir, "shipped"));
      expect(shipped.code, shipped.stderr).toBe(0);
      expect(shipped.stdout).toMatch(/no invariant broke/);
      // The write-through campaign with its stop made a rollback: refused before rollbacks were modelled.
      const path = join(dir, "rollback.yaml");
      const text = readFileSync("scenarios/crash-write-through.yaml", "utf8").replace("action: stop, slot: 0", "action: rollback, slot: 0");
      expect(text).toContain("action: rollback");
      writeFileSync(path, text);
      const result = cofwsim("crash", path, "--out", join(dir, "out"));
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/no invariant broke/);
    });
  });

  it("replays a crash during recovery by its two-part id", () => {
    const ok = cofwsim("crash", "scenarios/crash-dirty-region-log.yaml", "--replay", "p60/p3");
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/state p60\/p3: recovered, every invariant holds/);
    const stray = cofwsim("crash", "scenarios/crash-dirty-region-log.yaml", "--replay", "p60/p3.c99");
    expect(stray.code).toBe(2);
    expect(stray.stderr).toMatch(/cache writes 99 are not pending at the recovery's crash point 3/);
  });

  it("has help", () => {
    const result = cofwsim("crash", "--help");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/--mode <mode>/);
    expect(result.stdout).toMatch(/--replay <state-id>/);
    expect(result.stdout).toMatch(/--no-shrink-workload/);
    expect(result.stdout).toMatch(/--recovery-crashes/);
  });
});
