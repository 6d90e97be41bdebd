import { describe, expect, it } from "vitest";
import { Kernel } from "../../../sim/kernel.js";
import { Rng } from "../../../sim/rng/streams.js";
import { StripeDevice } from "../../../sim/devices/stripe.js";
import { SimDevice } from "../../../sim/devices/sim-device.js";
import { InstantModel } from "../../../sim/devices/models/instant.js";
import { DeviceError, requestProblem, type BlockDevice, type IoCompletion, type IoRequest } from "../../../io/block-device.js";
import { Payload, concatPayloads } from "../../../io/payload.js";

const SECTOR = 512;
const UNIT = 4096;

/**
 * A test-local child: records every request, completes it after a fixed delay
 * through the kernel, answers reads with a stamp naming the child and the
 * child offset (so reassembly can be checked), and can be told to fail.
 */
class RecordingDevice implements BlockDevice {
  readonly queueDepth = 4;
  readonly sectorSizeBytes: number;
  readonly requests: IoRequest[] = [];
  failWith: string | undefined;

  constructor(
    private readonly kernel: Kernel,
    readonly name: string,
    readonly stamp: number,
    readonly capacityBytes: number,
    private readonly delayNs: number,
    sectorSizeBytes = SECTOR,
  ) {
    this.sectorSizeBytes = sectorSizeBytes;
  }

  submit(request: IoRequest, onComplete: (completion: IoCompletion, error?: DeviceError) => void): void {
    const problem = requestProblem(this, request);
    if (problem !== undefined) throw new Error(`stripe sent a bad request to ${this.name}: ${problem}`);
    this.requests.push(request);
    this.kernel.schedule(this.delayNs, () => {
      if (this.failWith !== undefined) onComplete(undefined, new DeviceError(this.name, this.failWith));
      else if (request.op === "read") onComplete(Payload.stamp(this.stamp, request.lengthBytes, request.offsetBytes));
      else onComplete(undefined);
    });
  }
}

/** A child that stores contents sector by sector: for write-then-read round trips. */
class MemoryDevice implements BlockDevice {
  readonly queueDepth = 1;
  readonly sectorSizeBytes = SECTOR;
  private readonly sectors = new Map<number, Payload>();

  constructor(
    private readonly kernel: Kernel,
    readonly name: string,
    readonly capacityBytes: number,
    private readonly delayNs: number,
  ) {}

  submit(request: IoRequest, onComplete: (completion: IoCompletion, error?: DeviceError) => void): void {
    const problem = requestProblem(this, request);
    if (problem !== undefined) throw new Error(`bad request to ${this.name}: ${problem}`);
    let result: Payload | undefined;
    if (request.op === "write") {
      for (let at = 0; at < request.payload.lengthBytes; at += SECTOR) this.sectors.set((request.offsetBytes + at) / SECTOR, request.payload.slice(at, SECTOR));
    } else if (request.op === "read") {
      const parts: Payload[] = [];
      for (let at = 0; at < request.lengthBytes; at += SECTOR) parts.push(this.sectors.get((request.offsetBytes + at) / SECTOR) ?? Payload.zero(SECTOR));
      result = concatPayloads(parts);
    }
    this.kernel.schedule(this.delayNs, () => onComplete(result));
  }
}

function run<T>(kernel: Kernel, start: (finish: (value: T) => void) => void): T {
  let result: { value: T } | undefined;
  start((value) => (result = { value }));
  kernel.runUntilIdle();
  if (result === undefined) throw new Error("request never completed");
  return result.value;
}

function threeChildren(kernel: Kernel, delays = [100, 200, 300]) {
  const children = delays.map((delayNs, i) => new RecordingDevice(kernel, `child${i}`, 100 + i, 1 << 20, delayNs));
  return { children, stripe: new StripeDevice(kernel, { name: "md0", children, stripeUnitBytes: UNIT }) };
}

