import type { BytesSegment, Segment } from "../../io/payload.js";
import { grown } from "../../io/grown.js";

/** What an extent holds: the content store's `kinds` column and an ExtentRun's. */
export const ZERO = 0;
export const STAMP = 1;
/** Real bytes handed over (see BytesSegment), kept as their segment. */
export const BYTES = 2;
/** Real bytes the store copied into its ByteArena; the stamp offset column holds their offset there. */
export const ARENA = 3;

const INITIAL_CAPACITY = 8;

/**
 * A short run of extents being assembled for one bucket of a content store,
 * in the store's own column layout (kind, start, length, stamp, stamp offset,
 * and the segment of real bytes). A write builds its pieces here, and the
 * store builds the replacement of the extents it overlaps here too: two runs
 * per store, reused by every write, where objects per piece and per
 * replacement were most of what a host write allocated.
 *
 * Appending merges an extent into the last one when it continues it, with
 * mergeSegments' rules: zeros after zeros, or the next bytes of the same
 * stamp; real bytes never merge, since that would copy them.
 * pushSegment takes zero, stamp and handed-over byte segments; arena
 * extents are pushed by the store, which owns the arena.
 */
export class ExtentRun {
  count = 0;
  kinds = new Uint8Array(INITIAL_CAPACITY);
  starts = new Int32Array(INITIAL_CAPACITY);
  lengths = new Int32Array(INITIAL_CAPACITY);
  stamps = new Float64Array(INITIAL_CAPACITY);
  stampOffsets = new Float64Array(INITIAL_CAPACITY);
  bytes: Array<BytesSegment | undefined> = new Array<BytesSegment | undefined>(INITIAL_CAPACITY).fill(undefined);

  /** Empties the run; it lets go of the byte segments it held, which must not outlive their write. */
  clear(): void {
    for (let i = 0; i < this.count; i++) this.bytes[i] = undefined;
    this.count = 0;
  }

  /** Total length of the run's extents, in bytes. */
  get lengthBytes(): number {
    let total = 0;
    for (let i = 0; i < this.count; i++) total += this.lengths[i]!;
    return total;
  }

  /** Appends `segment` placed at `startBytes`. */
  pushSegment(startBytes: number, segment: Segment): void {
    switch (segment.kind) {
      case "zero":
        this.push(ZERO, startBytes, segment.lengthBytes, 0, 0, undefined);
        return;
      case "stamp":
        this.push(STAMP, startBytes, segment.lengthBytes, segment.stamp, segment.stampOffsetBytes, undefined);
        return;
      case "bytes":
        this.push(BYTES, startBytes, segment.lengthBytes, 0, 0, segment);
        return;
    }
  }

  /** Appends an extent given by its columns (`bytes` for a BYTES extent, undefined otherwise). */
  push(kind: number, startBytes: number, lengthBytes: number, stamp: number, stampOffsetBytes: number, bytes: BytesSegment | undefined): void {
    const last = this.count - 1;
    if (last >= 0 && (kind === ZERO || kind === STAMP) && this.kinds[last] === kind && this.starts[last]! + this.lengths[last]! === startBytes) {
      if (kind === ZERO || (this.stamps[last] === stamp && this.stampOffsets[last]! + this.lengths[last]! === stampOffsetBytes)) {
        this.lengths[last] = this.lengths[last]! + lengthBytes;
        return;
      }
    }
    if (this.count === this.kinds.length) this.grow();
    const at = this.count++;
    this.kinds[at] = kind;
    this.starts[at] = startBytes;
    this.lengths[at] = lengthBytes;
    this.stamps[at] = stamp;
    this.stampOffsets[at] = stampOffsetBytes;
    this.bytes[at] = bytes;
  }

  private grow(): void {
    const size = this.kinds.length * 2;
    this.kinds = grown(this.kinds, new Uint8Array(size));
    this.starts = grown(this.starts, new Int32Array(size));
    this.lengths = grown(this.lengths, new Int32Array(size));
    this.stamps = grown(this.stamps, new Float64Array(size));
    this.stampOffsets = grown(this.stampOffsets, new Float64Array(size));
    while (this.bytes.length < size) this.bytes.push(undefined);
  }
}
