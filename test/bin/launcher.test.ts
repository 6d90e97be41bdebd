import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HEAP_FLAGS, hasHeapFlags } from "../../bin/heap-flags.js";
import { cli, root } from "../e2e/cli-rig.js";

describe("the command line's launcher", () => {
  it("are recognised on the command line or in NODE_OPTIONS, ours or the user's", () => {
    expect(hasHeapFlags([], undefined)).toBe(false);
    expect(hasHeapFlags(["--enable-source-maps"], "--max-old-space-size=4096")).toBe(false);
    expect(hasHeapFlags([...HEAP_FLAGS], undefined)).toBe(true);
    expect(hasHeapFlags([], "--max-old-space-size=4096 --max-semi-space-size=8")).toBe(true);
  });

  it("are added by a relaunch that passes the arguments, the exit code and the output through", () => {
    const dir = mkdtempSync(join(tmpdir(), "cofwsim-heap-"));
    try {
      const script = join(dir, "probe.mjs");
      const module = JSON.stringify(join(root, "dist/bin/heap-flags.js"));
      writeFileSync(
        script,
        `import { relaunchWithHeapFlags } from ${module};\n` +
          "const status = relaunchWithHeapFlags();\n" +
          "if (status !== undefined) process.exit(status);\n" +
          "console.log(JSON.stringify({ execArgv: process.execArgv, args: process.argv.slice(2) }));\n" +
          "process.exit(3);\n",
      );
      const result = spawnSync(process.execPath, [script, "a", "b c"], { encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } });
      expect(result.status).toBe(3);
      expect(JSON.parse(result.stdout)).toEqual({ execArgv: [...HEAP_FLAGS], args: ["a", "b c"] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("leave a reader that stops early with a quiet exit 0 (no EPIPE trace)", () => {
    // `true` exits without reading, so the list is written into a closed pipe; pipefail reports cofwsim's own status.
    const result = spawnSync(`set -o pipefail; ${JSON.stringify(process.execPath)} ${JSON.stringify(cli)} list | true`, { shell: "/bin/bash", encoding: "utf8", cwd: root });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});
