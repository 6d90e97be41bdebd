import { describe, expect, it } from "vitest";
import { Kernel } from "../../../sim/kernel.js";
import { Rng } from "../../../sim/rng/streams.js";
import { RotatingDiskModel, type DiskScheduler, type RotatingDiskOptions } from "../../../sim/devices/models/rotating-disk.js";
import { Recorder, flush, read } from "./helpers.js";

const TB = 1e12;

describe("RotatingDiskModel geometry and seek curve", () => {
  const kernel = new Kernel("disk");
  const disk = new RotatingDiskModel(kernel, { capacityBytes: TB });
  const maxDistance = disk.cylinders - 1;
  const curve = disk.seekCurve;

  it("derives a 7200 rpm geometry", () => {
    expect(disk.revolutionNs).toBeCloseTo(8_333_333.33, 1);
    expect(disk.cylinders).toBe(Math.ceil(TB / (2000 * 512 * 4)));
    expect(disk.mediaTransferBytesPerSec).toBe(2000 * 512 * 120);
    expect(disk.locate(0)).toEqual({ cylinder: 0, head: 0, sectorInTrack: 0 });
    // Sector 2000 * 4 + 2000 + 7: cylinder 1, second surface, sector 7.
    expect(disk.locate((2000 * 4 + 2000 + 7) * 512)).toEqual({ cylinder: 1, head: 1, sectorInTrack: 7 });
    expect(disk.description).toMatch(/^rotating 7200rpm .*seek 800us\.\.18ms, 117 MiB\/s, fifo$/);
  });

  it("is 0 for no move, track-to-track for 1 cylinder and full stroke at the end", () => {
    expect(disk.seekTimeNs(0)).toBe(0);
    expect(disk.seekTimeNs(1)).toBe(800_000);
    expect(disk.seekTimeNs(maxDistance)).toBe(18_000_000);
    // An average (one third stroke) seek of a 7200 rpm disk is 8 to 10 ms.
    const average = disk.seekTimeNs(Math.round(maxDistance / 3));
    expect(average).toBeGreaterThan(8_000_000);
    expect(average).toBeLessThan(10_000_000);
  });

  it("grows strictly with distance", () => {
    let previous = 0;
    for (let d = 1; d <= maxDistance; d += d < 100 ? 1 : 97) {
      const ns = disk.seekTimeNs(d);
      expect(ns, `seek(${d})`).toBeGreaterThan(previous);
      previous = ns;
    }
  });

  it("follows a + b sqrt(d) below the threshold", () => {
    const sqrtPart = (d: number) => disk.seekTimeNs(d) - curve.shortBaseNs;
    for (const d of [1, 4, 25, 100, 1000]) {
      expect(d).toBeLessThan(curve.thresholdCylinders / 4);
      // Four times the distance, twice the sqrt part (up to rounding to 1 ns).
      expect(Math.abs(sqrtPart(4 * d) - 2 * sqrtPart(d))).toBeLessThanOrEqual(2);
    }
  });

  it("is linear from the threshold on, and continuous there", () => {
    const t = Math.ceil(curve.thresholdCylinders);
    const step = Math.floor((maxDistance - t) / 4);
    const rises = [0, 1, 2, 3].map((k) => disk.seekTimeNs(t + (k + 1) * step) - disk.seekTimeNs(t + k * step));
    for (const rise of rises) expect(Math.abs(rise - (rises[0] as number))).toBeLessThanOrEqual(1);
    expect(rises[0]).toBeCloseTo(curve.longNsPerCylinder * step, -1);
    // The jump across the threshold is no bigger than a one-cylinder step of either part.
    expect(Math.abs(disk.seekTimeNs(t) - disk.seekTimeNs(t - 1))).toBeLessThanOrEqual(Math.ceil(curve.longNsPerCylinder) + 1);
  });

  it("uses an explicit curve as given, jump included", () => {
    const explicit = new RotatingDiskModel(kernel, {
      capacityBytes: 1000 * 512 * 100,
      sectorsPerTrack: 100,
      heads: 1,
      seekCurve: { shortBaseNs: 1_000_000, shortNsPerSqrtCylinder: 100_000, thresholdCylinders: 100, longNsPerCylinder: 5000, longBaseNs: 3_000_000 },
    });
    expect(explicit.seekTimeNs(4)).toBe(1_200_000);
    expect(explicit.seekTimeNs(99)).toBe(Math.round(1_000_000 + 100_000 * Math.sqrt(99)));
    expect(explicit.seekTimeNs(100)).toBe(3_500_000);
    const continuous = new RotatingDiskModel(kernel, {
      capacityBytes: 1000 * 512 * 100,
      sectorsPerTrack: 100,
      heads: 1,
      seekCurve: { shortBaseNs: 1_000_000, shortNsPerSqrtCylinder: 100_000, thresholdCylinders: 100, longNsPerCylinder: 5000 },
    });
    expect(continuous.seekTimeNs(100)).toBe(2_000_000);
    expect(continuous.seekTimeNs(200)).toBe(2_500_000);
  });
});

