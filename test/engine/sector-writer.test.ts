import { describe, expect, it } from "vitest";
import { FixedBandwidthModel } from "../../sim/devices/models/fixed-bandwidth.js";
import { DeviceError } from "../../io/block-device.js";
import { sleep, type Coroutine } from "../../io/coroutine.js";
import { Latch } from "../../io/latch.js";
import { DeviceIo } from "../../engine/device-io.js";
import { SectorWriter } from "../../engine/sector-writer.js";
import { zeroCounters } from "../../engine/counters.js";
import { Rig } from "./rig.js";

const SECTOR_BYTES = 512;

/** A SectorWriter over a 64-sector device whose writes take 101 ns each (latency and a nanosecond of transfer); the encoder writes a version number into the sector. */
function setup() {
  const rig = new Rig({
    seed: "sector-writer",
    sourceBytes: 64 * SECTOR_BYTES,
    cacheBytes: 64 * SECTOR_BYTES,
    model: (kernel) => new FixedBandwidthModel(kernel, { bandwidthBytesPerSec: 1e15, latencyNs: 100, parallelism: 8 }),
  });
  const { kernel, cache: device } = rig;
  const counters = zeroCounters();
  const io = new DeviceIo(device, device, counters, SECTOR_BYTES);
  /** Per sector, the version memory holds now; each encode writes it into the sector's first byte. */
  const versions = new Map<number, number>();
  const encoded: Array<[number, number, number]> = [];
  const writer = new SectorWriter(io, (sector, into) => {
    into.fill(0);
    into[0] = versions.get(sector) ?? 0;
    encoded.push([kernel.nowNs, sector, into[0]]);
    return into;
  });
  const onDisk = (sector: number) => device.contents().read(sector * SECTOR_BYTES, SECTOR_BYTES).toBytes()[0];
  return { kernel, writer, versions, encoded, counters, onDisk };
}

describe("SectorWriter", () => {
  it("keeps one write per sector in flight, serves the requests made meanwhile with one more write, and answers the first requester when the run ends", () => {
    const { kernel, writer, versions, encoded, counters, onDisk } = setup();
    const answered: Array<[number, string]> = [];
    const requester = (name: string, atNs: number, version: number): Coroutine =>
      (function* () {
        if (atNs > 0) yield* sleep(atNs);
        versions.set(5, version);
        yield* writer.write(5, false);
        answered.push([kernel.nowNs, name]);
        // Whatever a requester changed is on disk when it is answered.
        expect(onDisk(5)).toBeGreaterThanOrEqual(version);
      })();
    kernel.spawn(requester("first", 0, 1), "first");
    kernel.spawn(requester("second", 10, 2), "second");
    kernel.spawn(requester("third", 20, 3), "third");
    kernel.runUntilIdle();
    // Two writes, not three: the second and third share the write that began when the first completed.
    expect(encoded).toEqual([
      [0, 5, 1],
      [101, 5, 3],
    ]);
    expect(counters.metadataWrites).toBe(2);
    // All on the stack of the second write's completion: those it served, then the first requester as the run ends.
    expect(answered).toEqual([
      [202, "second"],
      [202, "third"],
      [202, "first"],
    ]);
    expect(onDisk(5)).toBe(3);
  });

  it("writes different sectors at once", () => {
    const { kernel, writer, versions, encoded } = setup();
    const latch = new Latch(3);
    let doneAt = -1;
    kernel.spawn(
      (function* (): Coroutine {
        for (const sector of [1, 2, 3]) {
          versions.set(sector, sector * 10);
          writer.request(sector, true, latch);
        }
        yield latch;
        doneAt = kernel.nowNs;
      })(),
      "three",
    );
    kernel.runUntilIdle();
    expect(encoded.map(([atNs]) => atNs)).toEqual([0, 0, 0]);
    expect(doneAt).toBe(101);
  });

  it("starts each run afresh when it reuses an ended run's buffer: every request is answered once, with its own sector on disk", () => {
    const { kernel, writer, versions, encoded, onDisk } = setup();
    const answered: string[] = [];
    const requester = (name: string, sector: number, atNs: number, version: number): Coroutine =>
      (function* () {
        if (atNs > 0) yield* sleep(atNs);
        versions.set(sector, version);
        yield* writer.write(sector, false);
        answered.push(`${name}@${kernel.nowNs}`);
      })();
    // A run of sector 5 with a second round (ends at 202), then runs of sectors 9 and 5 again, each on an ended run's
    // buffer; the last with a round of its own.
    kernel.spawn(requester("a", 5, 0, 1), "a");
    kernel.spawn(requester("b", 5, 10, 2), "b");
    kernel.spawn(requester("c", 9, 300, 7), "c");
    kernel.spawn(requester("d", 5, 600, 3), "d");
    kernel.spawn(requester("e", 5, 650, 4), "e");
    kernel.runUntilIdle();
    expect(answered).toEqual(["b@202", "a@202", "c@401", "e@802", "d@802"]);
    expect(encoded).toEqual([
      [0, 5, 1],
      [101, 5, 2],
      [300, 9, 7],
      [600, 5, 3],
      [701, 5, 4],
    ]);
    expect([onDisk(5), onDisk(9)]).toEqual([4, 7]);
  });

  it("fails every request of a run whose write fails, and a later request starts a new run instead of waiting forever", () => {
    const { kernel, writer } = setup();
    const outcomes: string[] = [];
    const requester = (name: string, sector: number, atNs: number): Coroutine =>
      (function* () {
        if (atNs > 0) yield* sleep(atNs);
        try {
          yield* writer.write(sector, false);
          outcomes.push(`${name} ok`);
        } catch (error) {
          outcomes.push(`${name} ${error instanceof DeviceError ? "DeviceError" : String(error)}`);
        }
      })();
    // Sector 64 is past the 64-sector device: the device refuses the write.
    kernel.spawn(requester("first", 64, 0), "first");
    kernel.spawn(requester("waiting", 64, 0), "waiting");
    kernel.spawn(requester("later", 64, 50), "later");
    kernel.spawn(requester("other sector", 7, 0), "other");
    kernel.runUntilIdle();
    expect(outcomes.sort()).toEqual(["first DeviceError", "later DeviceError", "other sector ok", "waiting DeviceError"]);
  });
});
