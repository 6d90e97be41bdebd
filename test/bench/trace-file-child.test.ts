import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { MSR_SAMPLE } from "../scenarios/traces/samples.js";

const child = fileURLToPath(new URL("../../dist/bench/trace-file-child.js", import.meta.url));

describe("trace-file bench child (dist/bench/trace-file-child.js <file.csv>), run by hand", () => {
  it("reads the file as a run does and prints what it measured: every request, the file's size, a peak above the start", () => {
    const dir = mkdtempSync(join(tmpdir(), "cofwsim-trace-child-"));
    try {
      const path = join(dir, "sample.csv");
      writeFileSync(path, MSR_SAMPLE);
      const result = spawnSync(process.execPath, [child, path], { encoding: "utf8", timeout: 30_000 });
      expect(result.status, result.stderr).toBe(0);
      const measured = JSON.parse(result.stdout) as Record<string, number>;
      expect(measured).toMatchObject({ requests: 12, fileBytes: Buffer.byteLength(MSR_SAMPLE) });
      expect(measured.readMs).toBeGreaterThan(0);
      expect(measured.peakRssBytes).toBeGreaterThanOrEqual(measured.rssBeforeBytes!);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses to run without a file, with exit 2", () => {
    const result = spawnSync(process.execPath, [child], { encoding: "utf8", timeout: 30_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("usage: node dist/bench/trace-file-child.js <msr-cambridge.csv>");
  });
});
