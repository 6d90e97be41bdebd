import { describe, expect, it } from "vitest";
import type { Coroutine, Step } from "../../io/coroutine.js";
import { Payload } from "../../io/payload.js";
import { FixedBandwidthModel } from "../../sim/devices/models/fixed-bandwidth.js";
import type { CofwEngine } from "../../engine/index.js";
import { Rig } from "./rig.js";

const KiB = 1024;
const CHUNK_BYTES = 64 * KiB;

/** Devices with 100 us per request, a write log on each, and one live session whose chunk 0 has its copy. */
function rigWithCoveredChunk(): { rig: Rig; engine: CofwEngine } {
  const rig = new Rig({
    sourceBytes: 1024 * KiB,
    cacheBytes: 1024 * KiB,
    recordLog: true,
    model: (kernel) => new FixedBandwidthModel(kernel, { latencyNs: 100_000, bandwidthBytesPerSec: 1e12, parallelism: 64 }),
  });
  const engine = rig.format(CHUNK_BYTES, 4 * KiB);
  rig.run(engine.startSession(0));
  rig.run(engine.hostWrite(0, Payload.stamp(10, 4 * KiB)));
  return { rig, engine };
}

/** A driver's use of hostWriteStep: the step, yielded at once; `kinds` gets the kind of step it was. */
function* writeViaStep(engine: CofwEngine, offsetBytes: number, payload: Payload, kinds: Array<Step["kind"]>): Coroutine {
  const step = engine.hostWriteStep(offsetBytes, payload);
  kinds.push(step.kind);
  yield step;
}

describe("hostWriteStep", () => {
  it("gives a covered rewrite as its own I/O step, which writes the source and is counted when it completes", () => {
    const { rig, engine } = rigWithCoveredChunk();
    const kinds: Array<Step["kind"]> = [];
    const before = { ...engine.counters };
    const startNs = rig.kernel.nowNs;
    rig.kernel.spawn(writeViaStep(engine, 16 * KiB, Payload.stamp(12, 4 * KiB), kinds), "writer");
    rig.kernel.runUntil(startNs + 50_000);
    // In flight: counted as device bytes at once, as a host write only once it completes (as hostWrite does).
    expect(kinds).toEqual(["io"]);
    expect(engine.counters.hostWrites).toBe(before.hostWrites);
    expect(engine.counters.deviceBytesWritten).toBe(before.deviceBytesWritten + 4 * KiB);
    rig.kernel.runUntilIdle();
    expect(rig.kernel.nowNs - startNs).toBe(100_005);
    expect(engine.counters.hostWrites).toBe(before.hostWrites + 1);
    expect(engine.counters.hostBytesWritten).toBe(before.hostBytesWritten + 4 * KiB);
    expect(engine.counters.cofwCopies).toBe(before.cofwCopies);
    expect(rig.run(engine.hostRead(16 * KiB, 4 * KiB)).equals(Payload.stamp(12, 4 * KiB))).toBe(true);
    // The session still reads the chunk as it was when it started.
    expect(rig.run(engine.phantomRead(0, 16 * KiB, 4 * KiB)).equals(Payload.stamp(1, 4 * KiB, 16 * KiB))).toBe(true);
    engine.assertConsistent();
  });

  it("gives hostWrite's coroutine, as a call, to a write that needs a copy, spans two chunks or meets a phantom read of the source", () => {
    const { rig, engine } = rigWithCoveredChunk();
    const kinds: Array<Step["kind"]> = [];
    rig.run(writeViaStep(engine, CHUNK_BYTES, Payload.stamp(20, 4 * KiB), kinds));
    expect(engine.counters.cofwCopies).toBe(2);
    rig.run(writeViaStep(engine, CHUNK_BYTES - 4 * KiB, Payload.stamp(21, 8 * KiB), kinds));
    expect(kinds).toEqual(["call", "call"]);
    // A phantom read of a chunk without a copy reads the source; while it is in flight, no write goes straight.
    let phantom: Payload | undefined;
    rig.kernel.spawn(
      (function* (): Coroutine {
        phantom = yield* engine.phantomRead(0, 2 * CHUNK_BYTES, 4 * KiB);
      })(),
      "phantom",
    );
    rig.kernel.spawn(writeViaStep(engine, 32 * KiB, Payload.stamp(22, 4 * KiB), kinds), "writer");
    rig.kernel.runUntilIdle();
    expect(kinds).toEqual(["call", "call", "call"]);
    expect(phantom?.equals(Payload.stamp(1, 4 * KiB, 2 * CHUNK_BYTES))).toBe(true);
    expect(engine.counters.hostWrites).toBe(4);
    expect(rig.run(engine.hostRead(32 * KiB, 4 * KiB)).equals(Payload.stamp(22, 4 * KiB))).toBe(true);
    engine.assertConsistent();
  });

  it("holds the gate until the write completes: a session started meanwhile flushes the source only after it", () => {
    const { rig, engine } = rigWithCoveredChunk();
    const kinds: Array<Step["kind"]> = [];
    const logBefore = rig.source.logEntries().length;
    rig.kernel.spawn(writeViaStep(engine, 16 * KiB, Payload.stamp(30, 4 * KiB), kinds), "writer");
    rig.kernel.spawn(engine.startSession(1), "start");
    rig.kernel.runUntilIdle();
    expect(kinds).toEqual(["io"]);
    const entries = rig.source.logEntries().slice(logBefore).map((entry) => entry.kind);
    // The write, then the session start's flush barrier: the write is in the new session's point in time.
    expect(entries).toEqual(["write-submitted", "write-completed", "flush-submitted", "flush-completed"]);
    expect(rig.run(engine.phantomRead(1, 16 * KiB, 4 * KiB)).equals(Payload.stamp(30, 4 * KiB))).toBe(true);
    expect(rig.run(engine.phantomRead(0, 16 * KiB, 4 * KiB)).equals(Payload.stamp(1, 4 * KiB, 16 * KiB))).toBe(true);
    engine.assertConsistent();
  });

  it("refuses a bad range as hostWrite does, before anything is in flight", () => {
    const { rig, engine } = rigWithCoveredChunk();
    expect(() => engine.hostWriteStep(100, Payload.stamp(40, 4 * KiB))).toThrow(/not aligned to the 512-byte sector/);
    expect(() => engine.hostWriteStep(1024 * KiB, Payload.stamp(41, 4 * KiB))).toThrow(/ends past the Source LU/);
    // Nothing holds the gate: a session still starts.
    rig.run(engine.startSession(2));
    expect(engine.sessionList()[2]?.state).toBe("active");
  });
});
