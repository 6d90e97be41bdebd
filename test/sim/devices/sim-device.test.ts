import { describe, expect, it } from "vitest";
import { DeviceError, type IoCompletion, type IoRequest } from "../../../io/block-device.js";
import { read, write, flush, all, type Coroutine } from "../../../io/coroutine.js";
import { Payload } from "../../../io/payload.js";
import { ContentStore } from "../../../sim/devices/content-store.js";
import { DeviceConfigError, SimDevice, type SimDeviceOptions } from "../../../sim/devices/sim-device.js";
import type { ServiceModel } from "../../../sim/devices/service-model.js";
import { Kernel } from "../../../sim/kernel.js";
import { RecordingModel, fixedLatencyModel, scriptedLatencyModel } from "./test-service-models.js";

const KIB = 1024;

interface Rig {
  kernel: Kernel;
  device: SimDevice;
}

function rig(overrides: Partial<Omit<SimDeviceOptions, "kernel" | "model">> & { model?: (kernel: Kernel) => ServiceModel } = {}): Rig {
  const kernel = new Kernel("sim-device-test");
  const { model, ...rest } = overrides;
  const device = new SimDevice({
    name: "dev",
    capacityBytes: 1024 * KIB,
    sectorSizeBytes: 512,
    queueDepth: 4,
    writeCache: false,
    kernel,
    model: model?.(kernel) ?? fixedLatencyModel(kernel, 1000),
    ...rest,
  });
  return { kernel, device };
}

/** Submits at the current time and records the completion with its time. */
function submitAndRecord(kernel: Kernel, device: SimDevice, request: IoRequest) {
  const result: { completion?: IoCompletion; error?: DeviceError; atNs?: number } = {};
  device.submit(request, (completion, error) => {
    if (result.atNs !== undefined) throw new Error("completed twice");
    if (completion !== undefined) result.completion = completion;
    if (error !== undefined) result.error = error;
    result.atNs = kernel.nowNs;
  });
  return result;
}

function spawnAndRun<T>(kernel: Kernel, coroutine: Coroutine<T>): T {
  let value: { result: T } | undefined;
  kernel.spawn(coroutine, "test", (result) => (value = { result }));
  kernel.runUntilIdle();
  if (value === undefined) throw new Error("coroutine did not finish");
  return value.result;
}

describe("SimDevice options", () => {
  const kernel = new Kernel("options");
  const base: SimDeviceOptions = {
    name: "dev",
    capacityBytes: 1024 * KIB,
    sectorSizeBytes: 4096,
    queueDepth: 1,
    writeCache: true,
    kernel,
    model: fixedLatencyModel(kernel, 1),
  };

  it("accepts sector sizes that are powers of two of at least 512", () => {
    for (const sectorSizeBytes of [512, 4096, 65536]) expect(() => new SimDevice({ ...base, sectorSizeBytes })).not.toThrow();
  });

  it.each([
    ["a sector that is not a power of two", { sectorSizeBytes: 1000 }],
    ["a sector under 512 bytes", { sectorSizeBytes: 256 }],
    ["a capacity that is not a whole number of sectors", { capacityBytes: 4096 * 3 + 512 }],
    ["a zero capacity", { capacityBytes: 0 }],
    ["a zero queue depth", { queueDepth: 0 }],
    ["a fractional queue depth", { queueDepth: 1.5 }],
    ["an empty name", { name: "" }],
    ["a fractional unwritten stamp", { unwrittenStamp: 0.5 }],
    ["an unwritten stamp that disagrees with the initial contents", { unwrittenStamp: 2, initialContents: new ContentStore({ unwrittenStamp: 3 }) }],
    ["initial contents handed over that are not there", { handOverInitialContents: true }],
    ["initial contents handed over to a device that logs (crash images start from a kept copy)", { handOverInitialContents: true, initialContents: new ContentStore(), recordLog: true }],
  ])("rejects %s with a DeviceConfigError", (_what, change) => {
    expect(() => new SimDevice({ ...base, ...change })).toThrow(DeviceConfigError);
  });
});

