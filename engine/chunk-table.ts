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

/**
 * Per COFW chunk: state, the source chunk it copies, and the mask of session
 * slots it serves. Arrays sized by the repository (the Cache LU), which is
 * what the user provisioned; the Source LU's size costs nothing here.
 */
export class ChunkTable {
  readonly state: Uint8Array;
  readonly sourceChunk: Float64Array;
  readonly mask: Uint8Array;
  /** Chunk numbers are below 2^32 - 1 (see computeLayout). */
  private readonly freeStack = new Uint32Stack();
  /** Chunks at or past it were never handed out (since format, or since recovery): free, in address order. */
  private cursor = 0;
  /** After recovery, freed chunks (the free stack) go before fresh ones (the cursor); after format, fresh ones first. */
  private reuseFirst = false;
  /** One past the highest chunk restored by recovery. */
  private restoredHigh = 0;
  inUse = 0;

  constructor(readonly layout: Layout) {
    const n = layout.cofwChunkCount;
    try {
      this.state = new Uint8Array(n);
      this.sourceChunk = new Float64Array(n);
      this.mask = new Uint8Array(n);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      // Said in terms the user can act on, rather than V8's "Array buffer allocation failed".
      const gib = ((n * BYTES_PER_CHUNK) / 2 ** 30).toFixed(1);
      throw new GeometryError(
        `the Cache LU holds ${n} COFW chunks of ${layout.geometry.chunkSizeBytes} bytes, and the engine keeps ${BYTES_PER_CHUNK} bytes of memory per chunk (${gib} GiB), more than this process could allocate; use larger chunks or a smaller Cache LU`,
        "cache",
      );
    }
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
    assert(this.state[chunk] !== ChunkState.free, () => `chunk ${chunk} released twice`);
    this.state[chunk] = ChunkState.free;
    this.mask[chunk] = 0;
    this.sourceChunk[chunk] = 0;
    this.inUse--;
    if (chunk < this.cursor) this.freeStack.push(chunk);
  }

  /** Marks chunks in use as found by recovery; the allocator then hands out the rest. */
  restore(chunk: number, sourceChunk: number, mask: number): void {
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
    return this.cursor < this.layout.cofwChunkCount ? this.cursor++ : undefined;
  }
}