describe("RotatingDiskModel rotation and service time", () => {
  it("keeps the rotational delay in [0, revolution) and lands on the target sector", () => {
    const kernel = new Kernel("disk");
    const disk = new RotatingDiskModel(kernel, { capacityBytes: TB });
    const rng = Rng.root(7).stream("rotation");
    let longest = 0;
    for (let i = 0; i < 10_000; i++) {
      const atNs = rng.int(0, 1e13);
      const sector = rng.int(0, disk.sectorsPerTrack - 1);
      const wait = disk.rotationalDelayNs(atNs, sector);
      expect(Number.isInteger(wait)).toBe(true);
      expect(wait).toBeGreaterThanOrEqual(0);
      expect(wait).toBeLessThan(disk.revolutionNs);
      longest = Math.max(longest, wait);
      // After the wait, the platter angle is the sector's angle (to within 1 ns of rotation).
      const turns = ((atNs + wait) % disk.revolutionNs) / disk.revolutionNs;
      const error = Math.abs(turns - sector / disk.sectorsPerTrack);
      expect(Math.min(error, 1 - error) * disk.revolutionNs).toBeLessThan(1.5);
    }
    // Over many draws the waits cover nearly a whole revolution.
    expect(longest).toBeGreaterThan(0.99 * disk.revolutionNs);
    expect(disk.rotationalDelayNs(0, 0)).toBe(0);
    expect(disk.rotationalDelayNs(0, 1000)).toBe(Math.floor(disk.revolutionNs / 2));
    expect(disk.rotationalDelayNs(Math.round(disk.revolutionNs / 4), 0)).toBe(Math.floor((3 * disk.revolutionNs) / 4));
  });

  it("completes a request after seek + rotational wait + transfer, and moves the head", () => {
    const kernel = new Kernel("disk");
    const disk = new RotatingDiskModel(kernel, { capacityBytes: TB });
    const recorder = new Recorder(kernel, disk);
    const offsetBytes = disk.cylinders * 0.5 * 4 * 2000 * 512 + 123 * 512;
    const target = disk.locate(offsetBytes);
    const seekNs = disk.seekTimeNs(target.cylinder);
    const rotationNs = disk.rotationalDelayNs(seekNs, target.sectorInTrack);
    // A full track's worth of sectors takes exactly one revolution to pass under the head.
    const transferNs = Math.ceil((2000 * 512 * 1e9) / disk.mediaTransferBytesPerSec);
    expect(transferNs).toBe(Math.ceil(disk.revolutionNs));
    recorder.submit(read(offsetBytes, 2000 * 512));
    kernel.runUntilIdle();
    expect(recorder.completedNs(0)).toBe(seekNs + rotationNs + transferNs);
    expect(rotationNs).toBeGreaterThan(0);
    // The transfer crossed into the next track of the same cylinder.
    expect(disk.headCylinder).toBe(target.cylinder);
  });

  it("lets a flush through without moving the arm", () => {
    const kernel = new Kernel("disk");
    const disk = new RotatingDiskModel(kernel, { capacityBytes: TB, flushNs: 2000 });
    const recorder = new Recorder(kernel, disk);
    recorder.submit(read(TB / 2, 4096));
    recorder.submit(flush);
    kernel.runUntilIdle();
    expect(recorder.completedNs(1)).toBe(2000);
    expect(recorder.completedNs(0)).toBeGreaterThan(2000);
  });
});