describe("SimDevice queueing", () => {
  it("keeps at most queueDepth requests in the model and admits the rest in submission order", () => {
    let recorder: RecordingModel | undefined;
    const { kernel, device } = rig({
      queueDepth: 3,
      model: (k) => (recorder = new RecordingModel(scriptedLatencyModel(k, [500, 100, 900, 300, 50, 700, 200]))),
    });
    const requests: IoRequest[] = [];
    for (let i = 0; i < 12; i++) {
      requests.push(i % 3 === 2 ? { op: "read", offsetBytes: i * 4096, lengthBytes: 4096 } : { op: "write", offsetBytes: i * 4096, payload: Payload.stamp(i, 4096), fua: false });
    }
    const results = requests.map((request) => submitAndRecord(kernel, device, request));
    expect(device.inServiceCount).toBe(3);
    expect(device.waitingCount).toBe(9);
    kernel.runUntilIdle();
    const model = recorder as RecordingModel;
    expect(model.maxInService).toBe(3);
    // The model saw the requests in exactly the order they were submitted.
    expect(model.received.map((request) => request.offsetBytes)).toEqual(requests.map((_request, i) => i * 4096));
    expect(results.every((result) => result.atNs !== undefined && result.error === undefined)).toBe(true);
    expect(device.inServiceCount).toBe(0);
    expect(device.waitingCount).toBe(0);
  });

  it("serves a request submitted from a completion callback after the ones already waiting", () => {
    let recorder: RecordingModel | undefined;
    const { kernel, device } = rig({ queueDepth: 1, model: (k) => (recorder = new RecordingModel(fixedLatencyModel(k, 10))) });
    device.submit({ op: "read", offsetBytes: 0, lengthBytes: 512 }, () => {
      device.submit({ op: "read", offsetBytes: 3 * 512, lengthBytes: 512 }, () => undefined);
    });
    device.submit({ op: "read", offsetBytes: 1 * 512, lengthBytes: 512 }, () => undefined);
    device.submit({ op: "read", offsetBytes: 2 * 512, lengthBytes: 512 }, () => undefined);
    kernel.runUntilIdle();
    expect((recorder as RecordingModel).received.map((request) => request.offsetBytes / 512)).toEqual([0, 1, 2, 3]);
  });

  it("describes each request to the model with its op, range and FUA flag", () => {
    let recorder: RecordingModel | undefined;
    const { kernel, device } = rig({ model: (k) => (recorder = new RecordingModel(fixedLatencyModel(k, 10))) });
    device.submit({ op: "write", offsetBytes: 4096, payload: Payload.zero(8192), fua: true }, () => undefined);
    device.submit({ op: "flush" }, () => undefined);
    device.submit({ op: "read", offsetBytes: 512, lengthBytes: 1024 }, () => undefined);
    kernel.runUntilIdle();
    // The model sees the ServiceRequest fields (the device may hand it a richer object that has them).
    const received = (recorder as RecordingModel).received.map(({ op, offsetBytes, lengthBytes, fua }) => ({ op, offsetBytes, lengthBytes, fua }));
    expect(received).toEqual([
      { op: "write", offsetBytes: 4096, lengthBytes: 8192, fua: true },
      { op: "flush", offsetBytes: 0, lengthBytes: 0, fua: false },
      { op: "read", offsetBytes: 512, lengthBytes: 1024, fua: false },
    ]);
  });

  it("fails loudly when a model completes a request twice", () => {
    const kernel = new Kernel("twice");
    const model: ServiceModel = {
      description: "broken",
      submit: (request, done) => {
        kernel.schedule(1, () => done(request));
        kernel.schedule(2, () => done(request));
      },
    };
    const device = new SimDevice({ name: "dev", capacityBytes: 4096, sectorSizeBytes: 512, queueDepth: 1, writeCache: false, kernel, model });
    device.submit({ op: "flush" }, () => undefined);
    expect(() => kernel.runUntilIdle()).toThrow(/completed a flush twice/);
  });
});

