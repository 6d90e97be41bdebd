import { describe, expect, it } from "vitest";
import type { Scenario } from "../../../scenarios/model.js";
import type { HostEventSink } from "../../../scenarios/runner/host-events.js";
import { runScenario } from "../../../scenarios/runner/run-scenario.js";
import { loadScenarioText } from "../../../scenarios/schema/load.js";

const meta = { cofwsimVersion: "test", fileName: "script.yaml", contentHash: "" };

function scriptScenario(iodepth: number, ops: readonly string[]): Scenario {
  const text = [
    "name: script",
    "seed: 3",
    "devices:",
    "  source: { model: exponential, capacity: 1MiB, meanService: 20us, parallelism: 4, queueDepth: 8, writeCache: true }",
    "  cache: { model: exponential, capacity: 512KiB, meanService: 20us, parallelism: 4, queueDepth: 8, writeCache: true }",
    "engine: { chunkSize: 16KiB, regionSize: 4KiB }",
    "workloads:",
    `  - { kind: script, iodepth: ${iodepth}, ops: [${ops.map((op) => JSON.stringify(op)).join(", ")}] }`,
  ].join("\n");
  return loadScenarioText(text, { fileName: "script.yaml", baseDirectory: "/" });
}

/** Every submission and acknowledgement, in the order they happened. */
function transcript(scenario: Scenario): string[] {
  const lines: string[] = [];
  let id = 0;
  const sink: HostEventSink = {
    formatted: () => lines.push("formatted"),
    writeSubmitted: (offsetBytes, lengthBytes) => (lines.push(`write ${offsetBytes} ${lengthBytes}`), id++),
    writeAcked: (n) => lines.push(`ack ${n}`),
    flushSubmitted: () => (lines.push("flush"), id++),
    flushAcked: (n) => lines.push(`ack ${n}`),
    sessionSubmitted: (action, slot) => (lines.push(`${action} ${slot}`), id++),
    sessionAcked: (n) => lines.push(`ack ${n}`),
  };
  runScenario(scenario, meta, { hostEvents: sink });
  return lines;
}

const OPS = ["write 256KiB 4KiB", "start 0", "write 256KiB 4KiB", "write 300KiB 8KiB", "flush", "stop 0", "read 0 4KiB"];

describe("script workloads", () => {
  it("at iodepth 1 run each operation after the one before completes, in the order written", () => {
    expect(transcript(scriptScenario(1, OPS))).toEqual(["formatted", "write 262144 4096", "ack 0", "start 0", "ack 1", "write 262144 4096", "ack 2", "write 307200 8192", "ack 3", "flush", "ack 4", "stop 0", "ack 5"]);
  });

  it("at iodepth 3 start operations in the order written, up to three in flight", () => {
    const lines = transcript(scriptScenario(3, OPS)).filter((line) => line !== "formatted");
    const submissions = lines.filter((line) => !line.startsWith("ack"));
    expect(submissions).toEqual(["write 262144 4096", "start 0", "write 262144 4096", "write 307200 8192", "flush", "stop 0"]);
    // The first three are all submitted before anything is acknowledged; never more than three outstanding.
    expect(lines.slice(0, 3)).toEqual(["write 262144 4096", "start 0", "write 262144 4096"]);
    let outstanding = 0;
    for (const line of lines) {
      outstanding += line.startsWith("ack") ? -1 : 1;
      expect(outstanding).toBeLessThanOrEqual(3);
    }
  });

  it("count reads and writes as host I/Os, flushes and session operations not; the run ends with the script", () => {
    const { results } = runScenario(scriptScenario(2, OPS), meta);
    expect(results.engine.hostWrites).toBe(3);
    expect(results.engine.hostReads).toBe(1);
    expect(results.engine.hostFlushes).toBe(1);
    // After the start: 256KiB is chunk 16; 300KiB + 8KiB spans chunks 18 and 19 (16 KiB chunks).
    expect(results.engine.cofwCopies).toBe(3);
    expect(results.sessions.map((s) => `${s.action} ${s.slot}`)).toEqual(["start 0", "stop 0"]);
  });

  it("stop at stop.hostIos even in the middle of a script", () => {
    const scenario = { ...scriptScenario(1, OPS), stop: { hostIos: 2 } };
    expect(transcript(scenario).filter((line) => line.startsWith("write"))).toEqual(["write 262144 4096", "write 262144 4096"]);
  });

  it("report a failed session operation as a problem and go on", () => {
    const { results } = runScenario(scriptScenario(1, ["stop 3", "write 0 4KiB"]), meta);
    expect(results.engine.hostWrites).toBe(1);
    expect(results.problems.join("\n")).toMatch(/session stop of slot 3/);
  });
});

