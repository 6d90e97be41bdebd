import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const child = fileURLToPath(new URL("../../dist/bench/engine-child.js", import.meta.url));

/** Runs the compiled engine bench child by hand, as the README's comparison recipe does. */
function runChild(args: readonly string[]): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, [child, ...args], { encoding: "utf8", timeout: 30_000 });
  return { status: result.status, stderr: result.stderr };
}

describe("engine bench child (dist/bench/engine-child.js <policy> <group>)", () => {
  it("refuses an unknown figure group with exit 2, naming the groups", () => {
    const { status, stderr } = runChild(["write-through", "everything"]);
    expect(status).toBe(2);
    expect(stderr).toContain('unknown figure group "everything"; expected one of sampled, whole-run');
  });

  it("refuses a missing group and an unknown policy with exit 2", () => {
    const missing = runChild(["write-through"]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('unknown figure group ""');
    const policy = runChild(["write-back", "sampled"]);
    expect(policy.status).toBe(2);
    expect(policy.stderr).toContain('unknown policy "write-back"');
  });
});
