import { Uint32Stack } from "../io/uint32-stack.js";
import { assert, GeometryError } from "./errors.js";
import type { Layout } from "./on-disk/layout.js";

/** Life of a COFW chunk in memory. */
export const ChunkState = {
  /** Free and safe to reuse: no durable metadata gives it a valid meaning. */
  free: 0,
  /** Allocated; its copy data is not yet durable. */
  copying: 1,
  /** Copy data durable; the record saying so may not be yet. */
  ready: 2,
  /** Record durable: the copy serves its sessions. */
  live: 3,
} as const;

/** Memory per COFW chunk: state, source chunk and mask, plus its place on the free stack once recovery frees it. */
const BYTES_PER_CHUNK = 1 + 8 + 1 + 4;

/** The columns' first size, in chunks: a small run's table costs next to nothing. */
const FIRST_CAPACITY_CHUNKS = 1024;

/**
 * Per COFW chunk: state, the source chunk it copies, and the mask of session
 * slots it serves; the Source LU's size costs nothing here.
 *
 * The columns hold the chunks handed out so far (and restored), not the whole
 * Cache LU: they grow, doubling, as the allocator reaches further, and every
 * chunk past them is free. Sized by the Cache LU, a mount of 500 GiB (8M
 * chunks of 64 KiB) allocated 80 MB of columns, and assertConsistent read
 * 8 MB of states, to check a crash state holding a few dozen copies; and a
 * Cache LU of billions of chunks was refused for want of memory whatever a
 * run would use of it. Because they grow, the columns are new arrays after
 * allocate, restore and finishRestore: read them afresh, do not keep them
 * across those calls.
 */
export class ChunkTable {
  state: Uint8Array = new Uint8Array(0);
  sourceChunk: Float64Array = new Float64Array(0);
  mask: Uint8Array = new Uint8Array(0);
  /** Chunk numbers are below 2^32 - 1 (see computeLayout). */
  private readonly freeStack = new Uint32Stack();
  /** Chunks at or past it were never handed out (since format, or since recovery): free, in address order. */
  private cursor = 0;
  /** After recovery, freed chunks (the free stack) go before fresh ones (the cursor); after format, fresh ones first. */
  private reuseFirst = false;
  /** One past the highest chunk restored by recovery. */
  private restoredHigh = 0;
  inUse = 0;

  /** `firstCapacityChunks` is for tests, which make the columns grow sooner. */
  constructor(
    readonly layout: Layout,
    firstCapacityChunks = FIRST_CAPACITY_CHUNKS,
  ) {
    this.reserve(Math.min(firstCapacityChunks, layout.cofwChunkCount));
  }

  /** How many chunks the columns hold: every chunk at or past it is free. At least handedOutEnd. */
  get capacity(): number {
    return this.state.length;
  }

  /** The state of `chunk`, a chunk of the Cache LU: free past the columns. */
  stateOf(chunk: number): number {
    return chunk < this.state.length ? this.state[chunk]! : ChunkState.free;
  }

  /** Grows the columns to hold chunks below `end` (doubling, so that growth costs a constant per chunk). */
  private reserve(end: number): void {
    if (end <= this.state.length) return;
    const n = Math.min(this.layout.cofwChunkCount, Math.max(end, 2 * this.state.length));
    let state: Uint8Array, sourceChunk: Float64Array, mask: Uint8Array;
    try {
      state = new Uint8Array(n);
      sourceChunk = new Float64Array(n);
      mask = new Uint8Array(n);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      // Said in terms the user can act on, rather than V8's "Array buffer allocation failed".
      const gib = ((n * BYTES_PER_CHUNK) / 2 ** 30).toFixed(1);
      throw new GeometryError(
        `the engine keeps ${BYTES_PER_CHUNK} bytes of memory per COFW chunk in use, and could not allocate them for ${n} chunks of ${this.layout.geometry.chunkSizeBytes} bytes (${gib} GiB); use larger chunks`,
        "cache",
      );
    }
    state.set(this.state);
    sourceChunk.set(this.sourceChunk);
    mask.set(this.mask);
    this.state = state;
    this.sourceChunk = sourceChunk;
    this.mask = mask;
  }