describe("SimDevice contents", () => {
  it("returns what a completed write put there, through the coroutine protocol", () => {
    const { kernel, device } = rig();
    const payload = Payload.stamp(42, 8192);
    const result = spawnAndRun(
      kernel,
      (function* () {
        yield* write(device, 64 * KIB, payload);
        return yield* read(device, 64 * KIB, 8192);
      })(),
    );
    expect(result.equals(payload)).toBe(true);
    expect(kernel.nowNs).toBe(2000);
  });

  it("makes a write visible at its completion: a read completing earlier sees the old data, one completing later the new", () => {
    // Request latencies in submission order: the write takes 1000 ns, the first read 500 ns, the second 1500 ns.
    const { kernel, device } = rig({ model: (k) => scriptedLatencyModel(k, [1000, 500, 1500]) });
    device.submit({ op: "write", offsetBytes: 0, payload: Payload.stamp(7, 4096), fua: false }, () => undefined);
    const early = submitAndRecord(kernel, device, { op: "read", offsetBytes: 0, lengthBytes: 4096 });
    const late = submitAndRecord(kernel, device, { op: "read", offsetBytes: 0, lengthBytes: 4096 });
    kernel.runUntilIdle();
    expect(early.atNs).toBe(500);
    expect((early.completion as Payload).equals(Payload.zero(4096))).toBe(true);
    expect(late.atNs).toBe(1500);
    expect((late.completion as Payload).equals(Payload.stamp(7, 4096))).toBe(true);
  });

  it("reads never-written space as the unwritten stamp at the absolute offset", () => {
    const { kernel, device } = rig({ unwrittenStamp: 99 });
    const result = spawnAndRun(kernel, read(device, 12 * KIB, 4096));
    expect(result.segments).toEqual([{ kind: "stamp", stamp: 99, stampOffsetBytes: 12 * KIB, lengthBytes: 4096 }]);
  });

  it("starts from its initial contents without sharing later writes with them", () => {
    const initial = new ContentStore();
    initial.write(0, Payload.stamp(5, 4096));
    const initialHash = initial.contentHash();
    const { kernel, device } = rig({ initialContents: initial });
    const before = spawnAndRun(kernel, read(device, 0, 4096));
    expect(before.equals(Payload.stamp(5, 4096))).toBe(true);
    spawnAndRun(kernel, write(device, 0, Payload.stamp(6, 4096)));
    expect(initial.contentHash()).toBe(initialHash);
    expect(device.initialContents().contentHash()).toBe(initialHash);
  });

  it("writes straight into initial contents handed over, and then keeps no copy of them", () => {
    const initial = new ContentStore();
    initial.write(0, Payload.stamp(5, 4096));
    const { kernel, device } = rig({ initialContents: initial, handOverInitialContents: true, writeCache: false });
    expect(spawnAndRun(kernel, read(device, 0, 4096)).equals(Payload.stamp(5, 4096))).toBe(true);
    spawnAndRun(kernel, write(device, 0, Payload.stamp(6, 4096)));
    expect(initial.read(0, 4096).equals(Payload.stamp(6, 4096))).toBe(true);
    expect(() => device.initialContents()).toThrow(/kept no copy/);
  });

  it("keeps the bytes that were submitted even if the caller reuses its buffer", () => {
    const { kernel, device } = rig({ recordLog: true });
    const buffer = new Uint8Array(512).fill(1);
    device.submit({ op: "write", offsetBytes: 0, payload: Payload.bytes(buffer), fua: false }, () => buffer.fill(2));
    buffer.fill(3);
    kernel.runUntilIdle();
    const stored = device.contents().read(0, 512).toBytes();
    expect(stored.every((value) => value === 1)).toBe(true);
    expect(device.buildImage(device.logEntries().length, new Set()).read(0, 512).toBytes().every((value) => value === 1)).toBe(true);
  });

  it("keeps what a lent buffer held at completion, with or without a write cache, once the caller reuses it", () => {
    for (const writeCache of [false, true]) {
      const { kernel, device } = rig({ writeCache });
      const buffer = new Uint8Array(512).fill(1);
      for (const [offsetBytes, fua] of [[0, false], [4096, true]] as const) {
        device.submit({ op: "write", offsetBytes, payload: Payload.bytes(buffer), fua }, () => buffer.fill(2));
        kernel.runUntilIdle();
        buffer.fill(1);
      }
      buffer.fill(3);
      spawnAndRun(kernel, flush(device));
      for (const offsetBytes of [0, 4096]) {
        expect(device.contents().read(offsetBytes, 512).toBytes().every((value) => value === 1)).toBe(true);
        expect(device.durableContents().read(offsetBytes, 512).toBytes().every((value) => value === 1)).toBe(true);
      }
    }
  });

  it("counts completed requests and their bytes", () => {
    const { kernel, device } = rig({ writeCache: true });
    spawnAndRun(
      kernel,
      all([write(device, 0, Payload.stamp(1, 8192)), write(device, 8192, Payload.stamp(2, 4096), true), read(device, 0, 2048), flush(device)] as Array<Coroutine<unknown>>),
    );
    expect(device.stats).toEqual({ reads: 1, writes: 2, flushes: 1, fuaWrites: 1, bytesRead: 2048, bytesWritten: 12288 });
  });
});

