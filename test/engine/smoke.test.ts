import { describe, expect, it } from "vitest";
import { Payload } from "../../io/payload.js";
import { Rig, SOURCE_ORIGIN_STAMP } from "./rig.js";
import { COMMIT_POLICY_NAMES } from "../../engine/index.js";

const KiB = 1024;
const MiB = 1024 * KiB;

describe.each(COMMIT_POLICY_NAMES)("engine basics (%s)", (policy) => {
  it("copies on first write, serves phantom reads, and survives a clean remount", () => {
    const rig = new Rig({ sourceBytes: 4 * MiB, cacheBytes: 2 * MiB });
    const engine = rig.format(64 * KiB, 4 * KiB, policy);
    rig.run(engine.hostWrite(0, Payload.stamp(10, 8 * KiB)));
    const slot0 = rig.run(engine.startSession(0));
    expect(slot0).toBe(1);
    rig.run(engine.hostWrite(4 * KiB, Payload.stamp(11, 8 * KiB)));
    rig.run(engine.hostWrite(4 * KiB, Payload.stamp(12, 4 * KiB)));
    expect(engine.counters.cofwCopies).toBe(1);

    const phantom = rig.run(engine.phantomRead(0, 0, 64 * KiB));
    const expected = new Payload([
      ...Payload.stamp(10, 8 * KiB).segments,
      ...Payload.stamp(SOURCE_ORIGIN_STAMP, 56 * KiB, 8 * KiB).segments,
    ]);
    expect(phantom.equals(expected)).toBe(true);
    const now = rig.run(engine.hostRead(0, 16 * KiB));
    expect(now.equals(new Payload([...Payload.stamp(10, 4 * KiB).segments, ...Payload.stamp(12, 4 * KiB).segments, ...Payload.stamp(11, 4 * KiB, 4 * KiB).segments, ...Payload.stamp(SOURCE_ORIGIN_STAMP, 4 * KiB, 12 * KiB).segments]))).toBe(true);
    engine.assertConsistent();

    rig.run(engine.unmount());
    const again = rig.mount(policy);
    again.assertConsistent();
    expect(again.sessionList()[0]).toMatchObject({ state: "active", sequence: 1 });
    expect(rig.run(again.phantomRead(0, 0, 64 * KiB)).equals(expected)).toBe(true);
    expect(again.counters.recoveryChunksReclaimed).toBe(0);
  });
});

describe("the engine's counters", () => {
  it("count host I/O, copies, session changes and device bytes as they happen, a replaced session as a start and a stop", () => {
    const rig = new Rig({ sourceBytes: 4 * MiB, cacheBytes: 2 * MiB });
    const engine = rig.format(64 * KiB, 4 * KiB);
    const names = ["hostWrites", "hostBytesWritten", "hostReads", "hostBytesRead", "phantomReads", "phantomBytesRead", "hostFlushes", "sessionsStarted", "sessionsStopped", "cofwCopies", "bytesCopied"] as const;
    const start = { ...engine.counters };
    rig.run(engine.startSession(0));
    rig.run(engine.hostWrite(0, Payload.stamp(10, 8 * KiB)));
    rig.run(engine.hostWrite(128 * KiB, Payload.stamp(11, 4 * KiB)));
    rig.run(engine.hostRead(0, 12 * KiB));
    rig.run(engine.phantomRead(0, 0, 2 * KiB));
    rig.run(engine.hostFlush());
    rig.run(engine.startSession(0));
    rig.run(engine.startSession(1));
    rig.run(engine.stopSession(1));
    const moved = (name: keyof typeof start) => engine.counters[name] - start[name];
    expect(Object.fromEntries(names.map((name) => [name, moved(name)]))).toEqual({
      hostWrites: 2,
      hostBytesWritten: 12 * KiB,
      hostReads: 1,
      hostBytesRead: 12 * KiB,
      phantomReads: 1,
      phantomBytesRead: 2 * KiB,
      hostFlushes: 1,
      sessionsStarted: 3,
      sessionsStopped: 2,
      cofwCopies: 2,
      bytesCopied: 128 * KiB,
    });
    // Every byte moved to or from the devices is counted: reads are the host's, the phantom's (from the copy) and the
    // copies' source chunks; writes are the host's, the copies' and the metadata's, each metadata write a block or more.
    expect(moved("deviceBytesRead")).toBe(moved("hostBytesRead") + moved("phantomBytesRead") + moved("bytesCopied"));
    expect(moved("deviceBytesWritten")).toBe(moved("hostBytesWritten") + moved("bytesCopied") + moved("metadataBytesWritten"));
    expect(moved("metadataWrites")).toBeGreaterThan(0);
    expect(moved("metadataBytesWritten")).toBeGreaterThanOrEqual(512 * moved("metadataWrites"));
  });
});

