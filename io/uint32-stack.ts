/**
 * A last-in-first-out stack of unsigned 32-bit integers in a typed array that
 * doubles as it fills. A JavaScript array of numbers costs 8 bytes an entry
 * and V8 aborts the process (not a catchable error) when one grows past about
 * 134 million entries: the free COFW chunks of a 500 GiB Cache LU at 4 KiB
 * chunks are 131 million.
 */
export class Uint32Stack {
  private items = new Uint32Array(16);
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(value: number): void {
    if (this.count === this.items.length) {
      const grown = new Uint32Array(2 * this.items.length);
      grown.set(this.items);
      this.items = grown;
    }
    this.items[this.count++] = value;
  }

  /** The latest value pushed, removed; undefined when empty. */
  pop(): number | undefined {
    return this.count === 0 ? undefined : this.items[--this.count];
  }

  clear(): void {
    this.count = 0;
  }
}