describe("SimDevice invalid requests", () => {
  it.each<[string, IoRequest]>([
    ["misaligned offset", { op: "read", offsetBytes: 100, lengthBytes: 512 }],
    ["misaligned length", { op: "write", offsetBytes: 0, payload: Payload.zero(700), fua: false }],
    ["empty read", { op: "read", offsetBytes: 0, lengthBytes: 0 }],
    ["negative offset", { op: "read", offsetBytes: -512, lengthBytes: 512 }],
    ["range past the capacity", { op: "write", offsetBytes: 1024 * KIB - 512, payload: Payload.zero(1024), fua: true }],
  ])("completes a %s with a DeviceError, asynchronously, at the current time", (_what, request) => {
    const { kernel, device } = rig({ recordLog: true });
    kernel.schedule(123, () => {
      const result = submitAndRecord(kernel, device, request);
      expect(result.atNs).toBeUndefined();
      kernel.schedule(0, () => {
        expect(result.error).toBeInstanceOf(DeviceError);
        expect(result.error?.deviceName).toBe("dev");
        expect(result.atNs).toBe(123);
        expect(result.completion).toBeUndefined();
      });
    });
    kernel.runUntilIdle();
    expect(device.stats).toEqual({ reads: 0, writes: 0, flushes: 0, fuaWrites: 0, bytesRead: 0, bytesWritten: 0 });
    expect(device.logEntries()).toEqual([]);
  });

  it("throws the DeviceError into the coroutine that asked", () => {
    const { kernel, device } = rig();
    const outcome = spawnAndRun(
      kernel,
      (function* () {
        try {
          yield* read(device, 1, 512);
          return "no error";
        } catch (error) {
          return error instanceof DeviceError ? "device error" : "other error";
        }
      })(),
    );
    expect(outcome).toBe("device error");
  });
});

