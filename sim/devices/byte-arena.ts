import { grown } from "./extent-run.js";

/** The smallest and largest blocks, as powers of two: 16 bytes to a whole content bucket (64 KiB). */
const MIN_CLASS = 4;
const MAX_CLASS = 16;
const INITIAL_BYTES = 4096;

/**
 * Real bytes a content store keeps a copy of, in one growable byte array cut
 * into power-of-two blocks that are reused once freed. Metadata sectors
 * are written again and again (a record or map sector per copy on first
 * write): written here, a sector's new bytes go over its old ones, where a
 * copy per write was an allocation, and a Uint8Array object per sector kept
 * for the rest of the run was garbage-collector work and cache misses.
 * Nothing outside the store ever sees a view of the arena: reads copy out.
 */
export class ByteArena {
  private bytes = new Uint8Array(0);
  private top = 0;
  /** Per block class, offsets of freed blocks. */
  private free: number[][] = [];

  /** Offset of a block of at least `lengthBytes` (1 to 64 KiB); its contents are whatever was there. */
  allocate(lengthBytes: number): number {
    const blockClass = classFor(lengthBytes);
    const reused = this.free[blockClass]?.pop();
    if (reused !== undefined) return reused;
    const offset = this.top;
    const end = offset + (1 << blockClass);
    if (end > this.bytes.length) this.bytes = grown(this.bytes, new Uint8Array(Math.max(INITIAL_BYTES, end, 2 * this.bytes.length)));
    this.top = end;
    return offset;
  }

  /** Gives back the block at `offset` allocated for `lengthBytes`. */
  release(offset: number, lengthBytes: number): void {
    (this.free[classFor(lengthBytes)] ??= []).push(offset);
  }

  /** Copies `bytes` to `offset`. */
  set(offset: number, bytes: Uint8Array): void {
    this.bytes.set(bytes, offset);
  }

  /** Copies `lengthBytes` from `from` to `to` within the arena. */
  copyWithin(to: number, from: number, lengthBytes: number): void {
    this.bytes.copyWithin(to, from, from + lengthBytes);
  }

  /** A copy of `lengthBytes` at `offset`, for a reader to keep. */
  copyOut(offset: number, lengthBytes: number): Uint8Array {
    return this.bytes.slice(offset, offset + lengthBytes);
  }

  /** An independent copy. */
  clone(): ByteArena {
    const copy = new ByteArena();
    copy.bytes = this.bytes.slice(0, this.top);
    copy.top = this.top;
    copy.free = this.free.map((offsets) => offsets.slice());
    return copy;
  }
}

function classFor(lengthBytes: number): number {
  if (!Number.isInteger(lengthBytes) || lengthBytes < 1 || lengthBytes > 1 << MAX_CLASS) throw new RangeError(`arena blocks hold 1 byte to 64 KiB, not ${lengthBytes}`);
  return Math.max(MIN_CLASS, 32 - Math.clz32(lengthBytes - 1));
}
