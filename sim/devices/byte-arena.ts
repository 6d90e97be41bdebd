import { grown } from "../../io/grown.js";

/** The smallest and largest blocks, as powers of two: 16 bytes to a whole content bucket (64 KiB). */
const MIN_CLASS = 4;
const MAX_CLASS = 16;
/** The arena is kept in pages of the largest block: a block, aligned to its size, never spans two. */
const PAGE_BYTES = 1 << MAX_CLASS;
/** The first page starts this small and doubles: a store with a few sectors (a crash image's) stays small. */
const INITIAL_BYTES = 4096;

/**
 * Real bytes a content store keeps a copy of, cut into power-of-two blocks
 * that are reused once freed. Metadata sectors are written again and again
 * (a record or map sector per copy on first write): written here, a
 * sector's new bytes go over its old ones, where a copy per write was an
 * allocation, and a Uint8Array object per sector kept for the rest of the
 * run was garbage-collector work and cache misses. Nothing outside the
 * store ever sees a view of the arena: reads copy out.
 *
 * Held in 64 KiB pages rather than one array that doubles: growing a 64 MiB
 * array copied all of it into fresh memory, and on this project's VMs
 * fresh memory costs a page fault per 4 KiB; over a whole run the arena's
 * growth was 2-3% of the time. A block is aligned to its own size, so it
 * lies in one page; the gap that aligning leaves goes to the free blocks.
 */
export class ByteArena {
  /** Every page is PAGE_BYTES long but the first, which may be shorter while it is the only one. */
  private pages: Uint8Array[] = [];
  private top = 0;
  /** Per block class, offsets of freed blocks (and of alignment gaps). */
  private free: number[][] = [];

  /** Offset of a block of at least `lengthBytes` (1 to 64 KiB); its contents are whatever was there. */
  allocate(lengthBytes: number): number {
    const blockClass = classFor(lengthBytes);
    const reused = this.free[blockClass]?.pop();
    if (reused !== undefined) return reused;
    const blockBytes = 1 << blockClass;
    // The gap up to the next multiple of the block size is itself a run of aligned blocks: top is a multiple of
    // 2^MIN_CLASS, and its lowest set bit is the largest block that starts there and stays aligned.
    while (this.top % blockBytes !== 0) {
      const gapClass = lowestSetBitClass(this.top);
      (this.free[gapClass] ??= []).push(this.top);
      this.top += 1 << gapClass;
    }
    const offset = this.top;
    this.top = offset + blockBytes;
    this.makeRoomUpTo(this.top);
    return offset;
  }

  /** Gives back the block at `offset` allocated for `lengthBytes`. */
  release(offset: number, lengthBytes: number): void {
    (this.free[classFor(lengthBytes)] ??= []).push(offset);
  }

  /** Copies `bytes` to `offset`. */
  set(offset: number, bytes: Uint8Array): void {
    this.pageOf(offset).set(bytes, offset % PAGE_BYTES);
  }

  /** Copies `lengthBytes` from `from` to `to` within the arena (two blocks, each in one page; set copies within one page as copyWithin does). */
  copyWithin(to: number, from: number, lengthBytes: number): void {
    this.pageOf(to).set(this.bytesAt(from, lengthBytes), to % PAGE_BYTES);
  }

  /** A copy of `lengthBytes` at `offset`, for a reader to keep. */
  copyOut(offset: number, lengthBytes: number): Uint8Array {
    const at = offset % PAGE_BYTES;
    return this.pageOf(offset).slice(at, at + lengthBytes);
  }

  /** Copies `lengthBytes` at `offset` (within one block) into `target` at `targetOffset`. */
  copyTo(target: Uint8Array, targetOffset: number, offset: number, lengthBytes: number): void {
    target.set(this.bytesAt(offset, lengthBytes), targetOffset);
  }

  /** The page holding `offset`: a block lies in one page, so its bytes are in the page of its offset. */
  private pageOf(offset: number): Uint8Array {
    return this.pages[Math.floor(offset / PAGE_BYTES)]!;
  }

  /** A view of `lengthBytes` at `offset`, within one block; never handed out of the arena. */
  private bytesAt(offset: number, lengthBytes: number): Uint8Array {
    const at = offset % PAGE_BYTES;
    return this.pageOf(offset).subarray(at, at + lengthBytes);
  }

  /** An independent copy. */
  clone(): ByteArena {
    const copy = new ByteArena();
    copy.pages = this.pages.map((page) => page.slice());
    copy.top = this.top;
    copy.free = this.free.map((offsets) => offsets.slice());
    return copy;
  }

  /** Makes the pages reach `end`. */
  private makeRoomUpTo(end: number): void {
    const pages = this.pages;
    const first = pages[0];
    if (end <= PAGE_BYTES) {
      // While it is the only page, the first doubles, up to a whole page.
      if (first === undefined) pages.push(new Uint8Array(Math.max(INITIAL_BYTES, end)));
      else if (first.length < end) pages[0] = grown(first, new Uint8Array(Math.min(PAGE_BYTES, Math.max(end, 2 * first.length))));
      return;
    }
    if (first === undefined) pages.push(new Uint8Array(PAGE_BYTES));
    else if (first.length < PAGE_BYTES) pages[0] = grown(first, new Uint8Array(PAGE_BYTES));
    while (pages.length * PAGE_BYTES < end) pages.push(new Uint8Array(PAGE_BYTES));
  }
}

function classFor(lengthBytes: number): number {
  if (!Number.isInteger(lengthBytes) || lengthBytes < 1 || lengthBytes > 1 << MAX_CLASS) throw new RangeError(`arena blocks hold 1 byte to 64 KiB, not ${lengthBytes}`);
  return Math.max(MIN_CLASS, 32 - Math.clz32(lengthBytes - 1));
}

/** The class of the largest aligned block at `offset` (a multiple of 2^MIN_CLASS, not of 2^MAX_CLASS). */
function lowestSetBitClass(offset: number): number {
  const withinPage = offset % PAGE_BYTES;
  return 31 - Math.clz32(withinPage & -withinPage);
}