describe("SimDevice durability", () => {
  it("without a write cache, makes a write durable when it completes", () => {
    const { kernel, device } = rig({ writeCache: false, recordLog: true });
    device.submit({ op: "write", offsetBytes: 0, payload: Payload.stamp(1, 4096), fua: false }, () => {
      expect(device.durableContents().read(0, 4096).equals(Payload.stamp(1, 4096))).toBe(true);
      expect(device.crashStateAt(device.logEntries().length)).toEqual({ crashPoint: 2, durableWriteIds: [0], pendingWriteIds: [] });
    });
    expect(device.durableContents().read(0, 4096).equals(Payload.zero(4096))).toBe(true);
    expect(device.crashStateAt(1)).toEqual({ crashPoint: 1, durableWriteIds: [], pendingWriteIds: [0] });
    kernel.runUntilIdle();
    expect(device.stats.writes).toBe(1);
  });

  it("with a write cache, keeps a completed write volatile until a flush submitted after it completes", () => {
    const { kernel, device } = rig({ writeCache: true, recordLog: true, model: (k) => fixedLatencyModel(k, 100) });
    const durableAt = (offsetBytes: number) => device.durableContents().read(offsetBytes, 4096);
    // Write A completes at 100; a flush submitted at 50 does not cover it; one submitted at 150 does.
    device.submit({ op: "write", offsetBytes: 0, payload: Payload.stamp(1, 4096), fua: false }, () => undefined);
    kernel.schedule(50, () => device.submit({ op: "flush" }, () => undefined));
    kernel.runUntil(149);
    expect(device.contents().read(0, 4096).equals(Payload.stamp(1, 4096))).toBe(true);
    expect(durableAt(0).equals(Payload.zero(4096))).toBe(true);
    expect(device.cachedWriteCount).toBe(1);
    kernel.schedule(1, () => device.submit({ op: "flush" }, () => undefined));
    kernel.runUntil(249);
    expect(durableAt(0).equals(Payload.zero(4096))).toBe(true);
    kernel.runUntilIdle();
    expect(durableAt(0).equals(Payload.stamp(1, 4096))).toBe(true);
    expect(device.cachedWriteCount).toBe(0);
  });

  it("makes a FUA write durable at its completion, and an older cached write flushed later does not overwrite it", () => {
    const { kernel, device } = rig({ writeCache: true, recordLog: true, model: (k) => scriptedLatencyModel(k, [100, 100, 100]) });
    device.submit({ op: "write", offsetBytes: 0, payload: Payload.stamp(1, 8192), fua: false }, () => {
      device.submit({ op: "write", offsetBytes: 4096, payload: Payload.stamp(2, 4096), fua: true }, () => {
        expect(device.durableContents().read(4096, 4096).equals(Payload.stamp(2, 4096))).toBe(true);
        expect(device.durableContents().read(0, 4096).equals(Payload.zero(4096))).toBe(true);
        device.submit({ op: "flush" }, () => undefined);
      });
    });
    kernel.runUntilIdle();
    const expected = [Payload.stamp(1, 4096), Payload.stamp(2, 4096)];
    expect(device.durableContents().read(0, 4096).equals(expected[0] as Payload)).toBe(true);
    expect(device.durableContents().read(4096, 4096).equals(expected[1] as Payload)).toBe(true);
    expect(device.durableContents().contentHash()).toBe(device.contents().contentHash());
    const end = device.logEntries().length;
    expect(device.buildImage(end, new Set()).contentHash()).toBe(device.durableContents().contentHash());
  });

  it("empties the volatile cache whenever a flush covers every cached write", () => {
    const { kernel, device } = rig({ writeCache: true, queueDepth: 2, model: (k) => scriptedLatencyModel(k, [30, 70, 10]) });
    let maxCached = 0;
    spawnAndRun(
      kernel,
      (function* () {
        for (let round = 0; round < 200; round++) {
          yield* all([write(device, (round % 64) * 4096, Payload.stamp(round, 4096)), write(device, 4096 * 100, Payload.stamp(round, 512), true)]);
          maxCached = Math.max(maxCached, device.cachedWriteCount);
          yield* flush(device);
          expect(device.cachedWriteCount).toBe(0);
        }
      })(),
    );
    expect(maxCached).toBe(1);
    expect(device.durableContents().contentHash()).toBe(device.contents().contentHash());
  });

  it("refuses crash queries on a device that keeps no log", () => {
    const { device } = rig();
    expect(() => device.crashStateAt(0)).toThrow(/without recordLog/);
  });
});
