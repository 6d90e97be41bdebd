import { allows, type Token } from "./tokens.js";

/**
 * What each sector of the touched chunks may hold, chunk by chunk (flat
 * index c * chunkSectors + s, see CrashOracle.chunkSectors). A sector that
 * allows a single token (most sectors: every one no host write touched, and
 * most that one did at any given point) has it in one Float64Array; the
 * others (NaN there) keep their list in a map beside it.
 *
 * A crash state's check compares every sector of every touched chunk, once
 * per live session and once for the Source LU: the quickstart's ~900,000
 * sectors three times a state. Kept as a list per sector, each comparison
 * loaded a list from somewhere in the heap (a quarter of a sampled campaign's
 * time), and the lists, with the oracle's other per-sector answers, made a
 * heap of ~480 MiB whose major collections were another quarter.
 */
export class AllowedBySector {
  /** The one token of a sector that allows one, else NaN. */
  private readonly onlyTokens: Float64Array;
  /** The list of every sector that allows none or several tokens. */
  private readonly lists = new Map<number, readonly Token[]>();

  /** `allowedAt(flat)` for each of `length` sectors (the list is not kept when it is a single token). */
  constructor(length: number, allowedAt: (flat: number) => readonly Token[]) {
    this.onlyTokens = new Float64Array(length);
    for (let flat = 0; flat < length; flat++) this.set(flat, allowedAt(flat));
  }

  get length(): number {
    return this.onlyTokens.length;
  }

  /** The allowed tokens of sector `flat` (shared: do not change them). */
  at(flat: number): readonly Token[] {
    if (!(flat >= 0 && flat < this.onlyTokens.length)) throw new RangeError(`sector ${flat} is not one of the ${this.onlyTokens.length} sectors of the touched chunks`);
    const only = this.onlyTokens[flat]!;
    return Number.isNaN(only) ? this.lists.get(flat)! : [only];
  }

  set(flat: number, list: readonly Token[]): void {
    if (list.length === 1) {
      this.onlyTokens[flat] = list[0]!;
      this.lists.delete(flat);
    } else {
      this.onlyTokens[flat] = Number.NaN;
      this.lists.set(flat, list);
    }
  }

  /**
   * The first i below `count` whose token `tokens[i]` sector `firstFlat + i`
   * does not allow, or -1.
   */
  firstDisallowed(firstFlat: number, tokens: Float64Array, count: number): number {
    const onlyTokens = this.onlyTokens;
    for (let i = 0; i < count; i++) {
      const token = tokens[i]!;
      const only = onlyTokens[firstFlat + i]!;
      if (only === token) continue;
      if (Number.isNaN(only) && allows(this.lists.get(firstFlat + i)!, token)) continue;
      return i;
    }
    return -1;
  }
}
