/**
 * The map entries a Cache LU scan found valid, packed in columns. A
 * million-copy Cache LU with 8 live sessions has ~5 million of them: an object
 * each (plus the array holding them) cost ~0.25 GB at mount, on top of the
 * engine being mounted. Columns live in blocks that double up to 64 Ki entries, so growing never
 * copies what is already there (a doubling array would hold old and new at
 * once, 1.5x the final size).
 */
const MAX_BLOCK_ENTRIES = 64 * 1024;
/** First block's size: a crash campaign mounts thousands of small Cache LUs, and 64 Ki entries (0.8 MB) each was most of its mount. */
const FIRST_BLOCK_ENTRIES = 256;

export class ValidEntries {
  /** Source chunk numbers go up to 2^48 (see computeLayout): float64, exact. */
  private readonly sourceChunkBlocks: Float64Array[] = [];
  private readonly slotBlocks: Uint8Array[] = [];
  /** COFW chunk numbers are below 2^32 - 1 (see computeLayout). */
  private readonly copyBlocks: Uint32Array[] = [];
  private count = 0;
  /** Entries in the last block. */
  private lastFill = 0;

  get length(): number {
    return this.count;
  }

  push(sourceChunk: number, slot: number, copy: number): void {
    let block = this.sourceChunkBlocks.length - 1;
    if (block < 0 || this.lastFill === this.sourceChunkBlocks[block]!.length) {
      // Blocks double from FIRST_BLOCK_ENTRIES up to MAX_BLOCK_ENTRIES: small scans stay small, big ones never copy.
      const size = block < 0 ? FIRST_BLOCK_ENTRIES : Math.min(MAX_BLOCK_ENTRIES, 2 * this.sourceChunkBlocks[block]!.length);
      this.sourceChunkBlocks.push(new Float64Array(size));
      this.slotBlocks.push(new Uint8Array(size));
      this.copyBlocks.push(new Uint32Array(size));
      this.lastFill = 0;
      block++;
    }
    const within = this.lastFill++;
    this.sourceChunkBlocks[block]![within] = sourceChunk;
    this.slotBlocks[block]![within] = slot;
    this.copyBlocks[block]![within] = copy;
    this.count++;
  }

  /** Visits the entries in the order they were pushed. */
  forEach(visit: (sourceChunk: number, slot: number, copy: number) => void): void {
    const last = this.sourceChunkBlocks.length - 1;
    for (let block = 0; block <= last; block++) {
      const sourceChunks = this.sourceChunkBlocks[block]!;
      const slots = this.slotBlocks[block]!;
      const copies = this.copyBlocks[block]!;
      const n = block === last ? this.lastFill : sourceChunks.length;
      for (let i = 0; i < n; i++) visit(sourceChunks[i]!, slots[i]!, copies[i]!);
    }
  }
}
