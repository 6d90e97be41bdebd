import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { loadScenarioFile } from "../../scenarios/schema/load.js";
import { runScenario } from "../../scenarios/runner/run-scenario.js";

const quickstart = fileURLToPath(new URL("../../scenarios/quickstart.yaml", import.meta.url));

/** Runs the quickstart (shortened) and hashes every event the kernel ran (time and order key) plus the results. */
function fingerprint(seed: string): { traceHash: string; results: string; events: number } {
  const scenario = loadScenarioFile(quickstart, { overrides: [`seed=${seed}`, "stop.hostIos=3000", "sessions[1].afterHostIos=1500"] });
  const hash = createHash("sha256");
  const buffer = new Float64Array(2);
  const { results, kernel } = runScenario(scenario, { cofwsimVersion: "test", fileName: "quickstart.yaml", contentHash: "" }, {
    observe: (k) => {
      k.onEvent = (timeNs, orderKey) => {
        buffer[0] = timeNs;
        buffer[1] = orderKey;
        hash.update(new Uint8Array(buffer.buffer));
      };
    },
  });
  return { traceHash: hash.digest("hex"), results: JSON.stringify(results), events: kernel.eventCount };
}

describe("determinism", () => {
  it("the same seed gives the same event trace and the same results", () => {
    const first = fingerprint("7");
    const second = fingerprint("7");
    expect(first.events).toBeGreaterThan(5_000);
    expect(second.traceHash).toBe(first.traceHash);
    expect(second.results).toBe(first.results);
  });

  it("a different seed gives a different trace", () => {
    expect(fingerprint("8").traceHash).not.toBe(fingerprint("7").traceHash);
  });
});