describe("assertConsistent", () => {
  /** An engine with copies for two live sessions, and its chunk table reached through the private field (tests only). */
  const engineWithCopies = () => {
    const rig = new Rig({ sourceBytes: 4 * MiB, cacheBytes: 2 * MiB });
    const engine = rig.format(64 * KiB, 4 * KiB, "write-through");
    rig.run(engine.startSession(0));
    rig.run(engine.startSession(1));
    rig.run(engine.hostWrite(0, Payload.stamp(10, 4 * KiB)));
    rig.run(engine.hostWrite(64 * KiB, Payload.stamp(11, 4 * KiB)));
    engine.assertConsistent();
    const chunks = (engine as unknown as { chunks: { state: Uint8Array; sourceChunk: Float64Array; mask: Uint8Array; inUse: number } }).chunks;
    return { engine, chunks };
  };

  it("catches a map entry naming a chunk that is not live", () => {
    const { engine, chunks } = engineWithCopies();
    chunks.state[1] = 1;
    expect(() => engine.assertConsistent()).toThrow("map entry (1, slot 0) names chunk 1 in state 1");
  });

  it("catches a chunk that copies another source chunk than the map says", () => {
    const { engine, chunks } = engineWithCopies();
    chunks.sourceChunk[0] = 5;
    expect(() => engine.assertConsistent()).toThrow("chunk 0 copies source chunk 5, map says 0");
  });

  it("catches a mask that lacks a slot mapping to the chunk", () => {
    const { engine, chunks } = engineWithCopies();
    chunks.mask[1] = 0b01;
    expect(() => engine.assertConsistent()).toThrow("chunk 1 mask 1 lacks slot 1 that maps to it");
  });

  it("catches one chunk referenced by two source chunks", () => {
    const { engine } = engineWithCopies();
    const map = (engine as unknown as { map: { set(sourceChunk: number, slot: number, sequence: number, copy: number): void } }).map;
    map.set(1, 0, 1, 0);
    expect(() => engine.assertConsistent()).toThrow("COFW chunk 0 referenced by source chunks 0 and 1");
  });

  it("catches a live chunk no entry references, and a wrong in-use count", () => {
    const { engine, chunks } = engineWithCopies();
    chunks.state[2] = 3;
    chunks.mask[2] = 0b01;
    chunks.sourceChunk[2] = 7;
    expect(() => engine.assertConsistent()).toThrow("live chunk 2 is referenced by no map entry");
    chunks.state[2] = 0;
    chunks.inUse++;
    expect(() => engine.assertConsistent()).toThrow("chunk table counts 3 in use, found 2");
  });

  it("reports the broken entry of the lowest source chunk first, whatever order the map was filled in", () => {
    const rig = new Rig({ sourceBytes: 4 * MiB, cacheBytes: 2 * MiB });
    const engine = rig.format(64 * KiB, 4 * KiB, "write-through");
    rig.run(engine.startSession(0));
    // 15 entries per map group (512-byte blocks): source chunk 40's group is made first, with copy 0; chunk 0's gets copy 1.
    rig.run(engine.hostWrite(40 * 64 * KiB, Payload.stamp(10, 4 * KiB)));
    rig.run(engine.hostWrite(0, Payload.stamp(11, 4 * KiB)));
    engine.assertConsistent();
    const chunks = (engine as unknown as { chunks: { sourceChunk: Float64Array } }).chunks;
    chunks.sourceChunk[0] = 7;
    chunks.sourceChunk[1] = 9;
    expect(() => engine.assertConsistent()).toThrow("chunk 1 copies source chunk 9, map says 0");
  });

  it("checks an entry whose one copy serves every slot as closely as any other", () => {
    const rig = new Rig({ sourceBytes: 4 * MiB, cacheBytes: 2 * MiB });
    const engine = rig.format(64 * KiB, 4 * KiB, "write-through");
    for (let slot = 0; slot < 8; slot++) rig.run(engine.startSession(slot));
    rig.run(engine.hostWrite(0, Payload.stamp(10, 4 * KiB)));
    // Slot 3's session replaced: its word in source chunk 0's entry is stale, and copy 0 no longer serves slot 3.
    rig.run(engine.startSession(3));
    // Copy 1 serves all 8 live sessions.
    rig.run(engine.hostWrite(64 * KiB, Payload.stamp(11, 4 * KiB)));
    engine.assertConsistent();
    const chunks = (engine as unknown as { chunks: { state: Uint8Array; mask: Uint8Array } }).chunks;
    chunks.mask[1] = 0b1101_1111;
    expect(() => engine.assertConsistent()).toThrow("chunk 1 mask 223 lacks slot 5 that maps to it");
    chunks.mask[1] = 0b1111_1111;
    chunks.state[1] = 2;
    expect(() => engine.assertConsistent()).toThrow("map entry (1, slot 0) names chunk 1 in state 2");
  });

  it("catches a live chunk whose mask names a slot with no live session", () => {
    const { engine, chunks } = engineWithCopies();
    chunks.mask[0] = 0b111;
    expect(() => engine.assertConsistent()).toThrow("chunk 0 mask 7 names a slot with no live session");
  });
});
