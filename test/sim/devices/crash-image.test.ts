import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Payload } from "../../../io/payload.js";
import { SimDevice } from "../../../sim/devices/sim-device.js";
import type { Tear } from "../../../sim/devices/crash-image.js";
import type { LogEntry } from "../../../sim/devices/write-log.js";
import { Kernel } from "../../../sim/kernel.js";
import { scriptedLatencyModel } from "./test-service-models.js";

const SECTOR_BYTES = 512;
const SECTORS = 16;
const FIRST_STAMP = 1000;

type OpSpec = { kind: "write"; atNs: number; sector: number; sectors: number; fua: boolean } | { kind: "flush"; atNs: number };

interface History {
  writeCache: boolean;
  queueDepth: number;
  unwrittenStamp: number | undefined;
  ops: OpSpec[];
  latenciesNs: number[];
  stopAtNs: number;
  choiceSeed: number;
}

/** Submission times on a 10 ns grid, so that several requests often start at once. */
const submitTimeNs = fc.integer({ min: 0, max: 40 }).map((t) => t * 10);

const opArbitrary: fc.Arbitrary<OpSpec> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("write" as const),
      atNs: submitTimeNs,
      sector: fc.integer({ min: 0, max: SECTORS - 1 }),
      sectors: fc.integer({ min: 1, max: 4 }),
      fua: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("flush" as const), atNs: submitTimeNs }) },
);

const historyArbitrary: fc.Arbitrary<History> = fc.record({
  writeCache: fc.boolean(),
  queueDepth: fc.integer({ min: 1, max: 4 }),
  unwrittenStamp: fc.constantFrom(undefined, 3),
  ops: fc.array(opArbitrary, { minLength: 1, maxLength: 10 }),
  latenciesNs: fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 8 }),
  stopAtNs: fc.integer({ min: 0, max: 800 }),
  choiceSeed: fc.integer({ min: 0, max: 2 ** 30 }),
});

/** A small deterministic generator for choosing subsets and tears inside one property run. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state;
  };
}

/** The durability oracle, written straight from the definitions over the log entries, independent of WriteLog's bookkeeping. */
class LogOracle {
  readonly writeSubmitIndex = new Map<number, number>();
  readonly writeCompleteIndex = new Map<number, number>();
  readonly writeSpan = new Map<number, { sector: number; sectors: number; fua: boolean; stamp: number }>();
  readonly stampToWrite = new Map<number, number>();
  private readonly flushSubmitIndex = new Map<number, number>();
  private readonly flushCompleteIndex = new Map<number, number>();

  constructor(
    readonly entries: readonly LogEntry[],
    private readonly writeCache: boolean,
  ) {
    for (const entry of entries) {
      switch (entry.kind) {
        case "write-submitted": {
          const segment = entry.payload.segments[0];
          if (segment?.kind !== "stamp" || entry.payload.segments.length !== 1) throw new Error("test writes are single stamps");
          this.writeSubmitIndex.set(entry.writeId, entry.index);
          this.writeSpan.set(entry.writeId, { sector: entry.offsetBytes / SECTOR_BYTES, sectors: entry.payload.lengthBytes / SECTOR_BYTES, fua: entry.fua, stamp: segment.stamp });
          this.stampToWrite.set(segment.stamp, entry.writeId);
          break;
        }
        case "write-completed":
          this.writeCompleteIndex.set(entry.writeId, entry.index);
          break;
        case "flush-submitted":
          this.flushSubmitIndex.set(entry.flushId, entry.index);
          break;
        case "flush-completed":
          this.flushCompleteIndex.set(entry.flushId, entry.index);
          break;
      }
    }
  }

  submitted(writeId: number, crashPoint: number): boolean {
    return (this.writeSubmitIndex.get(writeId) as number) < crashPoint;
  }

  completed(writeId: number, crashPoint: number): boolean {
    const index = this.writeCompleteIndex.get(writeId);
    return index !== undefined && index < crashPoint;
  }

  /** Durable: completed, and either no cache, FUA, or covered by a flush submitted after the completion that completed by the crash point. */
  durable(writeId: number, crashPoint: number): boolean {
    if (!this.completed(writeId, crashPoint)) return false;
    if (!this.writeCache || this.writeSpan.get(writeId)?.fua === true) return true;
    const completedAt = this.writeCompleteIndex.get(writeId) as number;
    for (const [flushId, flushCompletedAt] of this.flushCompleteIndex) {
      if (flushCompletedAt < crashPoint && (this.flushSubmitIndex.get(flushId) as number) > completedAt) return true;
    }
    return false;
  }

