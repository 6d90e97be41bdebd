import { failRange, requireItemCount } from "./checks.js";

/** (sqrt(5) - 1) / 2: multiplying by the golden ratio spreads consecutive integers most evenly. */
const GOLDEN_FRACTION = (Math.sqrt(5) - 1) / 2;
const TWO_POW_26 = 2 ** 26;

function greatestCommonDivisor(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

function bitLength(value: number): number {
  let bits = 0;
  for (let power = 1; power <= value; power *= 2) bits++;
  return bits;
}

/**
 * x -> (x * multiplier) mod modulus, exact for operands below 2^53. Doubles
 * hold 53-bit integers exactly, so the product is built digit by digit
 * (Horner's rule on the multiplier in base 2^digitBits) with every partial
 * result kept below 2^53. BigInt is used only for moduli above 2^45, where the
 * digits would be too small to be worth it.
 */
export class ModularMultiplier {
  private readonly digits: readonly number[];
  private readonly digitBase: number;
  private readonly bigMultiplier: bigint | undefined;
  private readonly bigModulus: bigint | undefined;

  constructor(
    readonly multiplier: number,
    readonly modulus: number,
  ) {
    requireItemCount("ModularMultiplier", "modulus", modulus);
    if (!Number.isSafeInteger(multiplier) || multiplier < 0 || multiplier >= modulus) {
      failRange("ModularMultiplier", "multiplier", multiplier, `an integer in [0, modulus) = [0, ${modulus})`);
    }
    const digitBits = 53 - bitLength(modulus);
    if (modulus <= TWO_POW_26) {
      // x * multiplier < 2^52: one plain multiplication is exact.
      this.digits = [multiplier];
      this.digitBase = 0;
    } else if (digitBits >= 8) {
      // acc * base < modulus * 2^digitBits <= 2^53 and x * digit < 2^53: all exact.
      this.digitBase = 2 ** digitBits;
      const digits: number[] = [];
      for (let rest = multiplier; rest > 0; rest = Math.floor(rest / this.digitBase)) digits.unshift(rest % this.digitBase);
      this.digits = digits;
    } else {
      this.digits = [];
      this.digitBase = 0;
      this.bigMultiplier = BigInt(multiplier);
      this.bigModulus = BigInt(modulus);
    }
  }

  /** (x * multiplier) mod modulus for an integer x in [0, modulus). */
  apply(x: number): number {
    const m = this.modulus;
    if (this.bigModulus !== undefined && this.bigMultiplier !== undefined) return Number((BigInt(x) * this.bigMultiplier) % this.bigModulus);
    if (this.digitBase === 0) return (x * (this.digits[0] ?? 0)) % m;
    let acc = 0;
    for (const digit of this.digits) acc = (((acc * this.digitBase) % m) + ((x * digit) % m)) % m;
    return acc;
  }
}

/**
 * A fixed bijection of [0, itemCount) onto itself that spreads consecutive
 * ranks over the whole range: rank r goes to (r * A + offset) mod itemCount,
 * with A the integer nearest itemCount * 0.618... that is coprime to
 * itemCount (coprime makes it a permutation). Ranks 0, 1, 2, ... land far apart
 * and fill the range evenly, the way fio's golden-ratio multiplicative hash
 * (__hash_u64 in hash.h) scatters its zipf/pareto/normal outputs; unlike fio's
 * hash-then-modulo, two ranks never land on the same item. Rank 0 goes to
 * `offset`, as in fio where hash(0) = 0 and the center option adds the offset.
 * O(1) setup (a few gcd steps) and O(1) per call; no tables.
 */
export class IndexScatter {
  private readonly multiply: ModularMultiplier;

  constructor(
    readonly itemCount: number,
    readonly offset = 0,
  ) {
    requireItemCount("IndexScatter", "itemCount", itemCount);
    if (!Number.isSafeInteger(offset) || offset < 0 || offset >= itemCount) failRange("IndexScatter", "offset", offset, `an integer in [0, itemCount) = [0, ${itemCount})`);
    let multiplier = itemCount === 1 ? 0 : Math.max(1, Math.round(itemCount * GOLDEN_FRACTION));
    // itemCount - 1 is always coprime to itemCount, so this ends within the range.
    while (itemCount > 1 && greatestCommonDivisor(multiplier, itemCount) !== 1) multiplier++;
    this.multiply = new ModularMultiplier(multiplier, itemCount);
  }

  get multiplier(): number {
    return this.multiply.multiplier;
  }

  /** The item that rank (0-based) maps to. */
  apply(rank: number): number {
    const scattered = this.multiply.apply(rank) + this.offset;
    return scattered >= this.itemCount ? scattered - this.itemCount : scattered;
  }
}
