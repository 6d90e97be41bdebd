import { describe, expect, it } from "vitest";
import { Payload } from "../../io/payload.js";
import type { Kernel } from "../../sim/kernel.js";
import { FifoServers } from "../../sim/devices/models/fifo-servers.js";
import type { ServiceModel, ServiceRequest } from "../../sim/devices/service-model.js";
import type { CofwEngine } from "../../engine/index.js";
import { Rig, SOURCE_ORIGIN_STAMP, hostWriteVia } from "./rig.js";

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

/** Each test runs through both of the engine's entries for a host write. */
const WRITE_PATHS: ReadonlyArray<[string, boolean]> = [
  ["hostWrite", false],
  ["hostWriteStep", true],
];

/** A formatted engine with a session in slot 0 that has no copy of chunk 0 yet. */
function rigWithSession(): { rig: Rig; engine: CofwEngine } {
  const rig = new Rig({ sourceBytes: 1024 * KiB, cacheBytes: 1024 * KiB, model: slowSmallReads });
  const engine = rig.format(CHUNK_BYTES, 4 * KiB);
  rig.run(engine.startSession(0));
  return { rig, engine };
}

describe.each(WRITE_PATHS)("a host write (%s) to a chunk a Phantom LU is reading from the Source LU", (_entry, viaStep) => {
  it("waits for the read, which returns the session's data", () => {
    const { rig, engine } = rigWithSession();
    const startNs = rig.kernel.nowNs;
    const read = rig.start(engine.phantomRead(0, 0, 4 * KiB), "phantom read");
    const write = rig.start(hostWriteVia(engine, viaStep, 0, Payload.stamp(50, 4 * KiB)), "host write");
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
    const long = rig.start(engine.phantomRead(0, 0, 4 * KiB), "long phantom read");
    const short = rig.start(engine.phantomRead(0, 8 * KiB, 512), "short phantom read");
    const write = rig.start(hostWriteVia(engine, viaStep, 0, Payload.stamp(50, 4 * KiB)), "host write");
    rig.kernel.runUntilIdle();
    expect(short.doneAtNs!).toBeLessThan(long.doneAtNs!);
    expect(write.doneAtNs!).toBeGreaterThan(long.doneAtNs!);
    expect(long.value?.equals(Payload.stamp(SOURCE_ORIGIN_STAMP, 4 * KiB, 0))).toBe(true);
    expect(short.value?.equals(Payload.stamp(SOURCE_ORIGIN_STAMP, 512, 8 * KiB))).toBe(true);
  });

  it("waits for the read again when a second write comes after the copy is made", () => {
    const { rig, engine } = rigWithSession();
    const startNs = rig.kernel.nowNs;
    const read = rig.start(engine.phantomRead(0, 0, 4 * KiB), "phantom read");
    rig.start(hostWriteVia(engine, viaStep, 0, Payload.stamp(50, 4 * KiB)), "first host write");
    rig.kernel.runUntil(startNs + 100_000);
    // The chunk is covered now, and the first write still waits for the read.
    expect(engine.counters.cofwCopies).toBe(1);
    expect(engine.counters.hostWrites).toBe(0);
    const second = rig.start(hostWriteVia(engine, viaStep, 0, Payload.stamp(51, 4 * KiB)), "second host write");
    rig.kernel.runUntilIdle();
    expect(second.doneAtNs!).toBeGreaterThan(read.doneAtNs!);
    expect(read.value?.equals(Payload.stamp(SOURCE_ORIGIN_STAMP, 4 * KiB, 0))).toBe(true);
    expect(engine.counters.cofwCopies).toBe(1);
  });

  it("does not wait for a read of another chunk", () => {
    const { rig, engine } = rigWithSession();
    const read = rig.start(engine.phantomRead(0, CHUNK_BYTES, 4 * KiB), "phantom read of chunk 1");
    const write = rig.start(hostWriteVia(engine, viaStep, 0, Payload.stamp(50, 4 * KiB)), "host write to chunk 0");
    rig.kernel.runUntilIdle();
    expect(write.doneAtNs!).toBeLessThan(read.doneAtNs!);
  });
});