  covers(writeId: number, sector: number): boolean {
    const span = this.writeSpan.get(writeId);
    return span !== undefined && sector >= span.sector && sector < span.sector + span.sectors;
  }
}

function runHistory(history: History, device: SimDevice, kernel: Kernel): void {
  history.ops.forEach((op, i) => {
    kernel.schedule(op.atNs, () => {
      if (op.kind === "flush") {
        device.submit({ op: "flush" }, (_completion, error) => expect(error).toBeUndefined());
        return;
      }
      const sectors = Math.min(op.sectors, SECTORS - op.sector);
      const payload = Payload.stamp(FIRST_STAMP + i, sectors * SECTOR_BYTES);
      device.submit({ op: "write", offsetBytes: op.sector * SECTOR_BYTES, payload, fua: op.fua }, (_completion, error) => expect(error).toBeUndefined());
    });
  });
}

/** What the image holds at one sector: "initial" content, or write w's sector j. */
function decodeSector(payload: Payload, sector: number, oracle: LogOracle, unwrittenStamp: number | undefined): number | "initial" {
  const segments = payload.normalized();
  const segment = segments[0];
  if (segments.length !== 1 || segment === undefined) throw new Error(`sector ${sector} mixes contents: ${payload.describe()}`);
  if (segment.kind === "zero" && unwrittenStamp === undefined) return "initial";
  if (segment.kind !== "stamp") throw new Error(`sector ${sector} holds unexpected ${payload.describe()}`);
  if (segment.stamp === unwrittenStamp) {
    if (segment.stampOffsetBytes !== sector * SECTOR_BYTES) throw new Error(`sector ${sector} holds unwritten content of another address`);
    return "initial";
  }
  const writeId = oracle.stampToWrite.get(segment.stamp);
  if (writeId === undefined) throw new Error(`sector ${sector} holds unknown stamp ${segment.stamp}`);
  const span = oracle.writeSpan.get(writeId) as { sector: number };
  if (span.sector + segment.stampOffsetBytes / SECTOR_BYTES !== sector) throw new Error(`sector ${sector} holds write ${writeId}'s data for another sector`);
  return writeId;
}

/** Checks one image against the crash model's promises, sector by sector. */
function checkImage(device: SimDevice, oracle: LogOracle, history: History, crashPoint: number, surviving: ReadonlySet<number>, tear: Tear | undefined): void {
  const image = device.buildImage(crashPoint, surviving, tear);
  const context = `crash point ${crashPoint}, surviving [${[...surviving].join(",")}]${tear === undefined ? "" : `, write ${tear.writeId} torn to sectors [${tear.keptSectors.join(",")}]`}`;
  const durableIds = [...oracle.writeSpan.keys()].filter((w) => oracle.durable(w, crashPoint));
  for (let sector = 0; sector < SECTORS; sector++) {
    const found = decodeSector(image.read(sector * SECTOR_BYTES, SECTOR_BYTES), sector, oracle, history.unwrittenStamp);
    // The last durable write of this sector, in completion order, is the floor nothing may fall below.
    let lastDurable: number | undefined;
    for (const w of durableIds) {
      if (!oracle.covers(w, sector)) continue;
      if (lastDurable === undefined || (oracle.writeCompleteIndex.get(w) as number) > (oracle.writeCompleteIndex.get(lastDurable) as number)) lastDurable = w;
    }
    const floorCompletedAt = lastDurable === undefined ? -1 : (oracle.writeCompleteIndex.get(lastDurable) as number);
    // Surviving pending writes that land on this sector and are newer than that floor.
    const candidates = [...surviving].filter((w) => {
      if (!oracle.covers(w, sector)) return false;
      if (tear?.writeId === w && !tear.keptSectors.includes(sector - (oracle.writeSpan.get(w) as { sector: number }).sector)) return false;
      return !oracle.completed(w, crashPoint) || (oracle.writeCompleteIndex.get(w) as number) > floorCompletedAt;
    });
    const floor = lastDurable ?? "initial";
    const where = `${context}, sector ${sector}: found ${found}, durable floor ${floor}, candidates [${candidates.join(",")}]`;
    // (a) Never older than the last durable write, never a write that did not survive, never a torn-away sector.
    if (found !== floor && !candidates.includes(found as number)) throw new Error(`image holds a value it may not: ${where}`);
    // (b) With one surviving candidate, the image must hold it; with none, the durable floor.
    if (candidates.length === 0 && found !== floor) throw new Error(`image lost durable data: ${where}`);
    if (candidates.length === 1 && found !== candidates[0]) throw new Error(`surviving write did not land: ${where}`);
  }
}

