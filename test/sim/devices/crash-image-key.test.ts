import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Payload, concatPayloads, type Segment } from "../../../io/payload.js";
import { canonicalSector } from "../../../sim/devices/crash-image-key.js";
import { ContentStore } from "../../../sim/devices/content-store.js";
import { SimDevice } from "../../../sim/devices/sim-device.js";
import type { Tear } from "../../../sim/devices/crash-image.js";
import { Kernel } from "../../../sim/kernel.js";
import { scriptedLatencyModel } from "./test-service-models.js";

const SECTOR_BYTES = 512;
const SECTORS = 12;
const UNWRITTEN_STAMP = 3;

/**
 * Sector contents chosen so that different writes often hold equal content in
 * different representations (zeros as a segment and as bytes, a stamp split in
 * two, unwritten-looking content): the key must call them equal exactly when
 * contentHash does.
 */
type SectorKind = "zero-segment" | "zero-bytes" | "bytes-a" | "bytes-a-copy" | "bytes-b" | "stamp-7" | "stamp-7-split" | "unwritten" | "mixed";

function sectorPayload(kind: SectorKind, absoluteSector: number): Payload {
  const bytesA = (): Uint8Array => {
    const bytes = new Uint8Array(SECTOR_BYTES);
    bytes[0] = 1;
    bytes[300] = 2;
    return bytes;
  };
  switch (kind) {
    case "zero-segment":
      return Payload.zero(SECTOR_BYTES);
    case "zero-bytes":
      return Payload.bytes(new Uint8Array(SECTOR_BYTES));
    case "bytes-a":
    case "bytes-a-copy":
      return Payload.bytes(bytesA());
    case "bytes-b":
      return Payload.bytes(new Uint8Array(SECTOR_BYTES).fill(9));
    case "stamp-7":
      return Payload.stamp(7, SECTOR_BYTES, 0);
    case "stamp-7-split":
      return concatPayloads([Payload.stamp(7, 100, 0), Payload.stamp(7, SECTOR_BYTES - 100, 100)]);
    case "unwritten":
      return Payload.stamp(UNWRITTEN_STAMP, SECTOR_BYTES, absoluteSector * SECTOR_BYTES);
    case "mixed": {
      // bytes-a as zeros, a short byte run and more zeros in three segments: the same content.
      const middle = new Uint8Array(300);
      middle[0] = 1;
      return concatPayloads([Payload.zero(0), Payload.bytes(middle), Payload.bytes(bytesA().subarray(300)), Payload.zero(0)]);
    }
  }
}

const kinds: SectorKind[] = ["zero-segment", "zero-bytes", "bytes-a", "bytes-a-copy", "bytes-b", "stamp-7", "stamp-7-split", "unwritten", "mixed"];

interface WriteSpec {
  atNs: number;
  sector: number;
  contents: SectorKind[];
  fua: boolean;
}

const historyArbitrary = fc.record({
  writeCache: fc.boolean(),
  unwrittenStamp: fc.constantFrom(undefined, UNWRITTEN_STAMP),
  initial: fc.array(fc.tuple(fc.integer({ min: 0, max: SECTORS - 1 }), fc.constantFrom(...kinds)), { maxLength: 4 }),
  ops: fc.array(
    fc.oneof(
      { weight: 4, arbitrary: fc.record({ atNs: fc.integer({ min: 0, max: 30 }).map((t) => t * 10), sector: fc.integer({ min: 0, max: SECTORS - 1 }), contents: fc.array(fc.constantFrom(...kinds), { minLength: 1, maxLength: 3 }), fua: fc.boolean() }) },
      { weight: 1, arbitrary: fc.record({ atNs: fc.integer({ min: 0, max: 30 }).map((t) => t * 10) }) },
    ),
    { minLength: 1, maxLength: 8 },
  ),
  latenciesNs: fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 6 }),
  stopAtNs: fc.integer({ min: 0, max: 600 }),
});

type History = typeof historyArbitrary extends fc.Arbitrary<infer H> ? H : never;

function recordedDevice(history: History): SimDevice {
  const kernel = new Kernel("crash-image-key-test");
  const unwritten = history.unwrittenStamp === undefined ? {} : { unwrittenStamp: history.unwrittenStamp };
  const initial = new ContentStore(unwritten);
  for (const [sector, kind] of history.initial) initial.write(sector * SECTOR_BYTES, sectorPayload(kind, sector));
  const device = new SimDevice({ name: "keydev", capacityBytes: SECTORS * SECTOR_BYTES, sectorSizeBytes: SECTOR_BYTES, queueDepth: 4, writeCache: history.writeCache, kernel, model: scriptedLatencyModel(kernel, history.latenciesNs), recordLog: true, initialContents: initial, ...unwritten });
  for (const op of history.ops) {
    kernel.schedule(op.atNs, () => {
      if (!("sector" in op)) {
        device.submit({ op: "flush" }, () => {});
        return;
      }
      const write = op as WriteSpec;
      const sectors = Math.min(write.contents.length, SECTORS - write.sector);
      const payload = concatPayloads(write.contents.slice(0, sectors).map((kind, i) => sectorPayload(kind, write.sector + i)));
      device.submit({ op: "write", offsetBytes: write.sector * SECTOR_BYTES, payload, fua: write.fua }, (_completion, error) => expect(error).toBeUndefined());
    });
  }
  kernel.runUntil(history.stopAtNs);
  return device;
}

