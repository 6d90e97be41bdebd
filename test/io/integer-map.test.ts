import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IntegerMap } from "../../io/integer-map.js";
import { applyAgainstMap } from "./integer-keyed-map-oracle.js";

/** Keys that collide often in a small table (a narrow range) and keys past 2^32, where the hash mixes the high half. */
const keyArbitrary = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 2 ** 32 - 8, max: 2 ** 32 + 8 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }));
const commandArbitrary = fc.oneof(
  fc.record({ op: fc.constant("set" as const), key: keyArbitrary, value: fc.integer({ min: 0, max: 2 ** 31 - 1 }) }),
  fc.record({ op: fc.constant("delete" as const), key: keyArbitrary }),
  fc.record({ op: fc.constant("remove" as const), key: keyArbitrary }),
);

describe("IntegerMap against a Map", () => {
  it("gets, sets, deletes, removes and lists keys as a Map does, through growth and backward-shift deletion", () => {
    fc.assert(
      fc.property(fc.array(commandArbitrary, { maxLength: 300 }), (commands) => {
        const table = new IntegerMap();
        const oracle = new Map<number, number>();
        for (const command of commands) applyAgainstMap(table, oracle, command);
        for (const command of commands) expect(table.get(command.key)).toBe(oracle.get(command.key) ?? -1);
        const sorted = (keys: Iterable<number>) => [...keys].sort((a, b) => a - b);
        expect(sorted(table.keys())).toEqual(sorted(oracle.keys()));
        const copy = table.clone();
        copy.set(2 ** 40, 7);
        expect(table.get(2 ** 40)).toBe(oracle.get(2 ** 40) ?? -1);
        expect(copy.get(2 ** 40)).toBe(7);
      }),
      { numRuns: 300 },
    );
  });

  it("finds every key after heavy churn of colliding keys (deletion must keep probe runs whole)", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 24 })), { minLength: 50, maxLength: 600 }), (steps) => {
        const table = new IntegerMap();
        const oracle = new Set<number>();
        for (const [insert, key] of steps) {
          if (insert) {
            table.set(key, key);
            oracle.add(key);
          } else {
            table.delete(key);
            oracle.delete(key);
          }
          for (let k = 0; k <= 24; k++) expect(table.get(k)).toBe(oracle.has(k) ? k : -1);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("refuses keys and values it cannot hold", () => {
    const table = new IntegerMap();
    expect(() => table.set(-1, 0)).toThrow(RangeError);
    expect(() => table.set(1.5, 0)).toThrow(RangeError);
    expect(() => table.set(2 ** 53, 0)).toThrow(RangeError);
    expect(() => table.set(1, -2)).toThrow(RangeError);
    expect(() => table.set(1, 2 ** 31)).toThrow(RangeError);
  });
});
