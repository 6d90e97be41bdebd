/**
 * fio's "random map" without the map. By default fio touches every block of a
 * uniform random job exactly once before touching any block twice (HOWTO,
 * `norandommap`), which for a copy-on-first-write engine decides how many
 * chunks get copied: a randwrite of `size` bytes copies every chunk once, where
 * independent draws would leave about 1/e of them untouched. fio keeps a bitmap
 * of the file for this; a 16 TiB Source LU in 512-byte blocks would need 4 GiB
 * of bitmap, so instead each pass walks a keyed pseudo-random permutation of
 * [0, itemCount): O(1) memory, O(1) expected time per item.
 *
 * The permutation is a balanced Feistel network over 2 * halfBits bits (a
 * bijection whatever the round function) restricted to [0, itemCount) by cycle
 * walking: re-encrypt until the value falls in range. The domain is below
 * 4 * itemCount, so a walk takes fewer than 4 steps on average, and it always
 * ends because the walk stays on the cycle of a value that is in range.
 * Each pass draws fresh round keys, as fio draws on when it resets its map.
 */
import type { Rng } from "../../sim/rng/streams.js";

/** Luby-Rackoff: four rounds of a pseudo-random function make a pseudo-random permutation. */
const FEISTEL_ROUNDS = 4;
const TWO_POW_32 = 2 ** 32;
const MAX_ITEMS = 2 ** 52;

export class JobRandomMap {
  private readonly halfBits: number;
  /** 2^halfBits: one half of a Feistel block. */
  private readonly halfSize: number;
  private readonly halfMask: number;
  private readonly roundKeys = new Int32Array(FEISTEL_ROUNDS);
  /** How many items of the current pass have been handed out. */
  private positionInPass: number;
  /** Passes started so far (the first is started by the first `next`). */
  private passCount = 0;

  constructor(readonly itemCount: number) {
    // Up to 2^52 items the Feistel domain stays within 2^52, where doubles are
    // exact integers (2^40 items is already a 512 PiB volume in 512-byte blocks).
    if (!Number.isSafeInteger(itemCount) || itemCount < 1 || itemCount > MAX_ITEMS) {
      throw new RangeError(`JobRandomMap: itemCount must be an integer in [1, 2^52], got ${itemCount}`);
    }
    let bits = 0;
    while (2 ** bits < itemCount) bits++;
    // At most 26 bits a half: every half fits an int32 for the bit operations.
    this.halfBits = Math.max(1, Math.ceil(bits / 2));
    this.halfSize = 2 ** this.halfBits;
    this.halfMask = this.halfSize - 1;
    // Start "at the end of pass 0" so the first call draws the keys: building a
    // source then draws nothing, and the stream is consumed only by I/Os.
    this.positionInPass = itemCount;
  }

  /** Passes started so far; a pass hands out every item exactly once. */
  get passes(): number {
    return this.passCount;
  }

  /** The next item of the current pass, starting a new pass (new keys) after the last one. */
  next(rng: Rng): number {
    if (this.positionInPass >= this.itemCount) {
      for (let round = 0; round < FEISTEL_ROUNDS; round++) this.roundKeys[round] = rng.int(0, TWO_POW_32 - 1) | 0;
      this.positionInPass = 0;
      this.passCount++;
    }
    let value = this.positionInPass++;
    do value = this.permute(value);
    while (value >= this.itemCount);
    return value;
  }

  private permute(value: number): number {
    // value < 2^(2 * halfBits) <= 2^52 is split exactly by floating division.
    let left = Math.floor(value / this.halfSize);
    let right = value - left * this.halfSize;
    for (let round = 0; round < FEISTEL_ROUNDS; round++) {
      const mixed = (left ^ (roundFunction(right, this.roundKeys[round] as number) & this.halfMask)) >>> 0;
      left = right;
      right = mixed;
    }
    return left * this.halfSize + right;
  }
}

/** murmur3's 32-bit finalizer over (half ^ key): every input bit reaches every output bit. */
function roundFunction(half: number, key: number): number {
  let h = half ^ key;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