  /**
   * A free chunk, or undefined when the repository is full. Fresh chunks are
   * taken in address order first (sequential on the Cache LU, and records fill
   * one at a time), then chunks freed since.
   */
  allocate(sourceChunk: number, mask: number): number | undefined {
    const chunk = this.reuseFirst ? (this.freeStack.pop() ?? this.fresh()) : (this.fresh() ?? this.freeStack.pop());
    if (chunk === undefined) return undefined;
    assert(this.state[chunk] === ChunkState.free, () => `allocated chunk ${chunk} is not free (state ${this.state[chunk!]})`);
    this.state[chunk] = ChunkState.copying;
    this.sourceChunk[chunk] = sourceChunk;
    this.mask[chunk] = mask;
    this.inUse++;
    return chunk;
  }

  /** Returns a chunk to the free pool; the caller vouches that durable metadata no longer gives it meaning. */
  release(chunk: number): void {
    assert(this.stateOf(chunk) !== ChunkState.free, () => `chunk ${chunk} released twice`);
    this.state[chunk] = ChunkState.free;
    this.mask[chunk] = 0;
    this.sourceChunk[chunk] = 0;
    this.inUse--;
    if (chunk < this.cursor) this.freeStack.push(chunk);
  }

  /** Marks chunks in use as found by recovery; the allocator then hands out the rest. */
  restore(chunk: number, sourceChunk: number, mask: number): void {
    assert(Number.isInteger(chunk) && chunk >= 0 && chunk < this.layout.cofwChunkCount, () => `restored chunk ${chunk} is outside the Cache LU's ${this.layout.cofwChunkCount} chunks`);
    this.reserve(chunk + 1);
    this.state[chunk] = ChunkState.live;
    this.sourceChunk[chunk] = sourceChunk;
    this.mask[chunk] = mask;
    this.inUse++;
    this.restoredHigh = Math.max(this.restoredHigh, chunk + 1);
  }

  /**
   * After recovery: every chunk not restored is free, and the lowest free
   * chunk is handed out first. `restoredEnd` bounds the restored chunks (none
   * at or past it). The free chunks below it go on the stack, highest first;
   * those past it stay with the cursor, which hands them out in address order
   * once the stack is empty: the order of one stack of every free chunk,
   * without a push per chunk of the Cache LU (8M of them for 500 GiB of 64 KiB
   * chunks, at every mount of a crash campaign).
   */
  finishRestore(restoredEnd: number): void {
    assert(Number.isInteger(restoredEnd) && restoredEnd >= this.restoredHigh && restoredEnd <= this.layout.cofwChunkCount, () => `restored chunks said to end at ${restoredEnd}: outside ${this.restoredHigh}..${this.layout.cofwChunkCount} (chunk ${this.restoredHigh - 1} was restored)`);
    // The free chunks below the bound go on the stack and may be handed out: the columns hold them.
    this.reserve(restoredEnd);
    this.cursor = restoredEnd;
    this.reuseFirst = true;
    this.freeStack.clear();
    for (let chunk = restoredEnd - 1; chunk >= 0; chunk--) {
      if (this.state[chunk] === ChunkState.free) this.freeStack.push(chunk);
    }
  }

  /**
   * No chunk at or past this was handed out since format or recovery (nor
   * restored): all of them are free, and walks over the chunks in use stop
   * here. Allocate and restore are the only ways out of free, and both stay
   * below it.
   */
  get handedOutEnd(): number {
    return this.cursor;
  }

  /** The next chunk never handed out, or undefined when there is none. */
  private fresh(): number | undefined {
    if (this.cursor >= this.layout.cofwChunkCount) return undefined;
    this.reserve(this.cursor + 1);
    return this.cursor++;
  }
}