describe("StripeDevice", () => {
  it("derives its geometry from the children", () => {
    const kernel = new Kernel("stripe");
    const children = [1 << 20, 300_000 + 512, 1 << 19].map((capacity, i) => new RecordingDevice(kernel, `c${i}`, i, capacity, 1));
    const stripe = new StripeDevice(kernel, { children, stripeUnitBytes: UNIT });
    // The smallest child holds floor(300 512 / 4096) = 73 whole units.
    expect(stripe.capacityBytes).toBe(3 * 73 * UNIT);
    expect(stripe.sectorSizeBytes).toBe(SECTOR);
    expect(stripe.queueDepth).toBe(12);
    expect(stripe.children).toEqual(children);
    expect(stripe.name).toBe("stripe");
  });

  it("sends a request spanning stripe units to the right children at the right offsets", () => {
    const kernel = new Kernel("stripe");
    const { children, stripe } = threeChildren(kernel);
    // Units 2 (from byte 1024), 3, 4 and 5 (up to byte 1024): children 2, 0, 1, 2.
    const offsetBytes = 2 * UNIT + 1024;
    const lengthBytes = 3 * UNIT;
    const payload = Payload.stamp(7, lengthBytes);
    run(kernel, (finish) => stripe.submit({ op: "write", offsetBytes, payload, fua: true }, (_completion, error) => finish(error)));
    expect(children[0]?.requests).toHaveLength(1);
    expect(children[1]?.requests).toHaveLength(1);
    expect(children[2]?.requests).toHaveLength(1);
    const [w0, w1, w2] = children.map((child) => child.requests[0]);
    // Unit 3 is row 1 of child 0; unit 4 row 1 of child 1.
    expect(w0).toMatchObject({ op: "write", offsetBytes: UNIT, fua: true });
    expect(w1).toMatchObject({ op: "write", offsetBytes: UNIT, fua: true });
    // Child 2 holds the tail of unit 2 (row 0) and the head of unit 5 (row 1): one contiguous child request.
    expect(w2).toMatchObject({ op: "write", offsetBytes: 1024, fua: true });
    const data = (request: IoRequest | undefined) => (request?.op === "write" ? request.payload : undefined);
    expect(data(w0)?.equals(Payload.stamp(7, UNIT, UNIT - 1024))).toBe(true);
    expect(data(w1)?.equals(Payload.stamp(7, UNIT, 2 * UNIT - 1024))).toBe(true);
    expect(data(w2)?.equals(concatPayloads([Payload.stamp(7, UNIT - 1024, 0), Payload.stamp(7, 1024, 3 * UNIT - 1024)]))).toBe(true);

    expect(stripe.map(offsetBytes, lengthBytes)).toEqual([
      { child: 0, childOffsetBytes: UNIT, lengthBytes: UNIT, pieces: [{ requestOffsetBytes: UNIT - 1024, partOffsetBytes: 0, lengthBytes: UNIT }] },
      { child: 1, childOffsetBytes: UNIT, lengthBytes: UNIT, pieces: [{ requestOffsetBytes: 2 * UNIT - 1024, partOffsetBytes: 0, lengthBytes: UNIT }] },
      {
        child: 2,
        childOffsetBytes: 1024,
        lengthBytes: UNIT,
        pieces: [
          { requestOffsetBytes: 0, partOffsetBytes: 0, lengthBytes: UNIT - 1024 },
          { requestOffsetBytes: 3 * UNIT - 1024, partOffsetBytes: UNIT - 1024, lengthBytes: 1024 },
        ],
      },
    ]);
  });

  it("reassembles a read in address order, whatever order the children finish in, after the slowest", () => {
    const kernel = new Kernel("stripe");
    // Child 0 is the slowest, child 2 the fastest: completion order is the reverse of address order.
    const { stripe } = threeChildren(kernel, [300, 200, 100]);
    const offsetBytes = 2 * UNIT + 1024;
    let completedAtNs = -1;
    const data = run<Payload | undefined>(kernel, (finish) =>
      stripe.submit({ op: "read", offsetBytes, lengthBytes: 3 * UNIT }, (completion) => {
        completedAtNs = kernel.nowNs;
        finish(completion);
      }),
    );
    const expected = concatPayloads([
      Payload.stamp(102, UNIT - 1024, 1024), // tail of unit 2, child 2 row 0
      Payload.stamp(100, UNIT, UNIT), // unit 3, child 0 row 1
      Payload.stamp(101, UNIT, UNIT), // unit 4, child 1 row 1
      Payload.stamp(102, 1024, UNIT), // head of unit 5, child 2 row 1
    ]);
    expect(data?.describe()).toBe(expected.describe());
    expect(data?.equals(expected)).toBe(true);
    expect(completedAtNs).toBe(300);
  });

  it("reads back what was written, for random requests, like a single device would", () => {
    const kernel = new Kernel("stripe");
    const children = [0, 1, 2, 3].map((i) => new MemoryDevice(kernel, `m${i}`, 64 * UNIT, 10 + i * 7));
    const stripe = new StripeDevice(kernel, { children, stripeUnitBytes: 2 * UNIT });
    const reference = new MemoryDevice(kernel, "reference", stripe.capacityBytes, 1);
    const rng = Rng.root(11).stream("stripe");
    const sectors = stripe.capacityBytes / SECTOR;
    for (let i = 0; i < 300; i++) {
      const first = rng.int(0, sectors - 1);
      const count = rng.int(1, Math.min(40, sectors - first));
      const offsetBytes = first * SECTOR;
      const lengthBytes = count * SECTOR;
      if (rng.next() < 0.5) {
        const request: IoRequest = { op: "write", offsetBytes, payload: Payload.stamp(i, lengthBytes), fua: false };
        run(kernel, (finish) => stripe.submit(request, (_c, error) => finish(error)));
        run(kernel, (finish) => reference.submit(request, (_c, error) => finish(error)));
      } else {
        const request: IoRequest = { op: "read", offsetBytes, lengthBytes };
        const got = run<IoCompletion>(kernel, (finish) => stripe.submit(request, finish));
        const want = run<IoCompletion>(kernel, (finish) => reference.submit(request, finish));
        expect(got?.equals(want as Payload), `read ${lengthBytes} at ${offsetBytes}`).toBe(true);
      }
    }
  });

  it("passes a prefetch hint on to each child that takes one, at the child offsets a one-sector request there goes to", () => {
    const kernel = new Kernel("stripe");
    const hinted: number[][][] = [[], [], []];
    const children: BlockDevice[] = [0, 1, 2].map((i) => {
      const child = new RecordingDevice(kernel, `c${i}`, i, 32 * UNIT, 1);
      // The middle child takes no hints.
      return i === 1 ? child : Object.assign(child, { prefetch: (offsets: ArrayLike<number>, count: number) => hinted[i]!.push(Array.from(offsets).slice(0, count)) });
    });
    const stripe = new StripeDevice(kernel, { children, stripeUnitBytes: UNIT });
    const rng = Rng.root(12).stream("stripe-prefetch");
    for (let round = 0; round < 20; round++) {
      const inside = Array.from({ length: rng.int(1, 12) }, () => rng.int(0, stripe.capacityBytes / SECTOR - 1) * SECTOR);
      const offsets = [...inside, -SECTOR, stripe.capacityBytes, Number.NaN];
      for (const list of hinted) list.length = 0;
      stripe.prefetch(offsets, offsets.length);
      const expected: number[][] = [[], [], []];
      for (const offsetBytes of inside) {
        const [part] = stripe.map(offsetBytes, SECTOR);
        expected[part!.child]!.push(part!.childOffsetBytes);
      }
      for (const child of [0, 2]) expect(hinted[child]).toEqual(expected[child]!.length === 0 ? [] : [expected[child]]);
      expect(hinted[1]).toEqual([]);
    }
    expect(kernel.eventCount).toBe(0);
  });

  it("sends a flush to every child and completes after the last", () => {
    const kernel = new Kernel("stripe");
    const { children, stripe } = threeChildren(kernel);
    let completedAtNs = -1;
    run(kernel, (finish) =>
      stripe.submit({ op: "flush" }, (completion, error) => {
        completedAtNs = kernel.nowNs;
        finish([completion, error]);
      }),
    );
    expect(children.map((child) => child.requests)).toEqual([[{ op: "flush" }], [{ op: "flush" }], [{ op: "flush" }]]);
    expect(completedAtNs).toBe(300);
  });

  it("fails a request with the first child error, once every part has completed", () => {
    const kernel = new Kernel("stripe");
    const { children, stripe } = threeChildren(kernel);
    (children[1] as RecordingDevice).failWith = "medium error";
    (children[2] as RecordingDevice).failWith = "timeout";
    let completedAtNs = -1;
    let calls = 0;
    const [data, error] = run<[IoCompletion, DeviceError | undefined]>(kernel, (finish) =>
      stripe.submit({ op: "read", offsetBytes: 0, lengthBytes: 3 * UNIT }, (completion, error) => {
        calls++;
        completedAtNs = kernel.nowNs;
        finish([completion, error]);
      }),
    );
    expect(data).toBeUndefined();
    expect(error?.message).toBe("child1: medium error");
    expect(completedAtNs).toBe(300);
    expect(calls).toBe(1);
  });

  it("rejects an invalid request through the kernel, never synchronously", () => {
    const kernel = new Kernel("stripe");
    const { children, stripe } = threeChildren(kernel);
    let error: DeviceError | undefined;
    let called = false;
    stripe.submit({ op: "read", offsetBytes: 100, lengthBytes: 512 }, (_completion, e) => {
      called = true;
      error = e;
    });
    expect(called).toBe(false);
    kernel.runUntilIdle();
    expect(error).toBeInstanceOf(DeviceError);
    expect(error?.message).toMatch(/^md0: .*not aligned/);
    run(kernel, (finish) => stripe.submit({ op: "read", offsetBytes: stripe.capacityBytes, lengthBytes: 512 }, (_c, e) => finish((error = e))));
    expect(error?.message).toMatch(/past the capacity/);
    expect(children.every((child) => child.requests.length === 0)).toBe(true);
  });

  it("rejects children and stripe units that do not fit together", () => {
    const kernel = new Kernel("stripe");
    const small = new RecordingDevice(kernel, "a", 1 << 20, 0, 1);
    const big = new RecordingDevice(kernel, "b", 1 << 20, 1, 1, 4096);
    expect(() => new StripeDevice(kernel, { children: [], stripeUnitBytes: UNIT })).toThrow(/at least one child/);
    expect(() => new StripeDevice(kernel, { children: [small, big], stripeUnitBytes: UNIT })).toThrow(/sector size/);
    expect(() => new StripeDevice(kernel, { children: [small], stripeUnitBytes: 1000 })).toThrow(/stripeUnitBytes/);
    expect(() => new StripeDevice(kernel, { children: [small], stripeUnitBytes: 2 << 20 })).toThrow(/no whole/);
  });
  it("shows never-written space at the volume's addresses, and keeps it so through a write of it", () => {
    const kernel = new Kernel("stripe");
    const ORIGIN = 1;
    const children = [0, 1].map(
      (i) => new SimDevice({ name: `c${i}`, capacityBytes: 4 * UNIT, sectorSizeBytes: SECTOR, queueDepth: 4, kernel, model: new InstantModel(kernel), writeCache: false, unwrittenStamp: ORIGIN }),
    );
    const stripe = new StripeDevice(kernel, { children, stripeUnitBytes: UNIT, unwrittenStamp: ORIGIN });
    const read = (offsetBytes: number, lengthBytes: number) => run<IoCompletion>(kernel, (finish) => stripe.submit({ op: "read", offsetBytes, lengthBytes }, (data) => finish(data)));
    // Units 0..3 lie on c0, c1, c0, c1: each reads as the original contents of its own volume address.
    expect(read(0, 4 * UNIT)!.normalized()).toEqual([{ kind: "stamp", stamp: ORIGIN, stampOffsetBytes: 0, lengthBytes: 4 * UNIT }]);
    expect(read(UNIT, SECTOR)!.normalized()).toEqual([{ kind: "stamp", stamp: ORIGIN, stampOffsetBytes: UNIT, lengthBytes: SECTOR }]);
    // A rollback writes a chunk's original contents back: stored as never written on the child, read back unchanged.
    run(kernel, (finish) => stripe.submit({ op: "write", offsetBytes: UNIT, fua: false, payload: Payload.stamp(ORIGIN, UNIT, UNIT) }, () => finish(undefined)));
    expect(read(UNIT, UNIT)!.normalized()).toEqual([{ kind: "stamp", stamp: ORIGIN, stampOffsetBytes: UNIT, lengthBytes: UNIT }]);
    // Data put at the wrong address stays wrong: unit 2's original contents written at unit 1 read back as unit 2's.
    run(kernel, (finish) => stripe.submit({ op: "write", offsetBytes: UNIT, fua: false, payload: Payload.stamp(ORIGIN, UNIT, 2 * UNIT) }, () => finish(undefined)));
    expect(read(UNIT, UNIT)!.normalized()).toEqual([{ kind: "stamp", stamp: ORIGIN, stampOffsetBytes: 2 * UNIT, lengthBytes: UNIT }]);
  });
});
