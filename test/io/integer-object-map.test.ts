import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IntegerObjectMap } from "../../io/integer-object-map.js";

const keyArbitrary = fc.oneof(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }));
const commandArbitrary = fc.oneof(
  fc.record({ op: fc.constant("set" as const), key: keyArbitrary, label: fc.string({ maxLength: 3 }) }),
  fc.record({ op: fc.constant("delete" as const), key: keyArbitrary }),
);

describe("IntegerObjectMap against a Map", () => {
  it("gets, has, sets and deletes as a Map does, reusing the indices of deleted keys", () => {
    fc.assert(
      fc.property(fc.array(commandArbitrary, { maxLength: 300 }), (commands) => {
        const table = new IntegerObjectMap<{ label: string }>();
        const oracle = new Map<number, { label: string }>();
        for (const command of commands) {
          if (command.op === "set") {
            // A fresh object each time: the test sees object identity, not an equal copy.
            const value = { label: command.label };
            table.set(command.key, value);
            oracle.set(command.key, value);
          } else {
            expect(table.delete(command.key)).toBe(oracle.delete(command.key));
          }
          expect(table.size).toBe(oracle.size);
          // No value of a deleted or overwritten key stays reachable from the value array.
          const held = (table as unknown as { values: unknown[] }).values.filter((value) => value !== undefined);
          expect(held.length).toBe(oracle.size);
        }
        for (const command of commands) {
          expect(table.get(command.key)).toBe(oracle.get(command.key));
          expect(table.has(command.key)).toBe(oracle.has(command.key));
        }
      }),
      { numRuns: 300 },
    );
  });

  it("does not keep a deleted value reachable from its slot", () => {
    const table = new IntegerObjectMap<object>();
    table.set(5, {});
    table.delete(5);
    // The freed index is handed to the next key, and its old object is gone from the value array.
    const values = (table as unknown as { values: unknown[] }).values;
    expect(values).toEqual([undefined]);
    const next = {};
    table.set(9, next);
    expect(values).toEqual([next]);
    expect(table.get(5)).toBeUndefined();
  });
});
