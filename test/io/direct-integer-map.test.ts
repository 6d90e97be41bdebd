import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DIRECT_KEY_LIMIT, DirectIntegerMap, integerMapFor } from "../../io/direct-integer-map.js";
import { IntegerMap } from "../../io/integer-map.js";
import { applyAgainstMap } from "./integer-keyed-map-oracle.js";

/** A key space spanning a few 1,024-key pages, so keys share pages and some pages stay untouched. */
const KEY_LIMIT = 5000;
const keyArbitrary = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1000, max: 1100 }), fc.integer({ min: 0, max: KEY_LIMIT - 1 }));
const commandArbitrary = fc.oneof(
  fc.record({ op: fc.constant("set" as const), key: keyArbitrary, value: fc.integer({ min: 0, max: 2 ** 31 - 2 }) }),
  fc.record({ op: fc.constant("delete" as const), key: keyArbitrary }),
  fc.record({ op: fc.constant("remove" as const), key: keyArbitrary }),
  fc.record({ op: fc.constant("clone" as const) }),
);

describe("DirectIntegerMap against a Map", () => {
  it("gets, sets, deletes, removes, lists keys in ascending order and clones as a Map does", () => {
    fc.assert(
      fc.property(fc.array(commandArbitrary, { maxLength: 300 }), (commands) => {
        let table = new DirectIntegerMap(KEY_LIMIT);
        let oracle = new Map<number, number>();
        /** A clone taken along the way, with the oracle's copy at that moment: later changes must not reach it. */
        let frozen: { table: DirectIntegerMap; oracle: Map<number, number> } | undefined;
        for (const command of commands) {
          if (command.op !== "clone") applyAgainstMap(table, oracle, command);
          else {
            // Go on with the clone, and keep the original to check later.
            frozen = { table, oracle: new Map(oracle) };
            table = table.clone();
            oracle = new Map(oracle);
          }
        }
        for (const [key, value] of oracle) expect(table.get(key)).toBe(value);
        for (const command of commands) if (command.op !== "clone") expect(table.get(command.key)).toBe(oracle.get(command.key) ?? -1);
        expect(table.keys()).toEqual([...oracle.keys()].sort((a, b) => a - b));
        if (frozen !== undefined) {
          expect(frozen.table.keys()).toEqual([...frozen.oracle.keys()].sort((a, b) => a - b));
          for (const [key, value] of frozen.oracle) expect(frozen.table.get(key)).toBe(value);
          expect(frozen.table.size).toBe(frozen.oracle.size);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("answers -1 for keys outside its space, and refuses to set them or values it cannot hold", () => {
    const table = new DirectIntegerMap(10);
    table.set(9, 0);
    // Key 0 is set too: a fractional key truncated onto it would find its value.
    table.set(0, 4);
    for (const key of [-1, 10, 2 ** 40, 0.5, Number.NaN]) {
      expect(table.get(key)).toBe(-1);
      expect(table.remove(key)).toBe(-1);
    }
    expect(() => table.set(10, 1)).toThrow(RangeError);
    expect(() => table.set(-1, 1)).toThrow(RangeError);
    expect(() => table.set(1, 2 ** 31 - 1)).toThrow(RangeError);
    expect(() => table.set(1, -1)).toThrow(RangeError);
    expect(() => new DirectIntegerMap(DIRECT_KEY_LIMIT + 1)).toThrow(RangeError);
    expect(table.get(9)).toBe(0);
    expect(table.get(0)).toBe(4);
    expect(table.size).toBe(2);
  });

  it("is what integerMapFor gives for key spaces up to DIRECT_KEY_LIMIT, and a hash table past it or for an unknown bound", () => {
    expect(integerMapFor(DIRECT_KEY_LIMIT)).toBeInstanceOf(DirectIntegerMap);
    expect(integerMapFor(DIRECT_KEY_LIMIT + 1)).toBeInstanceOf(IntegerMap);
    expect(integerMapFor(undefined)).toBeInstanceOf(IntegerMap);
  });
});
