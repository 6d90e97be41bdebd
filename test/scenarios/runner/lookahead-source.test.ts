import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LookaheadSource } from "../../../scenarios/runner/lookahead-source.js";
import type { NextIo, WorkloadSource } from "../../../scenarios/workloads/source.js";

/** A source that hands out `ios` and then undefined, counting how often it is asked after it said it was done. */
function listSource(ios: readonly NextIo[]): WorkloadSource & { askedAfterEnd: number } {
  let at = 0;
  return {
    name: "list/0",
    loop: { kind: "closed", iodepth: 4, thinktimeNs: 0, thinktimeBlocks: 1 },
    startDelayNs: 7,
    runtimeNs: 1000,
    notes: ["a note"],
    askedAfterEnd: 0,
    next() {
      if (at >= ios.length) {
        this.askedAfterEnd++;
        return undefined;
      }
      return ios[at++];
    },
  };
}

const ioArbitrary = fc.record({
  io: fc.record({ kind: fc.constantFrom("read" as const, "write" as const), offsetBytes: fc.integer({ min: 0, max: 2 ** 40 }).map((n) => n * 512), lengthBytes: fc.constant(4096) }),
  arrivalNs: fc.nat(),
});

describe("LookaheadSource", () => {
  it("hands out the inner source's I/Os in order, each one's offset told ahead in a batch of at most batchIos, and asks the inner source nothing after its end", () => {
    fc.assert(
      fc.property(fc.array(ioArbitrary, { maxLength: 60 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 5 }), (ios, batchIos, extraCalls) => {
        const inner = listSource(ios);
        /** Offsets told and not yet handed out. */
        const told: number[] = [];
        const batches: number[] = [];
        const source = new LookaheadSource(inner, batchIos, (offsetsBytes, count) => {
          // A new batch is read only once the last one is all handed out.
          expect(told).toEqual([]);
          batches.push(count);
          told.push(...offsetsBytes.subarray(0, count));
        });
        const out: NextIo[] = [];
        for (let next = source.next(); next !== undefined; next = source.next()) {
          expect(next.io.offsetBytes).toBe(told.shift());
          out.push(next);
        }
        for (let i = 0; i < extraCalls; i++) expect(source.next()).toBeUndefined();
        expect(out).toEqual(ios);
        expect(told).toEqual([]);
        expect(batches.every((count) => count >= 1 && count <= batchIos)).toBe(true);
        // Full batches until the last: the inner source is read ahead by batchIos, not less.
        expect(batches.slice(0, -1).every((count) => count === batchIos)).toBe(true);
        expect(inner.askedAfterEnd).toBe(1);
      }),
    );
  });

  it("keeps the inner source's name, loop, start delay, runtime and notes, and wants a positive whole batch", () => {
    const inner = listSource([]);
    const source = new LookaheadSource(inner, 4, () => undefined);
    expect([source.name, source.loop, source.startDelayNs, source.runtimeNs, source.notes]).toEqual([inner.name, inner.loop, inner.startDelayNs, inner.runtimeNs, inner.notes]);
    const { runtimeNs: _, ...withoutRuntime } = inner;
    expect("runtimeNs" in new LookaheadSource({ ...withoutRuntime, next: () => undefined }, 1, () => undefined)).toBe(false);
    for (const batchIos of [0, -1, 1.5, Number.NaN]) expect(() => new LookaheadSource(inner, batchIos, () => undefined)).toThrow(/batchIos must be a positive integer/);
  });
});
