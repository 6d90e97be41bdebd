/**
 * A growable column of numbers for traces of tens of millions of requests.
 *
 * Kept in blocks of BLOCK_ENTRIES rather than one typed array that doubles:
 * doubling copies the whole column each time and leaves the old copy to the
 * garbage collector, so a 50M-request trace held two or three times its
 * columns at the worst moment; blocks never move. Each column starts at the
 * narrowest type its values need (a device index fits in a byte, a length in
 * 32 bits) and widens, block by block, to the first type that holds a value
 * that does not fit: Float64 holds every number a parser produces.
 */

/** Entries per block: 8 MiB of Float64, few enough blocks that finding one costs a shift. */
const BLOCK_BITS = 20;
export const BLOCK_ENTRIES = 2 ** BLOCK_BITS;
const BLOCK_MASK = BLOCK_ENTRIES - 1;
/** The first block starts this small and doubles up to BLOCK_ENTRIES, so that a trace of a few lines costs a few bytes. */
const FIRST_BLOCK_ENTRIES = 1024;

export type ColumnType = "u8" | "u16" | "u32" | "f64";
type Block = Uint8Array | Uint16Array | Uint32Array | Float64Array;

const WIDER: Record<ColumnType, ColumnType> = { u8: "u16", u16: "u32", u32: "f64", f64: "f64" };

function fits(type: ColumnType, value: number): boolean {
  switch (type) {
    case "u8":
      return (value & 0xff) === value;
    case "u16":
      return (value & 0xffff) === value;
    case "u32":
      return value >>> 0 === value;
    case "f64":
      return true;
  }
}

function newBlock(type: ColumnType, entries: number): Block {
  switch (type) {
    case "u8":
      return new Uint8Array(entries);
    case "u16":
      return new Uint16Array(entries);
    case "u32":
      return new Uint32Array(entries);
    case "f64":
      return new Float64Array(entries);
  }
}

export class NumberColumn {
  private blocks: Block[] = [];
  private capacity = 0;

  constructor(private type: ColumnType = "f64") {}

  get(index: number): number {
    return this.blocks[index >>> BLOCK_BITS]![index & BLOCK_MASK]!;
  }

  /** Sets entry `index`, growing the column when index is its capacity (entries are appended in order, or overwritten below the count) and widening it when the value needs a wider type. */
  set(index: number, value: number): void {
    if (index >= this.capacity) this.grow(index + 1);
    if (!fits(this.type, value)) this.widen(value);
    this.blocks[index >>> BLOCK_BITS]![index & BLOCK_MASK] = value;
  }

  /** Drops entries from `count` on, giving back whole blocks past it. */
  truncate(count: number): void {
    const blocksKept = Math.ceil(count / BLOCK_ENTRIES);
    if (blocksKept < this.blocks.length) {
      this.blocks.length = blocksKept;
      this.capacity = blocksKept === 0 ? 0 : (blocksKept - 1) * BLOCK_ENTRIES + this.blocks[blocksKept - 1]!.length;
    }
  }

  /** Bytes held, for tests of what a request costs. */
  get bytes(): number {
    return this.blocks.reduce((sum, block) => sum + block.byteLength, 0);
  }

  private grow(entries: number): void {
    const last = this.blocks[this.blocks.length - 1];
    if (last !== undefined && last.length < BLOCK_ENTRIES) {
      // The first block, still doubling: copied, but it is at most one block.
      const bigger = newBlock(this.type, Math.min(BLOCK_ENTRIES, Math.max(last.length * 2, entries)));
      bigger.set(last);
      this.blocks[this.blocks.length - 1] = bigger;
      this.capacity = bigger.length;
      return;
    }
    this.blocks.push(newBlock(this.type, this.blocks.length === 0 ? FIRST_BLOCK_ENTRIES : BLOCK_ENTRIES));
    this.capacity += this.blocks[this.blocks.length - 1]!.length;
  }

  private widen(value: number): void {
    let type = this.type;
    while (!fits(type, value)) type = WIDER[type];
    this.type = type;
    // One block at a time, each old one let go as its copy is made: never the whole column twice.
    for (let i = 0; i < this.blocks.length; i++) {
      const wider = newBlock(type, this.blocks[i]!.length);
      wider.set(this.blocks[i]!);
      this.blocks[i] = wider;
    }
  }
}
