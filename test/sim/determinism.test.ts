import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { runDemo } from "../../scenarios/demo.js";

/** Runs the demo and hashes every event the kernel ran (time and order key) plus the results. */
function fingerprint(seed: string): { traceHash: string; results: string; events: number } {
  const hash = createHash("sha256");
  const buffer = new Float64Array(2);
  const result = runDemo({ seed, hostWrites: 1500, policy: "group-commit" }, (kernel) => {
    kernel.onEvent = (timeNs, orderKey) => {
      buffer[0] = timeNs;
      buffer[1] = orderKey;
      hash.update(new Uint8Array(buffer.buffer));
    };
  });
  return { traceHash: hash.digest("hex"), results: JSON.stringify(result), events: result.events };
}

describe("determinism", () => {
  it("the same seed gives the same event trace and the same results", () => {
    const first = fingerprint("7");
    const second = fingerprint("7");
    expect(first.events).toBeGreaterThan(5000);
    expect(second.traceHash).toBe(first.traceHash);
    expect(second.results).toBe(first.results);
  });

  it("a different seed gives a different trace", () => {
    expect(fingerprint("8").traceHash).not.toBe(fingerprint("7").traceHash);
  });
});
