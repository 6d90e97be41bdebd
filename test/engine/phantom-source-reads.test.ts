import { describe, expect, it } from "vitest";
import type { Coroutine } from "../../io/coroutine.js";
import { Payload } from "../../io/payload.js";
import type { Kernel } from "../../sim/kernel.js";
import { FifoServers } from "../../sim/devices/models/fifo-servers.js";
import type { ServiceModel, ServiceRequest } from "../../sim/devices/service-model.js";
import type { CofwEngine } from "../../engine/index.js";
import { Rig, SOURCE_ORIGIN_STAMP } from "./rig.js";

const KiB = 1024;
const CHUNK_BYTES = 64 * KiB;
/** A Phantom LU read of 4 KiB from the Source LU takes this long; everything else 1 us. */
const SLOW_READ_NS = 10_000_000;
/** A 512-byte read takes this long: a second phantom read that ends before the first. */
const SHORT_READ_NS = 1_000_000;

/**
 * Reads of 4 KiB or 512 bytes are slow, everything else (a copy's 64 KiB
 * read, every write) takes 1 us, on as many servers as there are requests.
 * A device makes a write visible when it completes and a read returns what
 * is visible when it completes (see SimDevice), so a host write that did not
 * wait for a phantom read of the Source LU in flight would complete first
 * and the read would return the new data.
 */
function slowSmallReads(kernel: Kernel): ServiceModel {
  const servers = new FifoServers(kernel, Number.POSITIVE_INFINITY, (request: ServiceRequest) => {
    if (request.op !== "read") return 1_000;
    if (request.lengthBytes === 4 * KiB) return SLOW_READ_NS;
    return request.lengthBytes === 512 ? SHORT_READ_NS : 1_000;
  });
  return { description: "slow small reads", submit: (request, done) => servers.submit(request, done) };
}

/** A driver's use of hostWriteStep: the step, yielded at once. */
function* writeViaStep(engine: CofwEngine, offsetBytes: number, payload: Payload): Coroutine {
  yield engine.hostWriteStep(offsetBytes, payload);
}

type WritePath = "hostWrite" | "hostWriteStep";
const WRITE_PATHS: readonly WritePath[] = ["hostWrite", "hostWriteStep"];

function hostWriteVia(path: WritePath, engine: CofwEngine, offsetBytes: number, payload: Payload): Coroutine {
  return path === "hostWrite" ? engine.hostWrite(offsetBytes, payload) : writeViaStep(engine, offsetBytes, payload);
}

/** A formatted engine with a session in slot 0 that has no copy of chunk 0 yet. */
function rigWithSession(): { rig: Rig; engine: CofwEngine } {
  const rig = new Rig({ sourceBytes: 1024 * KiB, cacheBytes: 1024 * KiB, model: slowSmallReads });
  const engine = rig.format(CHUNK_BYTES, 4 * KiB);
  rig.run(engine.startSession(0));
  return { rig, engine };
}

/** Runs `coroutine` in the background; the returned box holds its result and completion time once it finishes. */
function spawn<T>(rig: Rig, coroutine: Coroutine<T>, name: string): { value?: T; doneAtNs?: number } {
  const box: { value?: T; doneAtNs?: number } = {};
  rig.kernel.spawn(coroutine, name, (value) => {
    box.value = value;
    box.doneAtNs = rig.kernel.nowNs;
  });
  return box;
}

describe.each(WRITE_PATHS)("a host write (%s) to a chunk a Phantom LU is reading from the Source LU", (path) => {
  it("waits for the read, which returns the session's data", () => {
    const { rig, engine } = rigWithSession();
    const startNs = rig.kernel.nowNs;
    const read = spawn(rig, engine.phantomRead(0, 0, 4 * KiB), "phantom read");
    const write = spawn(rig, hostWriteVia(path, engine, 0, Payload.stamp(50, 4 * KiB)), "host write");
    rig.kernel.runUntilIdle();
    expect(read.value?.equals(Payload.stamp(SOURCE_ORIGIN_STAMP, 4 * KiB, 0))).toBe(true);
    // The copy took microseconds; the write to the source waited for the read's 10 ms.
    expect(engine.counters.cofwCopies).toBe(1);
    expect(read.doneAtNs! - startNs).toBe(SLOW_READ_NS);
    expect(write.doneAtNs!).toBeGreaterThan(read.doneAtNs!);
    expect(rig.run(engine.hostRead(0, 4 * KiB)).equals(Payload.stamp(50, 4 * KiB))).toBe(true);
    engine.assertConsistent();
  });

  it("waits for every read of that chunk, not only the one that ends first", () => {
    const { rig, engine } = rigWithSession();
    const long = spawn(rig, engine.phantomRead(0, 0, 4 * KiB), "long phantom read");
    const short = spawn(rig, engine.phantomRead(0, 8 * KiB, 512), "short phantom read");
    const write = spawn(rig, hostWriteVia(path, engine, 0, Payload.stamp(50, 4 * KiB)), "host write");
    rig.kernel.runUntilIdle();
    expect(short.doneAtNs!).toBeLessThan(long.doneAtNs!);
    expect(write.doneAtNs!).toBeGreaterThan(long.doneAtNs!);
    expect(long.value?.equals(Payload.stamp(SOURCE_ORIGIN_STAMP, 4 * KiB, 0))).toBe(true);
    expect(short.value?.equals(Payload.stamp(SOURCE_ORIGIN_STAMP, 512, 8 * KiB))).toBe(true);
  });

  it("waits for the read again when a second write comes after the copy is made", () => {
    const { rig, engine } = rigWithSession();
    const startNs = rig.kernel.nowNs;
    const read = spawn(rig, engine.phantomRead(0, 0, 4 * KiB), "phantom read");
    spawn(rig, hostWriteVia(path, engine, 0, Payload.stamp(50, 4 * KiB)), "first host write");
    rig.kernel.runUntil(startNs + 100_000);
    // The chunk is covered now, and the first write still waits for the read.
    expect(engine.counters.cofwCopies).toBe(1);
    expect(engine.counters.hostWrites).toBe(0);
    const second = spawn(rig, hostWriteVia(path, engine, 0, Payload.stamp(51, 4 * KiB)), "second host write");
    rig.kernel.runUntilIdle();
    expect(second.doneAtNs!).toBeGreaterThan(read.doneAtNs!);
    expect(read.value?.equals(Payload.stamp(SOURCE_ORIGIN_STAMP, 4 * KiB, 0))).toBe(true);
    expect(engine.counters.cofwCopies).toBe(1);
  });

  it("does not wait for a read of another chunk", () => {
    const { rig, engine } = rigWithSession();
    const read = spawn(rig, engine.phantomRead(0, CHUNK_BYTES, 4 * KiB), "phantom read of chunk 1");
    const write = spawn(rig, hostWriteVia(path, engine, 0, Payload.stamp(50, 4 * KiB)), "host write to chunk 0");
    rig.kernel.runUntilIdle();
    expect(write.doneAtNs!).toBeLessThan(read.doneAtNs!);
  });
});