describe("crash image keys", () => {
  it("are equal exactly when the built images' content hashes are equal", () => {
    let states = 0;
    let sharedKeys = 0;
    fc.assert(
      fc.property(historyArbitrary, (history) => {
        const device = recordedDevice(history);
        const hashOfKey = new Map<string, string>();
        const keyOfHash = new Map<string, string>();
        const keyed: Array<{ point: number; surviving: Set<number>; tear: Tear | undefined; key: string; hash: string }> = [];
        const log = device.log();
        for (let point = 0; point <= log.length; point++) {
          const pending = device.crashStateAt(point).pendingWriteIds;
          for (let mask = 0; mask < 2 ** Math.min(pending.length, 5); mask++) {
            const surviving = new Set(pending.filter((_w, bit) => (mask & (1 << bit)) !== 0));
            const tears: Array<Tear | undefined> = [undefined];
            for (const writeId of surviving) {
              const sectors = log.write(writeId).payload.lengthBytes / SECTOR_BYTES;
              if (sectors > 1) tears.push({ writeId, keptSectors: [0] }, { writeId, keptSectors: [sectors - 1] });
            }
            for (const tear of tears) {
              const key = device.imageKey(point, surviving, tear);
              const hash = device.buildImage(point, surviving, tear).contentHash();
              states++;
              if (hashOfKey.has(key)) sharedKeys++;
              expect(hashOfKey.get(key) ?? hash).toBe(hash);
              expect(keyOfHash.get(hash) ?? key).toBe(key);
              hashOfKey.set(key, hash);
              keyOfHash.set(hash, key);
              keyed.push({ point, surviving, tear, key, hash });
            }
          }
        }
        // Asked again in the opposite order (key and image builder keep what they worked out for the last point), nothing changes.
        for (const { point, surviving, tear, key, hash } of keyed.reverse()) {
          expect(device.imageKey(point, surviving, tear)).toBe(key);
          expect(device.buildImage(point, surviving, tear).contentHash()).toBe(hash);
        }
      }),
      { numRuns: 300 },
    );
    // The property is only worth something if distinct states often share an image.
    expect(states).toBeGreaterThan(2000);
    expect(sharedKeys).toBeGreaterThan(500);
  });

  it("follow writes logged after the first key", () => {
    const kernel = new Kernel("crash-image-key-grow");
    const device = new SimDevice({ name: "keydev", capacityBytes: SECTORS * SECTOR_BYTES, sectorSizeBytes: SECTOR_BYTES, queueDepth: 4, writeCache: false, kernel, model: scriptedLatencyModel(kernel, [10]), recordLog: true });
    device.submit({ op: "write", offsetBytes: 0, payload: Payload.stamp(5, SECTOR_BYTES), fua: false }, () => {});
    kernel.runUntilIdle();
    expect(device.imageKey(device.log().length, new Set())).not.toBe(device.imageKey(0, new Set()));
    device.submit({ op: "write", offsetBytes: 4 * SECTOR_BYTES, payload: Payload.stamp(6, SECTOR_BYTES), fua: false }, () => {});
    kernel.runUntilIdle();
    // A key built before the second write would not see sector 4 at all.
    expect(device.imageKey(device.log().length, new Set())).not.toBe(device.imageKey(2, new Set()));
  });
});

describe("canonical sector form", () => {
  const form = (...segments: Segment[]): string => canonicalSector(segments);
  it("treats zero segments and zero bytes alike, and merges a stamp cut in two", () => {
    expect(form({ kind: "zero", lengthBytes: 512 })).toBe(form({ kind: "bytes", lengthBytes: 512, bytes: new Uint8Array(512) }));
    expect(form({ kind: "stamp", lengthBytes: 100, stamp: 4, stampOffsetBytes: 8 }, { kind: "stamp", lengthBytes: 412, stamp: 4, stampOffsetBytes: 108 })).toBe(form({ kind: "stamp", lengthBytes: 512, stamp: 4, stampOffsetBytes: 8 }));
  });
  it("tells apart stamps from their materialised bytes, and stamps that do not continue each other", () => {
    const stamp = Payload.stamp(4, 512, 8);
    expect(form(...stamp.segments)).not.toBe(form({ kind: "bytes", lengthBytes: 512, bytes: stamp.toBytes() }));
    expect(form({ kind: "stamp", lengthBytes: 256, stamp: 4, stampOffsetBytes: 0 }, { kind: "stamp", lengthBytes: 256, stamp: 4, stampOffsetBytes: 512 })).not.toBe(form({ kind: "stamp", lengthBytes: 512, stamp: 4, stampOffsetBytes: 0 }));
  });
  it("keeps where real bytes sit among zeros", () => {
    const oneAt = (at: number): Uint8Array => {
      const bytes = new Uint8Array(512);
      bytes[at] = 1;
      return bytes;
    };
    expect(form({ kind: "bytes", lengthBytes: 512, bytes: oneAt(3) })).not.toBe(form({ kind: "bytes", lengthBytes: 512, bytes: oneAt(4) }));
    expect(form({ kind: "zero", lengthBytes: 3 }, { kind: "bytes", lengthBytes: 509, bytes: oneAt(3).subarray(3) })).toBe(form({ kind: "bytes", lengthBytes: 512, bytes: oneAt(3) }));
  });
});
