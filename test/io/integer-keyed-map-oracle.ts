import { expect } from "vitest";
import type { IntegerKeyedMap } from "../../io/direct-integer-map.js";

/** A change to an integer-keyed table, as the model tests generate them. */
export type MapChange = { op: "set"; key: number; value: number } | { op: "delete"; key: number } | { op: "remove"; key: number };

/** Makes `change` to both `table` and its oracle, and checks that the table answers as the Map does. */
export function applyAgainstMap(table: IntegerKeyedMap, oracle: Map<number, number>, change: MapChange): void {
  if (change.op === "set") {
    expect(table.set(change.key, change.value)).toBe(oracle.get(change.key) ?? -1);
    oracle.set(change.key, change.value);
  } else if (change.op === "delete") {
    expect(table.delete(change.key)).toBe(oracle.delete(change.key));
  } else {
    expect(table.remove(change.key)).toBe(oracle.get(change.key) ?? -1);
    oracle.delete(change.key);
  }
  expect(table.size).toBe(oracle.size);
}
