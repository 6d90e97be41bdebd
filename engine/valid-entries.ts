/**
 * The map entries a Cache LU scan found valid, packed in columns. A
 * million-copy Cache LU with 8 live sessions has ~5 million of them: an object
 * each (plus the array holding them) cost ~0.25 GB at mount, on top of the
 * engine being mounted. Columns live in fixed-size blocks, so growing never
 * copies what is already there (a doubling array would hold old and new at
 * once, 1.5x the final size).
 */
const BLOCK_ENTRIES = 64 * 1024;

export class ValidEntries {
  /** Source chunk numbers go up to 2^48 (see computeLayout): float64, exact. */
  private readonly sourceChunkBlocks: Float64Array[] = [];
  private readonly slotBlocks: Uint8Array[] = [];
  /** COFW chunk numbers are below 2^32 - 1 (see computeLayout). */
  private readonly copyBlocks: Uint32Array[] = [];
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(sourceChunk: number, slot: number, copy: number): void {
    const within = this.count % BLOCK_ENTRIES;
    if (within === 0) {
      this.sourceChunkBlocks.push(new Float64Array(BLOCK_ENTRIES));
      this.slotBlocks.push(new Uint8Array(BLOCK_ENTRIES));
      this.copyBlocks.push(new Uint32Array(BLOCK_ENTRIES));
    }
    const block = this.sourceChunkBlocks.length - 1;
    this.sourceChunkBlocks[block]![within] = sourceChunk;
    this.slotBlocks[block]![within] = slot;
    this.copyBlocks[block]![within] = copy;
    this.count++;
  }

  /** Visits the entries in the order they were pushed. */
  forEach(visit: (sourceChunk: number, slot: number, copy: number) => void): void {
    for (let block = 0; block < this.sourceChunkBlocks.length; block++) {
      const sourceChunks = this.sourceChunkBlocks[block]!;
      const slots = this.slotBlocks[block]!;
      const copies = this.copyBlocks[block]!;
      const n = Math.min(BLOCK_ENTRIES, this.count - block * BLOCK_ENTRIES);
      for (let i = 0; i < n; i++) visit(sourceChunks[i]!, slots[i]!, copies[i]!);
    }
  }
}
