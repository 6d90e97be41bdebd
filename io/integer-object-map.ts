import { IntegerMap } from "./integer-map.js";

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
  private readonly indexOf = new IntegerMap();
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
    const index = this.indexOf.get(key);
    if (index >= 0) {
      this.values[index] = value;
      return;
    }
    const free = this.freeIndices.pop();
    if (free === undefined) {
      this.indexOf.set(key, this.values.length);
      this.values.push(value);
    } else {
      this.indexOf.set(key, free);
      this.values[free] = value;
    }
  }

  /** Removes `key`; returns whether it was there. */
  delete(key: number): boolean {
    const index = this.indexOf.get(key);
    if (index < 0) return false;
    this.indexOf.delete(key);
    // The slot must not keep its object alive.
    this.values[index] = undefined;
    this.freeIndices.push(index);
    return true;
  }
}