describe("RotatingDiskModel schedulers", () => {
  function runBatch(scheduler: DiskScheduler, offsets: readonly number[], extra: Partial<RotatingDiskOptions> = {}) {
    const kernel = new Kernel("disk");
    const disk = new RotatingDiskModel(kernel, { capacityBytes: TB, scheduler, ...extra });
    const recorder = new Recorder(kernel, disk);
    for (const offset of offsets) recorder.submit(read(offset, 4096));
    kernel.runUntilIdle();
    return { disk, recorder, totalNs: kernel.nowNs, cylinders: recorder.order.map((id) => disk.locate(offsets[id] as number).cylinder) };
  }

  const rng = Rng.root(42).stream("disk-workload");
  const offsets = Array.from({ length: 200 }, () => rng.int(0, TB / 4096 - 1) * 4096);

  it("serves FIFO in arrival order", () => {
    const fifo = runBatch("fifo", offsets);
    expect(fifo.recorder.order).toEqual([...Array(200).keys()]);
  });

  it("makes 200 outstanding random reads clearly faster with an elevator than with FIFO", () => {
    const fifo = runBatch("fifo", offsets);
    const look = runBatch("look", offsets);
    const scan = runBatch("scan", offsets);
    // About 13 ms a request in FIFO (8.8 ms seek + 4.2 ms rotation); short seeks in a sweep.
    expect(fifo.totalNs / 200).toBeGreaterThan(11_000_000);
    expect(look.totalNs).toBeLessThan(0.6 * fifo.totalNs);
    expect(scan.totalNs).toBeLessThan(0.6 * fifo.totalNs);
    // The first request starts alone on an idle disk; the rest are one sweep up
    // from its cylinder, then one sweep down.
    const [first, ...rest] = look.cylinders as [number, ...number[]];
    const up = rest.filter((c) => c >= first).sort((a, b) => a - b);
    const down = rest.filter((c) => c < first).sort((a, b) => b - a);
    expect(up.length).toBeGreaterThan(10);
    expect(down.length).toBeGreaterThan(10);
    expect(look.cylinders).toEqual([first, ...up, ...down]);
  });

  it("reverses at the last request with look, at the last cylinder with scan", () => {
    const kernel = new Kernel("disk");
    const probe = new RotatingDiskModel(kernel, { capacityBytes: TB });
    const bytesPerCylinder = 4 * 2000 * 512;
    const start = Math.floor(probe.cylinders / 2);
    const requestCylinders = [start + 10, start - 1000, start + 5000, start - 20, start + 300];
    const offsetsAround = requestCylinders.map((cylinder) => cylinder * bytesPerCylinder);
    const look = runBatch("look", offsetsAround, { initialCylinder: start });
    const scan = runBatch("scan", offsetsAround, { initialCylinder: start });
    const expectedOrder = [start + 10, start + 300, start + 5000, start - 20, start - 1000];
    expect(look.cylinders).toEqual(expectedOrder);
    expect(scan.cylinders).toEqual(expectedOrder);
    // SCAN pays the trip from the last request to the end of the disk and back.
    const detourNs = 2 * probe.seekTimeNs(probe.cylinders - 1 - (start + 5000));
    expect(scan.totalNs - look.totalNs).toBeGreaterThan(detourNs - 2 * probe.revolutionNs);
    expect(scan.disk.headCylinder).toBe(start - 1000);
  });

  it("serves requests on the same cylinder oldest first", () => {
    for (const scheduler of ["scan", "look"] as const) {
      const kernel = new Kernel("disk");
      const disk = new RotatingDiskModel(kernel, { capacityBytes: TB, scheduler });
      const recorder = new Recorder(kernel, disk);
      const bytesPerCylinder = 4 * 2000 * 512;
      recorder.submit(read(0, 4096)); // keeps the arm busy while the others queue
      for (const sector of [1500, 10, 900]) recorder.submit(read(777 * bytesPerCylinder + sector * 512, 512));
      kernel.runUntilIdle();
      expect(recorder.order, scheduler).toEqual([0, 1, 2, 3]);
    }
  });

  it("lets a request arriving mid-sweep join the sweep", () => {
    const kernel = new Kernel("disk");
    const disk = new RotatingDiskModel(kernel, { capacityBytes: TB, scheduler: "look" });
    const recorder = new Recorder(kernel, disk);
    const bytesPerCylinder = 4 * 2000 * 512;
    recorder.submit(read(1000 * bytesPerCylinder, 4096));
    recorder.submit(read(100_000 * bytesPerCylinder, 4096));
    // Arrives while the first is in service, on the way to the second.
    recorder.submitAt(1_000_000, read(50_000 * bytesPerCylinder, 4096));
    kernel.runUntilIdle();
    expect(recorder.order).toEqual([0, 2, 1]);
  });
});