/** At a quiet moment, the image with nothing pending is the durable contents, and with every completed write it is what reads show. */
function checkAgainstDevice(device: SimDevice): void {
  const end = device.logEntries().length;
  const state = device.crashStateAt(end);
  const log = device.log();
  const completedPending = new Set(state.pendingWriteIds.filter((w) => {
    const completedAt = log.write(w).completedAt;
    return completedAt !== undefined && completedAt <= end;
  }));
  expect(device.buildImage(end, new Set()).contentHash()).toBe(device.durableContents().contentHash());
  expect(device.buildImage(end, completedPending).contentHash()).toBe(device.contents().contentHash());
}

describe("crash images of random write, FUA and flush histories", () => {
  it("keep every durable write, can hold any subset of pending writes, and tear only to the kept sectors", () => {
    let imagesChecked = 0;
    let tornChecked = 0;
    fc.assert(
      fc.property(historyArbitrary, (history) => {
        const kernel = new Kernel("crash-image-test");
        const device = new SimDevice({
          name: "crashdev",
          capacityBytes: SECTORS * SECTOR_BYTES,
          sectorSizeBytes: SECTOR_BYTES,
          queueDepth: history.queueDepth,
          writeCache: history.writeCache,
          kernel,
          model: scriptedLatencyModel(kernel, history.latenciesNs),
          recordLog: true,
          ...(history.unwrittenStamp === undefined ? {} : { unwrittenStamp: history.unwrittenStamp }),
        });
        runHistory(history, device, kernel);
        kernel.runUntil(history.stopAtNs);
        checkAgainstDevice(device);
        kernel.runUntilIdle();
        checkAgainstDevice(device);

        const oracle = new LogOracle(device.logEntries(), history.writeCache);
        const hashesBefore = [device.contents().contentHash(), device.durableContents().contentHash(), device.initialContents().contentHash()];
        const next = lcg(history.choiceSeed);
        for (let crashPoint = 0; crashPoint <= oracle.entries.length; crashPoint++) {
          const state = device.crashStateAt(crashPoint);
          const submittedIds = [...oracle.writeSpan.keys()].filter((w) => oracle.submitted(w, crashPoint));
          expect(state.durableWriteIds).toEqual(submittedIds.filter((w) => oracle.durable(w, crashPoint)));
          expect(state.pendingWriteIds).toEqual(submittedIds.filter((w) => !oracle.durable(w, crashPoint)));

          const pending = state.pendingWriteIds;
          const subsetCount = 2 ** pending.length;
          const masks = subsetCount <= 32 ? Array.from({ length: subsetCount }, (_v, i) => i) : Array.from({ length: 24 }, () => next() % subsetCount);
          for (const mask of masks) {
            const surviving = new Set(pending.filter((_w, bit) => (mask & (1 << bit)) !== 0));
            checkImage(device, oracle, history, crashPoint, surviving, undefined);
            imagesChecked++;
            const tearable = [...surviving].filter((w) => (oracle.writeSpan.get(w)?.sectors ?? 0) > 1);
            if (tearable.length === 0) continue;
            const writeId = tearable[next() % tearable.length] as number;
            const sectors = (oracle.writeSpan.get(writeId) as { sectors: number }).sectors;
            const keepMask = next() % 2 ** sectors;
            const keptSectors = Array.from({ length: sectors }, (_v, i) => i).filter((i) => (keepMask & (1 << i)) !== 0);
            checkImage(device, oracle, history, crashPoint, surviving, { writeId, keptSectors });
            tornChecked++;
          }
        }
        // Building images changed nothing on the device.
        expect([device.contents().contentHash(), device.durableContents().contentHash(), device.initialContents().contentHash()]).toEqual(hashesBefore);
        expect(device.logEntries().length).toBe(oracle.entries.length);
      }),
      { numRuns: 300 },
    );
    expect(imagesChecked).toBeGreaterThan(1000);
    expect(tornChecked).toBeGreaterThan(100);
  });
});

