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
      fc.property(fc.integer({ min: 1, max: 200 }), fc.array(fc.boolean(), { maxLength: 200, size: "max" }), fc.array(fc.oneof(fc.constant("allocate" as const), fc.nat()), { maxLength: 300, size: "max" }), fc.nat(), (count, liveBits, commands, slack) => {
        const table = new ChunkTable(layoutOf(count));
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
            if (table.state[chunk] === ChunkState.free) continue;
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

  it("says what a Cache LU too large for memory needs, as a GeometryError about the Cache LU, not V8's allocation failure", () => {
    // A machine without the memory, whatever machine runs the test: typed arrays above 1,000 entries fail to allocate.
    const Real = Float64Array;
    vi.stubGlobal(
      "Float64Array",
      class extends Real {
        constructor(length: number) {
          if (length > 1000) throw new RangeError("Array buffer allocation failed");
          super(length);
        }
      },
    );
    const refusal = (() => {
      try {
        new ChunkTable(layoutOf(5000));
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(refusal).toBeInstanceOf(GeometryError);
    expect((refusal as GeometryError).lu).toBe("cache");
    expect((refusal as GeometryError).message).toMatch(/holds 5000 COFW chunks of 65536 bytes, and the engine keeps 14 bytes of memory per chunk .*use larger chunks or a smaller Cache LU/);
    expect(new ChunkTable(layoutOf(1000)).state.length).toBe(1000);
  });
});
