const EMPTY = -1;
const INITIAL_CAPACITY = 16;

/**
 * A hash map from non-negative safe integers to non-negative int32 values,
 * held in one Float64Array of (key, value) pairs with open addressing and
 * linear probing. A lookup costs one probe into one cache line where a
 * JavaScript Map of objects costs several dependent loads: the engine's
 * chunk map and the simulator's device contents look up a random key on
 * every I/O, over tables of up to millions of keys, and those cache misses
 * were a large share of a whole run.
 *
 * Iteration order is the table's, which depends on history: callers that
 * iterate sort the keys (see keys()).
 */
export class IntegerMap {
  /** Pairs: entries[2i] is a key or EMPTY, entries[2i + 1] its value. */
  private entries: Float64Array;
  private mask: number;
  private count = 0;

  constructor(capacity = INITIAL_CAPACITY) {
    let size = INITIAL_CAPACITY;
    while (size < capacity) size *= 2;
    this.entries = new Float64Array(2 * size).fill(EMPTY);
    this.mask = size - 1;
  }

  get size(): number {
    return this.count;
  }

  /** The value of `key`, or -1 when it has none. */
  get(key: number): number {
    // An empty map answers without hashing: the engine asks its map of copies in progress on every host write, and
    // it is empty through runs of rewrites.
    if (this.count === 0) return -1;
    const entries = this.entries;
    const mask = this.mask;
    for (let i = slotOf(key, mask); ; i = (i + 1) & mask) {
      const found = entries[2 * i]!;
      if (found === key) return entries[2 * i + 1]!;
      if (found === EMPTY) return -1;
    }
  }

  /** Sets `key` to `value`; returns the value it had, or -1 when it had none (so a caller needs no get first). */
  set(key: number, value: number): number {
    if (!Number.isSafeInteger(key) || key < 0) throw new RangeError(`IntegerMap keys are non-negative safe integers, got ${key}`);
    if ((value | 0) !== value || value < 0) throw new RangeError(`IntegerMap values are non-negative int32s, got ${value}`);
    const entries = this.entries;
    const mask = this.mask;
    for (let i = slotOf(key, mask); ; i = (i + 1) & mask) {
      const found = entries[2 * i]!;
      if (found === key) {
        const previous = entries[2 * i + 1]!;
        entries[2 * i + 1] = value;
        return previous;
      }
      if (found === EMPTY) {
        entries[2 * i] = key;
        entries[2 * i + 1] = value;
        // At most half full: probes stay short.
        if (++this.count * 2 > mask + 1) this.resize(2 * (mask + 1));
        return -1;
      }
    }
  }

  /** Removes `key`; returns whether it was there. */
  delete(key: number): boolean {
    return this.remove(key) >= 0;
  }

  /** Removes `key`; returns the value it had, or -1 when it had none (one probe where get and delete take two). */
  remove(key: number): number {
    const entries = this.entries;
    const mask = this.mask;
    let hole = slotOf(key, mask);
    for (; ; hole = (hole + 1) & mask) {
      const found = entries[2 * hole]!;
      if (found === EMPTY) return -1;
      if (found === key) break;
    }
    const value = entries[2 * hole + 1]!;
    // Backward-shift deletion: later keys of the probe run move into the hole, so no tombstones are needed.
    for (let i = (hole + 1) & mask; ; i = (i + 1) & mask) {
      const moving = entries[2 * i]!;
      if (moving === EMPTY) break;
      const home = slotOf(moving, mask);
      // `moving` may fill the hole only if its home is not in the cyclic range (hole, i].
      if ((i - home + mask + 1) % (mask + 1) >= (i - hole + mask + 1) % (mask + 1)) {
        entries[2 * hole] = moving;
        entries[2 * hole + 1] = entries[2 * i + 1]!;
        hole = i;
      }
    }
    entries[2 * hole] = EMPTY;
    this.count--;
    return value;
  }

  /** Every key, in no particular order (sort them before relying on an order). */
  keys(): number[] {
    const out: number[] = [];
    const entries = this.entries;
    for (let i = 0; i < entries.length; i += 2) if (entries[i] !== EMPTY) out.push(entries[i]!);
    return out;
  }

  /** An independent copy (one typed-array copy). */
  clone(): IntegerMap {
    const copy = new IntegerMap();
    copy.entries = this.entries.slice();
    copy.mask = this.mask;
    copy.count = this.count;
    return copy;
  }

  private resize(capacity: number): void {
    const old = this.entries;
    this.entries = new Float64Array(2 * capacity).fill(EMPTY);
    this.mask = capacity - 1;
    for (let i = 0; i < old.length; i += 2) {
      const key = old[i]!;
      if (key === EMPTY) continue;
      let slot = slotOf(key, this.mask);
      while (this.entries[2 * slot] !== EMPTY) slot = (slot + 1) & this.mask;
      this.entries[2 * slot] = key;
      this.entries[2 * slot + 1] = old[i + 1]!;
    }
  }
}

/** Keys that differ only in these low bits land in neighbouring slots (see slotOf). */
const RUN_BITS = 3;
const RUN_MASK = (1 << RUN_BITS) - 1;

/**
 * Where `key`'s probe run starts. Runs of 2^RUN_BITS consecutive keys keep
 * their order in neighbouring slots, so a sequential walk (a sequential
 * workload's buckets, a pass over consecutive chunks) reads the table a cache
 * line at a time rather than a line per key; the runs themselves are spread
 * by a mix of the rest of the key's bits (both 32-bit halves).
 */
function slotOf(key: number, mask: number): number {
  const low = key >>> 0;
  const high = (key - low) / 4294967296;
  let h = Math.imul((low >>> RUN_BITS) | (high << (32 - RUN_BITS)), 0x9e3779b1) ^ Math.imul(high + 0x7f4a7c15, 0x85ebca77);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 13;
  return ((h << RUN_BITS) | (low & RUN_MASK)) & mask;
}
