import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { replayCommands, shellQuote } from "../../bin/commands/crash-replay.js";
import { BROKEN_ENGINES } from "./broken-engines.js";
import { exhaustive, shippedScenario } from "./campaign-rig.js";

/** Runs `body` with the working directory set to `dir`, then restores it. */
function inDirectory<T>(dir: string, body: () => T): T {
  const before = process.cwd();
  process.chdir(dir);
  try {
    return body();
  } finally {
    process.chdir(before);
  }
}

describe("replay commands", () => {
  it("make the same campaign's results byte-identical whatever the working directory", () => {
    const broken = BROKEN_ENGINES[0]!;
    const { scenario } = shippedScenario(broken.scenario);
    const parts = broken.parts(scenario.engine.commitPolicy);
    const elsewhere = mkdtempSync(join(tmpdir(), "cofwsim-replay-"));
    try {
      const results = [process.cwd(), elsewhere].map((dir) =>
        inDirectory(dir, () => {
          // The scenario as typed, the default scenario (not typed), and a shrunk file in the output directory.
          const typed = replayCommands("./scenarios/crash-write-through.yaml", scenario.seed, ["engine.chunkSize=16KiB"]);
          const fallback = replayCommands(undefined, scenario.seed, []);
          const { summary } = exhaustive(broken.scenario, { parts, shrinkFindings: false, replayCommand: typed.state });
          const { wall, ...deterministic } = summary;
          expect(wall).toBeDefined();
          return JSON.stringify({ deterministic, fallback: fallback.state("p1"), shrunk: typed.shrunk("shrunk-invariant-1.yaml", "p2") });
        }),
      );
      expect(results[1]).toBe(results[0]);
      const { deterministic, fallback, shrunk } = JSON.parse(results[0]!) as { deterministic: { findings: Array<{ id: string; replay: string }> }; fallback: string; shrunk: string };
      const finding = deterministic.findings[0]!;
      expect(finding.replay).toBe(`cofwsim crash scenarios/crash-write-through.yaml --seed 7 --set engine.chunkSize=16KiB --replay ${finding.id}`);
      expect(fallback).toBe("cofwsim crash --seed 7 --replay p1");
      expect(shrunk).toBe("cofwsim crash shrunk-invariant-1.yaml --seed 7 --replay p2");
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});

describe("replay commands are shell-quoted", () => {
  /** The arguments a POSIX shell makes of a command line (after its first word). */
  const shellWords = (line: string): string[] => {
    const result = spawnSync("sh", ["-c", `printf '%s\\0' ${line.slice(line.indexOf(" ") + 1)}`], { encoding: "utf8" });
    expect(result.status, result.stderr).toBe(0);
    return result.stdout.split("\0").slice(0, -1);
  };

  it("quotes an argument only where needed, with ' escaped", () => {
    expect(shellQuote("scenarios/crash-write-through.yaml")).toBe("scenarios/crash-write-through.yaml");
    expect(shellQuote("engine.commitPolicy=group-commit")).toBe("engine.commitPolicy=group-commit");
    expect(shellQuote("my dir/a.yaml")).toBe("'my dir/a.yaml'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote("")).toBe("''");
  });

  it("a path with a space, a seed with a space and a --set value with a quote come back from the shell as given", () => {
    const commands = replayCommands("my dir/late ack.yaml", "seed 7", ["name=it's $HOME"]);
    expect(shellWords(commands.state("p5.s1,2"))).toEqual(["crash", "my dir/late ack.yaml", "--seed", "seed 7", "--set", "name=it's $HOME", "--replay", "p5.s1,2"]);
    expect(commands.state("p5")).toBe("cofwsim crash 'my dir/late ack.yaml' --seed 'seed 7' --set 'name=it'\\''s $HOME' --replay p5");
  });
});