describe("RotatingDiskModel options", () => {
  const kernel = new Kernel("disk");
  it("rejects bad options with a RangeError naming the option", () => {
    expect(() => new RotatingDiskModel(kernel, { capacityBytes: 1000 })).toThrow(/capacityBytes 1000 is not a multiple/);
    expect(() => new RotatingDiskModel(kernel, { capacityBytes: TB, rpm: 0 })).toThrow(/rpm/);
    expect(() => new RotatingDiskModel(kernel, { capacityBytes: TB, sectorsPerTrack: 100, bytesPerTrack: 51200 })).toThrow(/not both/);
    expect(() => new RotatingDiskModel(kernel, { capacityBytes: TB, bytesPerTrack: 1000 })).toThrow(/bytesPerTrack/);
    expect(() => new RotatingDiskModel(kernel, { capacityBytes: TB, cylinders: 10 })).toThrow(/cylinders/);
    expect(() => new RotatingDiskModel(kernel, { capacityBytes: TB, scheduler: "sstf" as DiskScheduler })).toThrow(/scheduler/);
    expect(() => new RotatingDiskModel(kernel, { capacityBytes: TB, fullStrokeSeekNs: 100 })).toThrow(/fullStrokeSeekNs/);
    expect(() => new RotatingDiskModel(kernel, { capacityBytes: TB, initialCylinder: 1e9 })).toThrow(/initialCylinder/);
    // Ten cylinders cannot fit 0.8 ms at one cylinder and 18 ms at nine with a continuous sqrt-then-linear curve.
    expect(() => new RotatingDiskModel(kernel, { capacityBytes: 10 * 4 * 2000 * 512 })).toThrow(/no continuous seek curve/);
    expect(
      () =>
        new RotatingDiskModel(kernel, {
          capacityBytes: TB,
          trackToTrackSeekNs: 500_000,
          seekCurve: { shortBaseNs: 0, shortNsPerSqrtCylinder: 1, thresholdCylinders: 10, longNsPerCylinder: 1 },
        }),
    ).toThrow(/not both/);
  });

  it("takes bytesPerTrack instead of sectorsPerTrack", () => {
    const disk = new RotatingDiskModel(kernel, { capacityBytes: TB, bytesPerTrack: 1_048_576, sectorSizeBytes: 4096 });
    expect(disk.sectorsPerTrack).toBe(256);
  });
});
