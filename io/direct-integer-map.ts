import { IntegerMap } from "./integer-map.js";

/** Keys per page: 1024 int32 values, 4 KiB, one memory page. */
const PAGE_BITS = 10;
const PAGE_KEYS = 1 << PAGE_BITS;
const PAGE_MASK = PAGE_KEYS - 1;

/**
 * Key spaces up to this many keys are held directly (see integerMapFor): at
 * most 4,096 pages, 16 MiB if every page is touched. A 256 GiB device's
 * content buckets fit, and the map groups of a Source LU of up to 63M
 * chunks (15 entries a group: ~4 PiB of 64 KiB chunks, 240 GiB of 4 KiB
 * ones); a larger key space keeps the hash table, whose memory follows the
 * keys alone (a 16 TiB device written at 100,000 random places would touch
 * ~50,000 pages here).
 */
export const DIRECT_KEY_LIMIT = 1 << 22;

/** What the engine's and the simulator's integer-keyed tables need; IntegerMap and DirectIntegerMap both are. */
export interface IntegerKeyedMap {
  readonly size: number;
  /** The value of `key`, or -1 when it has none. */
  get(key: number): number;
  /** Sets `key` to `value`; returns the value it had, or -1. */
  set(key: number, value: number): number;
  delete(key: number): boolean;
  /** Removes `key`; returns the value it had, or -1. */
  remove(key: number): number;
  /** Every key (IntegerMap's in no particular order: sort them before relying on one). */
  keys(): number[];
  clone(): IntegerKeyedMap;
}

/**
 * A table of keys below `keyLimit`, looked up by address: each page of 1,024
 * keys is an Int32Array of value + 1 (0 for none), made when a key in it is
 * first set. Where IntegerMap hashes and probes and, as it fills, rebuilds
 * its whole table at every doubling, a lookup here is two loads and a set
 * never moves anything: over a whole run of a 64 GiB Source LU, the content
 * stores' hash tables were 32 MiB each, and their rebuilds 5% of the run.
 * Memory follows the touched pages, and so does a clone's copy.
 */
export class DirectIntegerMap implements IntegerKeyedMap {
  private pages: Array<Int32Array | undefined>;
  private count = 0;

  constructor(readonly keyLimit: number) {
    if (!Number.isSafeInteger(keyLimit) || keyLimit < 0 || keyLimit > DIRECT_KEY_LIMIT) {
      throw new RangeError(`DirectIntegerMap holds key spaces of up to ${DIRECT_KEY_LIMIT} keys, not ${keyLimit}`);
    }
    // Pushed one by one: `new Array(n)` of a large n is a dictionary, slow to index.
    this.pages = [];
    for (let page = 0; page < Math.ceil(keyLimit / PAGE_KEYS); page++) this.pages.push(undefined);
  }

  get size(): number {
    return this.count;
  }

  get(key: number): number {
    if (!this.holds(key)) return -1;
    const page = this.pages[key >>> PAGE_BITS];
    return page === undefined ? -1 : page[key & PAGE_MASK]! - 1;
  }

  set(key: number, value: number): number {
    if (!this.holds(key)) throw new RangeError(`keys of this map are integers from 0 to ${this.keyLimit - 1}, got ${key}`);
    if ((value | 0) !== value || value < 0 || value === 2 ** 31 - 1) throw new RangeError(`DirectIntegerMap values are int32s from 0 to 2^31 - 2, got ${value}`);
    const index = key >>> PAGE_BITS;
    const page = (this.pages[index] ??= new Int32Array(PAGE_KEYS));
    const previous = page[key & PAGE_MASK]! - 1;
    page[key & PAGE_MASK] = value + 1;
    if (previous < 0) this.count++;
    return previous;
  }

  delete(key: number): boolean {
    return this.remove(key) >= 0;
  }

  remove(key: number): number {
    const page = this.holds(key) ? this.pages[key >>> PAGE_BITS] : undefined;
    if (page === undefined) return -1;
    const previous = page[key & PAGE_MASK]! - 1;
    if (previous >= 0) {
      page[key & PAGE_MASK] = 0;
      this.count--;
    }
    return previous;
  }

  /**
   * Whether `key` is an integer of the space. One that is not (negative,
   * fractional, NaN, past the limit) has no value, as in IntegerMap: `>>>`
   * would truncate it onto some other key's place.
   */
  private holds(key: number): boolean {
    return key >>> 0 === key && key < this.keyLimit;
  }

  /** Every key, ascending. */
  keys(): number[] {
    const out: number[] = [];
    for (let index = 0; index < this.pages.length; index++) {
      const page = this.pages[index];
      if (page === undefined) continue;
      for (let i = 0; i < PAGE_KEYS; i++) if (page[i] !== 0) out.push(index * PAGE_KEYS + i);
    }
    return out;
  }

  clone(): DirectIntegerMap {
    const copy = new DirectIntegerMap(this.keyLimit);
    copy.pages = this.pages.map((page) => page?.slice());
    copy.count = this.count;
    return copy;
  }
}

/** A table for keys below `keyLimit`: held directly when it is known and small enough, else hashed. */
export function integerMapFor(keyLimit: number | undefined): IntegerKeyedMap {
  return keyLimit !== undefined && keyLimit <= DIRECT_KEY_LIMIT ? new DirectIntegerMap(keyLimit) : new IntegerMap();
}
