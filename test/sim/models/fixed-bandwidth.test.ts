import { describe, expect, it } from "vitest";
import { Kernel } from "../../../sim/kernel.js";
import { FixedBandwidthModel } from "../../../sim/devices/models/fixed-bandwidth.js";
import { transferTimeNs } from "../../../sim/devices/models/options.js";
import { Recorder, flush, read, write } from "./helpers.js";
import { BadValueError } from "../../../io/bad-value-error.js";

describe("FixedBandwidthModel", () => {
  it("completes at latency + ceil(bytes / bandwidth), one at a time by default", () => {
    const kernel = new Kernel("fixed");
    // 500 MB/s is 0.5 byte/ns: 4096 bytes take 8192 ns.
    const model = new FixedBandwidthModel(kernel, { latencyNs: 100_000, bandwidthBytesPerSec: 500e6 });
    const recorder = new Recorder(kernel, model);
    for (let i = 0; i < 3; i++) recorder.submit(read(i * 4096, 4096));
    kernel.runUntilIdle();
    expect(recorder.completions.map((c) => c.completedNs)).toEqual([108_192, 216_384, 324_576]);
    expect(model.description).toBe("fixed 100us + 477 MiB/s x1");
  });

  it("rounds partial nanoseconds up", () => {
    const kernel = new Kernel("fixed");
    const model = new FixedBandwidthModel(kernel, { bandwidthBytesPerSec: 3e9 });
    const recorder = new Recorder(kernel, model);
    recorder.submit(read(0, 512)); // 170.67 ns
    recorder.submit(read(0, 3)); // exactly 1 ns: must not become 2 through float error
    kernel.runUntilIdle();
    expect(recorder.completions.map((c) => c.completedNs)).toEqual([171, 172]);
    expect(transferTimeNs(2 ** 40, 1e9)).toBe(2 ** 40); // the float fallback path
    expect(transferTimeNs(4096, 512e6)).toBe(8000);
  });

  it("uses separate read and write latencies and bandwidths", () => {
    const kernel = new Kernel("fixed");
    const model = new FixedBandwidthModel(kernel, {
      bandwidthBytesPerSec: 1e9,
      readLatencyNs: 50_000,
      writeLatencyNs: 20_000,
      writeBandwidthBytesPerSec: 250e6,
      parallelism: 2,
    });
    const recorder = new Recorder(kernel, model);
    const r = recorder.submit(read(0, 1000));
    const w = recorder.submit(write(0, 1000));
    kernel.runUntilIdle();
    expect(recorder.completedNs(r)).toBe(50_000 + 1000);
    expect(recorder.completedNs(w)).toBe(20_000 + 4000);
    expect(model.description).toBe("fixed read 50us + 954 MiB/s, write 20us + 238 MiB/s x2");
  });

  it("serves at most `parallelism` requests at once; the rest wait", () => {
    const kernel = new Kernel("fixed");
    const model = new FixedBandwidthModel(kernel, { latencyNs: 1000, bandwidthBytesPerSec: 1e9, parallelism: 2 });
    const recorder = new Recorder(kernel, model);
    for (let i = 0; i < 5; i++) recorder.submit(read(0, 1000)); // 2000 ns each
    kernel.runUntilIdle();
    expect(recorder.completions.map((c) => c.completedNs)).toEqual([2000, 2000, 4000, 4000, 6000]);
  });

  it("serves in FIFO order, whatever the sizes", () => {
    const kernel = new Kernel("fixed");
    const model = new FixedBandwidthModel(kernel, { bandwidthBytesPerSec: 1e9 });
    const recorder = new Recorder(kernel, model);
    const sizes = [8000, 100, 4000, 1, 2000];
    recorder.submit(read(0, sizes[0] as number));
    // Later arrivals, all while the first is still in service.
    sizes.slice(1).forEach((size, i) => recorder.submitAt(10 + i, read(0, size)));
    kernel.runUntilIdle();
    expect(recorder.order).toEqual([0, 1, 2, 3, 4]);
    expect(recorder.completions.map((c) => c.completedNs)).toEqual([8000, 8100, 12_100, 12_101, 14_101]);
  });

  it("starts a waiting request the moment a server frees, also after idle gaps", () => {
    const kernel = new Kernel("fixed");
    const model = new FixedBandwidthModel(kernel, { latencyNs: 500, bandwidthBytesPerSec: 1e9 });
    const recorder = new Recorder(kernel, model);
    recorder.submitAt(0, read(0, 500)); // done at 1000
    recorder.submitAt(5000, read(0, 500)); // idle device: done at 6000
    kernel.runUntilIdle();
    expect(recorder.completions.map((c) => c.completedNs)).toEqual([1000, 6000]);
  });

  it("takes flushLatencyNs for a flush, queued behind earlier requests", () => {
    const kernel = new Kernel("fixed");
    const model = new FixedBandwidthModel(kernel, { bandwidthBytesPerSec: 1e9, flushLatencyNs: 30_000 });
    const recorder = new Recorder(kernel, model);
    recorder.submit(write(0, 10_000));
    recorder.submit(flush);
    kernel.runUntilIdle();
    expect(recorder.completions.map((c) => c.completedNs)).toEqual([10_000, 40_000]);

    const zero = new FixedBandwidthModel(kernel, { bandwidthBytesPerSec: 1e9 });
    const zeroRecorder = new Recorder(kernel, zero);
    zeroRecorder.submit(flush);
    kernel.runUntilIdle();
    expect(zeroRecorder.completions[0]?.completedNs).toBe(kernel.nowNs);
  });

  it("rejects bad options with a RangeError naming the option", () => {
    const kernel = new Kernel("fixed");
    expect(() => new FixedBandwidthModel(kernel, { bandwidthBytesPerSec: 0 })).toThrow(/bandwidthBytesPerSec/);
    expect(() => new FixedBandwidthModel(kernel, { bandwidthBytesPerSec: Number.NaN })).toThrow(BadValueError);
    expect(() => new FixedBandwidthModel(kernel, { bandwidthBytesPerSec: 1e9, parallelism: 0 })).toThrow(/parallelism/);
    expect(() => new FixedBandwidthModel(kernel, { bandwidthBytesPerSec: 1e9, parallelism: 1.5 })).toThrow(/parallelism/);
    expect(() => new FixedBandwidthModel(kernel, { bandwidthBytesPerSec: 1e9, latencyNs: -1 })).toThrow(/latencyNs/);
    expect(() => new FixedBandwidthModel(kernel, { bandwidthBytesPerSec: 1e9, writeLatencyNs: 0.5 })).toThrow(/writeLatencyNs/);
    expect(() => new FixedBandwidthModel(kernel, { bandwidthBytesPerSec: 1e9, flushLatencyNs: -5 })).toThrow(/flushLatencyNs/);
  });
});
