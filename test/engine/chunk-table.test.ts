import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ChunkState, ChunkTable } from "../../engine/chunk-table.js";
import { GeometryError } from "../../engine/errors.js";
import type { Layout } from "../../engine/on-disk/layout.js";

const layoutOf = (cofwChunkCount: number) => ({ cofwChunkCount, geometry: { chunkSizeBytes: 65536 } }) as unknown as Layout;

describe("ChunkTable", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("after recovery hands out the chunks recovery left free lowest first, and chunks released since before them, last released first", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.array(fc.boolean(), { maxLength: 200, size: "max" }), fc.array(fc.oneof(fc.constant("allocate" as const), fc.nat()), { maxLength: 300, size: "max" }), fc.nat(), fc.integer({ min: 1, max: 256 }), (count, liveBits, commands, slack, firstCapacity) => {
        // Columns that start small grow under restore, finishRestore and allocate: the order must not change.
        const table = new ChunkTable(layoutOf(count), firstCapacity);
        let restoredEnd = 0;
        for (let chunk = 0; chunk < count; chunk++) {
          if (liveBits[chunk] !== true) continue;
          table.restore(chunk, chunk, 1);
          restoredEnd = chunk + 1;
        }
        // Any bound from just past the highest restored chunk to the table's end hands chunks out in the same order.
        table.finishRestore(restoredEnd + (slack % (count - restoredEnd + 1)));
        // The model: a stack whose top is the lowest free chunk, released chunks pushed on top.
        const model = Array.from({ length: count }, (_, i) => count - 1 - i).filter((chunk) => liveBits[chunk] !== true);
        for (const c of commands) {
          if (c === "allocate") expect(table.allocate(7, 1)).toBe(model.pop());
          else {
            const chunk = c % count;
            if (table.stateOf(chunk) === ChunkState.free) continue;
            table.release(chunk);
            model.push(chunk);
          }
        }
      }),
    );
  });

  it("refuses a bound of the restored chunks below one that was restored", () => {
    const table = new ChunkTable(layoutOf(10));
    table.restore(6, 6, 1);
    expect(() => table.finishRestore(6)).toThrow(/restored chunks said to end at 6: outside 7\.\.10 \(chunk 6 was restored\)/);
    expect(() => table.finishRestore(7)).not.toThrow();
  });

  it("holds only the chunks handed out: a Cache LU of billions of chunks costs what a run uses of it", () => {
    const table = new ChunkTable(layoutOf(2 ** 32 - 2));
    expect(table.capacity).toBe(1024);
    for (let i = 0; i < 3000; i++) expect(table.allocate(i, 1)).toBe(i);
    expect(table.capacity).toBe(4096);
    expect(table.handedOutEnd).toBe(3000);
    // What was written before the columns grew is still there.
    expect([table.sourceChunk[0], table.sourceChunk[1023], table.sourceChunk[2999]]).toEqual([0, 1023, 2999]);
    expect([table.state[0], table.state[1023], table.state[2999], table.state[3000], table.stateOf(5000)]).toEqual([ChunkState.copying, ChunkState.copying, ChunkState.copying, ChunkState.free, ChunkState.free]);
    expect([table.mask[0], table.mask[2999], table.mask[3000]]).toEqual([1, 1, 0]);
    const restored = new ChunkTable(layoutOf(2 ** 32 - 2));
    restored.restore(70_000, 5, 1);
    restored.finishRestore(80_000);
    expect(restored.capacity).toBeGreaterThanOrEqual(80_000);
    expect(restored.allocate(9, 1)).toBe(0);
  });

  it("says when the memory of the chunks in use cannot be had, as a GeometryError about the Cache LU, not V8's allocation failure", () => {
    // A machine without the memory, whatever machine runs the test: typed arrays above 5,000 entries fail to allocate.
    const Real = Float64Array;
    vi.stubGlobal(
      "Float64Array",
      class extends Real {
        constructor(length: number) {
          if (length > 5000) throw new RangeError("Array buffer allocation failed");
          super(length);
        }
      },
    );
    const table = new ChunkTable(layoutOf(100_000));
    // 1,024 chunks, then 2,048 and 4,096; the 4,097th needs 8,192.
    for (let i = 0; i < 4096; i++) table.allocate(i, 1);
    const refusal = (() => {
      try {
        table.allocate(4096, 1);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(refusal).toBeInstanceOf(GeometryError);
    expect((refusal as GeometryError).lu).toBe("cache");
    expect((refusal as GeometryError).message).toMatch(/the engine keeps 14 bytes of memory per COFW chunk in use, and could not allocate them for 8192 chunks of 65536 bytes \(0\.0 GiB\); use larger chunks/);
    // Nothing was handed out or lost by the refusal.
    expect([table.inUse, table.handedOutEnd, table.capacity]).toEqual([4096, 4096, 4096]);
  });
});
