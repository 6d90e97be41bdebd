import { describe, expect, it } from "vitest";
import type { Coroutine } from "../../io/coroutine.js";
import { Payload } from "../../io/payload.js";
import { EngineUsageError, type CofwEngine } from "../../engine/index.js";
import { Rig, hostWriteVia, thrownBy } from "./rig.js";

const KiB = 1024;
const SOURCE_BYTES = 1024 * KiB;

/** A formatted engine with a session in slot 0 and one host write copied for it. */
function rigWithSession(): { rig: Rig; engine: CofwEngine } {
  const rig = new Rig({ sourceBytes: SOURCE_BYTES, cacheBytes: 1024 * KiB });
  const engine = rig.format(64 * KiB, 4 * KiB);
  rig.run(engine.startSession(0));
  rig.run(engine.hostWrite(0, Payload.stamp(10, 4 * KiB)));
  return { rig, engine };
}

/** Runs the call; it must fail with EngineUsageError matching `message` and change no counter. */
function expectRefused(rig: Rig, engine: CofwEngine, call: () => Coroutine<unknown>, message: RegExp): void {
  const before = { ...engine.counters };
  const error = thrownBy(rig, () => rig.run(call()));
  expect(error).toBeInstanceOf(EngineUsageError);
  expect((error as Error).message).toMatch(message);
  expect({ ...engine.counters }).toEqual(before);
}

/** The engine's four ways of host I/O against the Source LU (name, what its errors call it, the call as a coroutine for rig.run). */
const HOST_IO: ReadonlyArray<[string, string, (engine: CofwEngine, offsetBytes: number, lengthBytes: number) => Coroutine<unknown>]> = [
  ["hostWrite", "host write", (engine, offsetBytes, lengthBytes) => hostWriteVia(engine, false, offsetBytes, Payload.stamp(20, lengthBytes))],
  ["hostWriteStep", "host write", (engine, offsetBytes, lengthBytes) => hostWriteVia(engine, true, offsetBytes, Payload.stamp(20, lengthBytes))],
  ["hostRead", "host read", (engine, offsetBytes, lengthBytes) => engine.hostRead(offsetBytes, lengthBytes)],
  ["phantomRead", "phantom read", (engine, offsetBytes, lengthBytes) => engine.phantomRead(0, offsetBytes, lengthBytes)],
];

describe.each(HOST_IO)("%s", (_name, what, io) => {
  it.each<[string, number, number, RegExp]>([
    ["a negative offset", -512, 512, /must be non-negative integers/],
    ["an offset that is not an integer", 0.5, 512, /must be non-negative integers/],
    ["a length of 0", 0, 0, /length > 0/],
    ["an offset past 2^53", 2 ** 53, 512, /must be non-negative integers/],
    ["an offset off the sector", 100, 512, /is not aligned to the 512-byte sector/],
    ["a length off the sector", 0, 700, /is not aligned to the 512-byte sector/],
    ["a range past the Source LU", SOURCE_BYTES - 512, 1024, /ends past the Source LU's 1048576 bytes/],
  ])("with %s is refused, naming what it was", (_case, offsetBytes, lengthBytes, message) => {
    const { rig, engine } = rigWithSession();
    expectRefused(rig, engine, () => io(engine, offsetBytes, lengthBytes), new RegExp(`^${what} of ${lengthBytes} bytes at ${offsetBytes}.*${message.source}`));
  });

  it("ending exactly at the end of the Source LU is done", () => {
    const { rig, engine } = rigWithSession();
    expect(() => rig.run(io(engine, SOURCE_BYTES - 4 * KiB, 4 * KiB))).not.toThrow();
  });

  it("after the engine was unmounted is refused", () => {
    const { rig, engine } = rigWithSession();
    rig.run(engine.unmount());
    expectRefused(rig, engine, () => io(engine, 0, 512), /the engine was unmounted; mount the Cache LU again/);
  });
});

describe("session operations", () => {
  const SESSION_OPS: ReadonlyArray<[string, (engine: CofwEngine, slot: number) => Coroutine<unknown>]> = [
    ["startSession", (engine, slot) => engine.startSession(slot)],
    ["stopSession", (engine, slot) => engine.stopSession(slot)],
    ["rollback", (engine, slot) => engine.rollback(slot)],
    ["phantomRead", (engine, slot) => engine.phantomRead(slot, 0, 512)],
  ];

  it.each(SESSION_OPS.flatMap(([name, op]) => [-1, 8, 1.5].map((slot) => [name, op, slot] as const)))("%s of slot %d is refused: slots are 0 to 7", (_name, op, slot) => {
    const { rig, engine } = rigWithSession();
    expectRefused(rig, engine, () => op(engine, slot), new RegExp(`^session slot must be an integer from 0 to 7, got ${slot}$`));
  });

  it.each<[string, (engine: CofwEngine) => Coroutine<unknown>, RegExp]>([
    ["stopSession", (engine) => engine.stopSession(3), /^cannot stop slot 3: no live session in it$/],
    ["rollback", (engine) => engine.rollback(3), /^cannot roll back to slot 3: no live session in it$/],
    ["phantomRead", (engine) => engine.phantomRead(3, 0, 512), /^phantom read of slot 3: no live session in it$/],
  ])("%s of a slot with no live session is refused", (_name, op, message) => {
    const { rig, engine } = rigWithSession();
    expectRefused(rig, engine, () => op(engine), message);
    // The refusal left the engine usable: the gate was left, the live session still reads its data.
    expect(rig.run(engine.phantomRead(0, 0, 4 * KiB)).equals(Payload.stamp(1, 4 * KiB, 0))).toBe(true);
    engine.assertConsistent();
  });

  it("startSession after the engine was unmounted is refused", () => {
    const { rig, engine } = rigWithSession();
    rig.run(engine.unmount());
    expectRefused(rig, engine, () => engine.startSession(1), /the engine was unmounted/);
  });
});
