import { IntegerMap } from "./integer-map.js";

/** Slots of the key index at first (4 KiB); it grows as an IntegerMap does. */
const INDEX_CAPACITY = 256;

/**
 * A map from non-negative safe integers to objects that allocates nothing
 * once it has held its largest number of entries: keys go through an
 * IntegerMap to an index into a value array whose freed indices are reused.
 *
 * For keys set and deleted on every I/O (chunks being copied, metadata
 * sectors being written). A JavaScript Map under that churn rebuilds its
 * hash table every few dozen deletions; each new table is young, held by a
 * long-lived Map, so it survives the next scavenge and is promoted: over a
 * whole run those tables were a third of everything that outlived the young
 * generation (V8's sampling heap profiler, objects kept by minor GCs).
 */
export class IntegerObjectMap<V> {
  /**
   * Sized well above the few dozen keys in use at once: keys that are often consecutive (sectors) share probe
   * runs in IntegerMap, and in a half-full table those runs ran together, so every delete shifted a long run.
   */
  private readonly indexOf = new IntegerMap(INDEX_CAPACITY);
  private readonly values: Array<V | undefined> = [];
  private readonly freeIndices: number[] = [];

  get size(): number {
    return this.indexOf.size;
  }

  get(key: number): V | undefined {
    const index = this.indexOf.get(key);
    return index < 0 ? undefined : this.values[index];
  }

  has(key: number): boolean {
    return this.indexOf.get(key) >= 0;
  }

  set(key: number, value: V): void {
    // One probe: the key takes a free index, and one it had already (callers mostly set absent keys) is freed.
    const index = this.freeIndices.pop() ?? this.values.length;
    const previous = this.indexOf.set(key, index);
    if (previous >= 0) {
      this.values[previous] = undefined;
      this.freeIndices.push(previous);
    }
    if (index === this.values.length) this.values.push(value);
    else this.values[index] = value;
  }

  /** Removes `key`; returns whether it was there. */
  delete(key: number): boolean {
    const index = this.indexOf.remove(key);
    if (index < 0) return false;
    // The slot must not keep its object alive.
    this.values[index] = undefined;
    this.freeIndices.push(index);
    return true;
  }
}