describe("crash images, specific cases", () => {
  function cachedDevice(latenciesNs: number[]) {
    const kernel = new Kernel("crash-case");
    const device = new SimDevice({
      name: "d",
      capacityBytes: 64 * SECTOR_BYTES,
      sectorSizeBytes: SECTOR_BYTES,
      queueDepth: 8,
      writeCache: true,
      kernel,
      model: scriptedLatencyModel(kernel, latenciesNs),
      recordLog: true,
    });
    return { kernel, device };
  }

  it("does not let a flush cover a write still in flight when the flush was submitted", () => {
    const { kernel, device } = cachedDevice([100, 10]);
    device.submit({ op: "write", offsetBytes: 0, payload: Payload.stamp(1, 512), fua: false }, () => undefined);
    device.submit({ op: "flush" }, () => undefined);
    kernel.runUntilIdle();
    const kinds = device.logEntries().map((entry) => entry.kind);
    expect(kinds).toEqual(["write-submitted", "flush-submitted", "flush-completed", "write-completed"]);
    expect(device.crashStateAt(4)).toEqual({ crashPoint: 4, durableWriteIds: [], pendingWriteIds: [0] });
    expect(device.buildImage(4, new Set()).read(0, 512).equals(Payload.zero(512))).toBe(true);
    expect(device.buildImage(4, new Set([0])).read(0, 512).equals(Payload.stamp(1, 512))).toBe(true);
  });

  it("lands a torn write's kept sectors only, in runs", () => {
    const { kernel, device } = cachedDevice([10]);
    device.submit({ op: "write", offsetBytes: 4 * SECTOR_BYTES, payload: Payload.stamp(1, 6 * SECTOR_BYTES), fua: false }, () => undefined);
    kernel.runUntilIdle();
    const image = device.buildImage(1, new Set([0]), { writeId: 0, keptSectors: [0, 1, 4] });
    const landed = Array.from({ length: 12 }, (_v, sector) => !image.read(sector * SECTOR_BYTES, SECTOR_BYTES).equals(Payload.zero(SECTOR_BYTES)));
    expect(landed.map((value, sector) => (value ? sector : -1)).filter((sector) => sector >= 0)).toEqual([4, 5, 8]);
    expect(image.read(8 * SECTOR_BYTES, SECTOR_BYTES).equals(Payload.stamp(1, SECTOR_BYTES, 4 * SECTOR_BYTES))).toBe(true);
  });

  it("rejects surviving sets and tears that the crash point does not allow", () => {
    const { kernel, device } = cachedDevice([10, 10, 10]);
    device.submit({ op: "write", offsetBytes: 0, payload: Payload.stamp(1, 1024), fua: true }, () => undefined);
    device.submit({ op: "write", offsetBytes: 1024, payload: Payload.stamp(2, 1024), fua: false }, () => undefined);
    kernel.runUntilIdle();
    const end = device.logEntries().length;
    expect(device.crashStateAt(end)).toEqual({ crashPoint: end, durableWriteIds: [0], pendingWriteIds: [1] });
    expect(() => device.buildImage(end, new Set([0]))).toThrow(/durable/);
    expect(() => device.buildImage(1, new Set([1]))).toThrow(/not submitted/);
    expect(() => device.buildImage(end, new Set(), { writeId: 1, keptSectors: [0] })).toThrow(/not among the surviving/);
    expect(() => device.buildImage(end, new Set([1]), { writeId: 1, keptSectors: [2] })).toThrow(/kept sectors/);
    expect(() => device.buildImage(end, new Set([1]), { writeId: 1, keptSectors: [1, 0] })).toThrow(/kept sectors/);
    expect(() => device.buildImage(end + 1, new Set())).toThrow(RangeError);
  });

  it("starts every image from the device's initial contents", () => {
    const kernel = new Kernel("initial");
    const initial = new SimDevice({
      name: "seed",
      capacityBytes: 8 * SECTOR_BYTES,
      sectorSizeBytes: SECTOR_BYTES,
      queueDepth: 1,
      writeCache: false,
      kernel,
      model: scriptedLatencyModel(kernel, [1]),
    }).durableContents();
    initial.write(0, Payload.stamp(50, 8 * SECTOR_BYTES));
    const device = new SimDevice({
      name: "d",
      capacityBytes: 8 * SECTOR_BYTES,
      sectorSizeBytes: SECTOR_BYTES,
      queueDepth: 1,
      writeCache: true,
      kernel,
      model: scriptedLatencyModel(kernel, [1]),
      recordLog: true,
      initialContents: initial,
    });
    device.submit({ op: "write", offsetBytes: 0, payload: Payload.stamp(51, SECTOR_BYTES), fua: false }, () => undefined);
    kernel.runUntilIdle();
    const image = device.buildImage(2, new Set());
    expect(image.contentHash()).toBe(initial.contentHash());
    expect(device.buildImage(0, new Set()).read(SECTOR_BYTES, SECTOR_BYTES).equals(Payload.stamp(50, SECTOR_BYTES, SECTOR_BYTES))).toBe(true);
  });
});
