import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** Runs the built CLI as a user would (npm test builds dist/ first). */
const cli = fileURLToPath(new URL("../../dist/bin/cofwsim.js", import.meta.url));

function cofwsim(...args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("cofwsim command", () => {
  it("run writes results.json whose deterministic part is byte-identical across runs", () => {
    const dir = mkdtempSync(join(tmpdir(), "cofwsim-cli-"));
    try {
      const first = cofwsim("run", "--writes", "2000", "--seed", "42", "--out", join(dir, "a"));
      const second = cofwsim("run", "--writes", "2000", "--seed", "42", "--out", join(dir, "b"));
      expect(first.code, first.stderr).toBe(0);
      expect(second.code, second.stderr).toBe(0);
      expect(first.stdout).toMatch(/seed 42/);
      expect(first.stdout).toMatch(/COFW copies\s+\d+/);
      const strip = (path: string) => {
        const document = JSON.parse(readFileSync(path, "utf8")) as { wall?: unknown; manifest: { seed: string } };
        expect(document.wall).toBeDefined();
        delete document.wall;
        return JSON.stringify(document);
      };
      const a = strip(join(dir, "a", "results.json"));
      expect(a).toBe(strip(join(dir, "b", "results.json")));
      expect(JSON.parse(a).manifest.seed).toBe("42");
      const other = cofwsim("run", "--writes", "2000", "--seed", "43", "--out", join(dir, "c"));
      expect(strip(join(dir, "c", "results.json"))).not.toBe(a);
      expect(other.code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("--help works on every command and exits 0", () => {
    for (const args of [["--help"], ["run", "--help"]]) {
      const result = cofwsim(...args);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/Usage: cofwsim/);
    }
  });

  it("bad usage exits 2 with a message naming the problem", () => {
    const badWrites = cofwsim("run", "--writes", "lots");
    expect(badWrites.code).toBe(2);
    expect(badWrites.stderr).toMatch(/expected a positive integer, got "lots"/);
    const badPolicy = cofwsim("run", "--policy", "yolo");
    expect(badPolicy.code).toBe(2);
    expect(badPolicy.stderr).toMatch(/write-through, group-commit, dirty-region-log/);
    expect(cofwsim("frobnicate").code).toBe(2);
    const scenario = cofwsim("run", "some.yaml");
    expect(scenario.code).toBe(2);
    expect(scenario.stderr).toMatch(/not supported yet/);
  });
});
