/**
 * The map entries a Cache LU scan found valid, packed in columns. A
 * million-copy Cache LU with 8 live sessions has ~5 million of them: an object
 * each (plus the array holding them) cost ~0.25 GB at mount, on top of the
 * engine being mounted. Columns live in blocks that double up to 64 Ki runs, so growing never
 * copies what is already there (a doubling array would hold old and new at
 * once, 1.5x the final size).
 *
 * Entries are kept as runs: one source chunk, one copy, and the mask of the
 * slots that read it. One copy usually serves every live session, so 8 live
 * sessions cost one run where they cost 8 entries, and recovery sets a
 * chunk's slots in one go.
 */
const MAX_BLOCK_RUNS = 64 * 1024;
/** First block's size: a crash campaign mounts thousands of small Cache LUs, and 64 Ki runs (0.8 MB) each was most of its mount. */
const FIRST_BLOCK_RUNS = 256;

export class ValidEntries {
  /** Source chunk numbers go up to 2^48 (see computeLayout): float64, exact. */
  private readonly sourceChunkBlocks: Float64Array[] = [];
  /** Bit s: slot s reads the run's copy. */
  private readonly slotMaskBlocks: Uint8Array[] = [];
  /** COFW chunk numbers are below 2^32 - 1 (see computeLayout). */
  private readonly copyBlocks: Uint32Array[] = [];
  private count = 0;
  /** Runs in the last block. */
  private lastFill = 0;

  /** Entries (not runs): one per (source chunk, slot). */
  get length(): number {
    return this.count;
  }

  /** Adds a run: every slot in `slots` (bit s for slot s, at least one) reads `copy` for `sourceChunk`. */
  push(sourceChunk: number, slots: number, copy: number): void {
    let block = this.sourceChunkBlocks.length - 1;
    if (block < 0 || this.lastFill === this.sourceChunkBlocks[block]!.length) {
      // Blocks double from FIRST_BLOCK_RUNS up to MAX_BLOCK_RUNS: small scans stay small, big ones never copy.
      const size = block < 0 ? FIRST_BLOCK_RUNS : Math.min(MAX_BLOCK_RUNS, 2 * this.sourceChunkBlocks[block]!.length);
      this.sourceChunkBlocks.push(new Float64Array(size));
      this.slotMaskBlocks.push(new Uint8Array(size));
      this.copyBlocks.push(new Uint32Array(size));
      this.lastFill = 0;
      block++;
    }
    const within = this.lastFill++;
    this.sourceChunkBlocks[block]![within] = sourceChunk;
    this.slotMaskBlocks[block]![within] = slots;
    this.copyBlocks[block]![within] = copy;
    for (let rest = slots; rest !== 0; rest &= rest - 1) this.count++;
  }

  /** Visits the runs in the order they were pushed: `slots` has bit s for each slot that reads `copy` for `sourceChunk`. */
  forEachRun(visit: (sourceChunk: number, slots: number, copy: number) => void): void {
    const last = this.sourceChunkBlocks.length - 1;
    for (let block = 0; block <= last; block++) {
      const sourceChunks = this.sourceChunkBlocks[block]!;
      const slotMasks = this.slotMaskBlocks[block]!;
      const copies = this.copyBlocks[block]!;
      const n = block === last ? this.lastFill : sourceChunks.length;
      for (let i = 0; i < n; i++) visit(sourceChunks[i]!, slotMasks[i]!, copies[i]!);
    }
  }
}
