import { Payload, type BytesSegment, type Segment } from "../../io/payload.js";
import { CanonicalContentHasher } from "./content-hash.js";
import { mergeSegments, sliceSegment } from "../../io/payload.js";
import { integerMapFor, type IntegerKeyedMap } from "../../io/direct-integer-map.js";
import { ByteArena } from "./byte-arena.js";
import { withDoubleFields } from "../../io/double-fields.js";
import { ARENA, BYTES, ExtentRun, STAMP, ZERO } from "./extent-run.js";
import { grown } from "../../io/grown.js";
import { isUnwrittenContent, unwrittenSegment } from "./unwritten-content.js";

/**
 * The address space is cut into fixed buckets so that a write touches only the
 * few extents near it. 64 KiB keeps a bucket's extent list short even when it
 * is filled with 4 KiB writes of distinct stamps, while a 1 MiB write still
 * touches only 16 buckets.
 */
export const CONTENT_BUCKET_BYTES = 64 * 1024;

/** Extent slots are handed to buckets in blocks of 2^class slots; 2^16 slots hold the most extents a bucket can have (one per byte). */
const MAX_BLOCK_CLASS = 16;
/** Moves of up to this many slots are copied slot by slot rather than by a copyWithin per column. */
const SMALL_MOVE_SLOTS = 8;
/** First size of a store's slot columns: a new store (a device's write cache makes one per flush) must cost next to nothing. */
const INITIAL_SLOTS = 16;

/** The smallest block class that holds `count` extents. */
function blockClassFor(count: number): number {
  let blockClass = 0;
  while (1 << blockClass < count) blockClass++;
  return blockClass;
}

/** Read access to device contents, for callers that must not change them. */
export interface ContentView {
  readonly unwrittenStamp: number | undefined;
  /** Bytes of content held in memory (content that differs from never-written space). */
  readonly storedBytes: number;
  readonly extentCount: number;
  readonly bucketCount: number;
  read(offsetBytes: number, lengthBytes: number): Payload;
  contentHash(): string;
  clone(): ContentStore;
  forEachExtent(visit: (offsetBytes: number, segment: Segment) => void): void;
}

export interface ContentStoreOptions {
  /** When given, never-written space reads as this stamp at the absolute device offset instead of zeros. */
  readonly unwrittenStamp?: number;
  /**
   * The size of the device, when known: a device of up to DIRECT_KEY_LIMIT
   * buckets (256 GiB) finds its buckets by address rather than by hash (see
   * DirectIntegerMap). The store holds nothing past it.
   */
  readonly capacityBytes?: number;
}

/**
 * The sparse contents of a device. Memory follows what was written, not the
 * capacity: a never-written 16 TiB device holds nothing, and content equal to
 * what never-written space holds is not stored at all.
 *
 * Stored densely: an extent is a slot in typed-array columns (kind, start,
 * length, stamp, stamp offset: 25 bytes), not two objects (~100 bytes with a
 * boxed stamp offset above 2^31); a bucket is a block of consecutive slots
 * described by three more columns, not an object with an array. A
 * million-write run keeps millions of extents, and as objects they were most
 * of the heap and most of what every major garbage collection had to mark.
 * Real bytes are kept two ways. Bytes handed over (see BytesSegment) are
 * kept as their segment objects, in a side column that exists only once the
 * store holds one (a crash image shares its write log's bytes this way).
 * Lent bytes (the engine's metadata sectors) are copied into a ByteArena,
 * where writing a sector again writes over its old bytes.
 *
 * Segments come out of `read` and `forEachExtent` as fresh objects equal to the
 * ones written, cut and merged exactly as before this layout (a model test
 * holds the two layouts to the same reads).
 */
export class ContentStore implements ContentView {
  readonly unwrittenStamp: number | undefined;
  /**
   * Bucket index (address / CONTENT_BUCKET_BYTES) -> bucket id. An IntegerMap
   * rather than a Map: every read and write looks a random bucket up, and a
   * Map of millions of entries cost several cache misses per lookup. On a
   * device of known, moderate size, a DirectIntegerMap (see capacityBytes).
   */
  private buckets: IntegerKeyedMap;

  // ---- buckets, by id: a block of `2^bucketClass` slots from `bucketBase`, the first `bucketLength` in use, sorted by start.
  private bucketBase = new Int32Array(0);
  private bucketLength = new Int32Array(0);
  private bucketClass = new Uint8Array(0);
  private bucketIdTop = 0;
  private freeBucketIds: number[] = [];
  private bucketTotal = 0;

  // ---- extent slots: the columns, the next never-used slot and, per block class, freed blocks.
  private kinds = new Uint8Array(0);
  /** Start within the bucket (below 2^16) and length (up to 2^16) in bytes. */
  private starts = new Int32Array(0);
  private lengths = new Int32Array(0);
  /** Stamp and stamp offset of STAMP slots (safe integers, exact in float64). */
  private stamps = new Float64Array(0);
  private stampOffsets = new Float64Array(0);
  /**
   * The segment of each BYTES slot, as written; undefined elsewhere. Made on
   * the first BYTES slot, and only as long as the highest slot that held one:
   * slots past its end have none. A Cache LU's store holds the few sectors a
   * format hands over, in its first slots, and a column as long as the
   * others cost every other slot a write of undefined, and the column's
   * growth (a push per slot) ~1% of a whole run.
   */
  private bytesSegments: Array<BytesSegment | undefined> | undefined;
  /** The store's copies of lent bytes (ARENA slots); see pushPiece. */
  private arena = new ByteArena();
  private slotTop = 0;
  private freeBlocks: number[][] = [];

  /** A write's pieces for one bucket, and the replacement of the extents they overlap (see ExtentRun). */
  private readonly pieces = new ExtentRun();
  private readonly replacement = new ExtentRun();
  /** touch()'s bucket ids, then slots, one per offset. */
  private touchSlots = new Int32Array(0);

  private sortedKeysCache: number[] | undefined;
  private storedBytesTotal = 0;
  private extentTotal = 0;

  constructor(options: ContentStoreOptions = {}) {
    // Bytes past 2^30 (see withDoubleFields).
    withDoubleFields(this, ["storedBytesTotal"]);
    const { unwrittenStamp, capacityBytes } = options;
    if (unwrittenStamp !== undefined && !Number.isSafeInteger(unwrittenStamp)) {
      throw new RangeError(`unwrittenStamp must be a safe integer, got ${unwrittenStamp}`);
    }
    if (capacityBytes !== undefined && (!Number.isSafeInteger(capacityBytes) || capacityBytes < 0)) {
      throw new RangeError(`capacityBytes must be a non-negative safe integer, got ${capacityBytes}`);
    }
    this.buckets = integerMapFor(capacityBytes === undefined ? undefined : Math.ceil(capacityBytes / CONTENT_BUCKET_BYTES));
    this.unwrittenStamp = unwrittenStamp;
  }

  get storedBytes(): number {
    return this.storedBytesTotal;
  }

  get extentCount(): number {
    return this.extentTotal;
  }

  get bucketCount(): number {
    return this.bucketTotal;
  }

  /** The id of the bucket at `bucketIndex`, or -1 when nothing is stored there. */
  private bucketId(bucketIndex: number): number {
    return this.buckets.get(bucketIndex);
  }

  write(offsetBytes: number, payload: Payload): void {
    checkRange("write", offsetBytes, payload.lengthBytes);
    const segments = payload.segments;
    if (segments.length === 1 && payload.lengthBytes > 0) {
      this.writeSegment(offsetBytes, segments[0]!);
      return;
    }
    const endBytes = offsetBytes + payload.lengthBytes;
    const pieces = this.pieces;
    let segmentIndex = 0;
    let withinSegmentBytes = 0;
    let position = offsetBytes;
    while (position < endBytes) {
      const bucketIndex = Math.floor(position / CONTENT_BUCKET_BYTES);
      const bucketBase = bucketIndex * CONTENT_BUCKET_BYTES;
      const stopBytes = Math.min(endBytes, bucketBase + CONTENT_BUCKET_BYTES);
      const fromBytes = position - bucketBase;
      pieces.clear();
      while (position < stopBytes) {
        const segment = segments[segmentIndex];
        if (segment === undefined) throw new Error(`payload segments end before its length of ${payload.lengthBytes} bytes`);
        const availableBytes = segment.lengthBytes - withinSegmentBytes;
        if (availableBytes <= 0) {
          segmentIndex++;
          withinSegmentBytes = 0;
          continue;
        }
        const takeBytes = Math.min(availableBytes, stopBytes - position);
        this.pushPiece(position - bucketBase, sliceSegment(segment, withinSegmentBytes, takeBytes), position);
        position += takeBytes;
        withinSegmentBytes += takeBytes;
      }
      this.replaceRange(bucketIndex, fromBytes, stopBytes - bucketBase, pieces);
    }
    pieces.clear();
  }

  /**
   * A payload of one segment: the common case (host writes, copies, metadata
   * sectors), bucket by bucket without the general loop's bookkeeping.
   */
  private writeSegment(offsetBytes: number, segment: Segment): void {
    const endBytes = offsetBytes + segment.lengthBytes;
    const firstBucket = Math.floor(offsetBytes / CONTENT_BUCKET_BYTES);
    if (endBytes <= (firstBucket + 1) * CONTENT_BUCKET_BYTES) {
      const fromBytes = offsetBytes - firstBucket * CONTENT_BUCKET_BYTES;
      // A metadata sector written again, as most are: its new bytes go into the store's own copy of the old ones.
      if (segment.kind === "bytes" && segment.handedOver !== true && this.overwriteInPlace(firstBucket, fromBytes, segment)) return;
      this.pieces.clear();
      this.pushPiece(fromBytes, segment, offsetBytes);
      this.replaceRange(firstBucket, fromBytes, fromBytes + segment.lengthBytes, this.pieces);
      this.pieces.clear();
      return;
    }
    for (let position = offsetBytes; position < endBytes; ) {
      const bucketIndex = Math.floor(position / CONTENT_BUCKET_BYTES);
      const bucketBase = bucketIndex * CONTENT_BUCKET_BYTES;
      const stopBytes = Math.min(endBytes, bucketBase + CONTENT_BUCKET_BYTES);
      this.pieces.clear();
      this.pushPiece(position - bucketBase, sliceSegment(segment, position - offsetBytes, stopBytes - position), position);
      this.replaceRange(bucketIndex, position - bucketBase, stopBytes - bucketBase, this.pieces);
      position = stopBytes;
    }
    this.pieces.clear();
  }

  /**
   * Adds a piece of a write placed at `startBytes` in its bucket (`offsetBytes`
   * on the device), unless it is a hole. Lent bytes (see BytesSegment) are
   * copied into the arena; bytes handed over are kept as they are.
   */
  private pushPiece(startBytes: number, segment: Segment, offsetBytes: number): void {
    if (segment.kind === "bytes" && segment.handedOver !== true) {
      const at = this.arena.allocate(segment.lengthBytes);
      this.arena.set(at, segment.bytes);
      this.pieces.push(ARENA, startBytes, segment.lengthBytes, 0, at, undefined);
      return;
    }
    // Unwritten-looking content is left as a hole: it reads the same and costs nothing.
    if (!isUnwrittenContent(segment, this.unwrittenStamp, offsetBytes)) this.pieces.pushSegment(startBytes, segment);
  }

  read(offsetBytes: number, lengthBytes: number): Payload {
    checkRange("read", offsetBytes, lengthBytes);
    const out: Segment[] = [];
    if (lengthBytes === 0) return new Payload(out);
    const endBytes = offsetBytes + lengthBytes;
    let position = offsetBytes;
    const firstBucket = Math.floor(offsetBytes / CONTENT_BUCKET_BYTES);
    const lastBucket = Math.floor((endBytes - 1) / CONTENT_BUCKET_BYTES);
    if (lastBucket - firstBucket <= 4 * this.bucketTotal + 64) {
      for (let bucketIndex = firstBucket; bucketIndex <= lastBucket; bucketIndex++) {
        const id = this.bucketId(bucketIndex);
        if (id >= 0) position = this.readBucket(out, bucketIndex, id, position, endBytes);
      }
    } else {
      // A read far wider than the written buckets walks the written ones instead of every address.
      const keys = this.sortedKeys();
      for (let i = lowerBound(keys, firstBucket); i < keys.length; i++) {
        const bucketIndex = keys[i] as number;
        if (bucketIndex > lastBucket) break;
        position = this.readBucket(out, bucketIndex, this.bucketId(bucketIndex), position, endBytes);
      }
    }
    if (position < endBytes) pushSegment(out, unwrittenSegment(this.unwrittenStamp, position, endBytes - position));
    return new Payload(out);
  }

  /** Appends to `out` what one bucket holds from `position` up to `endBytes`; returns the new position. */
  private readBucket(out: Segment[], bucketIndex: number, id: number, position: number, endBytes: number): number {
    const bucketBase = bucketIndex * CONTENT_BUCKET_BYTES;
    const fromBytes = position - bucketBase;
    const toBytes = Math.min(endBytes - bucketBase, CONTENT_BUCKET_BYTES);
    const base = this.bucketBase[id]!;
    const length = this.bucketLength[id]!;
    const starts = this.starts;
    const lengths = this.lengths;
    const kinds = this.kinds;
    for (let i = this.firstEndingAfter(base, length, fromBytes); i < length; i++) {
      const slot = base + i;
      const extentStart = starts[slot]!;
      if (extentStart >= toBytes) break;
      const startBytes = Math.max(extentStart, fromBytes);
      let stopBytes = Math.min(extentStart + lengths[slot]!, toBytes);
      const absoluteStart = bucketBase + startBytes;
      if (absoluteStart > position) pushSegment(out, unwrittenSegment(this.unwrittenStamp, position, absoluteStart - position));
      // Lent bytes side by side (a region's metadata sectors) come out as one copy: an array per sector cost ~2 us
      // each, and a mount reads every metadata sector of the Cache LU (a fifth of a whole run's recovery).
      let last = i;
      if (kinds[slot] === ARENA) {
        while (last + 1 < length && kinds[base + last + 1] === ARENA && starts[base + last + 1] === starts[base + last]! + lengths[base + last]! && starts[base + last + 1]! < toBytes) last++;
      }
      if (last === i) pushSegment(out, this.segmentAt(slot, startBytes - extentStart, stopBytes - startBytes));
      else {
        stopBytes = Math.min(starts[base + last]! + lengths[base + last]!, toBytes);
        const bytes = new Uint8Array(stopBytes - startBytes);
        for (let k = slot; k <= base + last; k++) {
          const from = Math.max(starts[k]!, startBytes);
          const to = Math.min(starts[k]! + lengths[k]!, stopBytes);
          this.arena.copyTo(bytes, from - startBytes, this.stampOffsets[k]! + (from - starts[k]!), to - from);
        }
        out.push({ kind: "bytes", lengthBytes: bytes.length, bytes, handedOver: true });
        i = last;
      }
      position = bucketBase + stopBytes;
    }
    return position;
  }

  /**
   * Writes lent bytes over the arena copy of an extent with exactly their
   * place and length, if there is one; false when there is not.
   */
  private overwriteInPlace(bucketIndex: number, fromBytes: number, segment: BytesSegment): boolean {
    const id = this.bucketId(bucketIndex);
    if (id < 0) return false;
    const base = this.bucketBase[id]!;
    const length = this.bucketLength[id]!;
    const lengthBytes = segment.lengthBytes;
    // Sectors written again and again come to fill their bucket with extents of one length in address order, so
    // extent k usually starts at k lengths: one probe rather than a binary search over up to 128 extents, whose
    // reads miss the cache when the buckets are many (a map sector per copy on first write).
    const guess = fromBytes % lengthBytes === 0 ? fromBytes / lengthBytes : length;
    const slot = base + (guess < length && this.starts[base + guess] === fromBytes ? guess : this.firstEndingAfter(base, length, fromBytes));
    if (slot >= base + length || this.kinds[slot] !== ARENA || this.starts[slot] !== fromBytes || this.lengths[slot] !== lengthBytes) return false;
    this.arena.set(this.stampOffsets[slot]!, segment.bytes);
    return true;
  }

  /** An independent copy. The columns are copied (typed-array copies, no per-extent work). */
  clone(): ContentStore {
    const copy = new ContentStore(this.unwrittenStamp === undefined ? {} : { unwrittenStamp: this.unwrittenStamp });
    copy.buckets = this.buckets.clone();
    copy.bucketBase = this.bucketBase.slice(0, this.bucketIdTop);
    copy.bucketLength = this.bucketLength.slice(0, this.bucketIdTop);
    copy.bucketClass = this.bucketClass.slice(0, this.bucketIdTop);
    copy.bucketIdTop = this.bucketIdTop;
    copy.freeBucketIds = this.freeBucketIds.slice();
    copy.bucketTotal = this.bucketTotal;
    copy.kinds = this.kinds.slice(0, this.slotTop);
    copy.starts = this.starts.slice(0, this.slotTop);
    copy.lengths = this.lengths.slice(0, this.slotTop);
    copy.stamps = this.stamps.slice(0, this.slotTop);
    copy.stampOffsets = this.stampOffsets.slice(0, this.slotTop);
    copy.bytesSegments = this.bytesSegments?.slice(0, this.slotTop);
    copy.arena = this.arena.clone();
    copy.slotTop = this.slotTop;
    copy.freeBlocks = this.freeBlocks.map((blocks) => blocks.slice());
    // Never changed in place (replaced when the buckets change), so it may be shared.
    copy.sortedKeysCache = this.sortedKeysCache;
    copy.storedBytesTotal = this.storedBytesTotal;
    copy.extentTotal = this.extentTotal;
    return copy;
  }

  /** Visits the stored extents in address order, with absolute offsets. */
  forEachExtent(visit: (offsetBytes: number, segment: Segment) => void): void {
    for (const bucketIndex of this.sortedKeys()) {
      const bucketBase = bucketIndex * CONTENT_BUCKET_BYTES;
      const id = this.bucketId(bucketIndex);
      const base = this.bucketBase[id]!;
      const length = this.bucketLength[id]!;
      for (let slot = base; slot < base + length; slot++) visit(bucketBase + this.starts[slot]!, this.segmentAt(slot, 0, this.lengths[slot]!));
    }
  }

  /**
   * A SHA-256 of the canonical content: two stores whose reads are equal
   * everywhere hash the same whatever their write histories, and the buckets
   * are walked in address order so Map insertion order cannot matter.
   */
  contentHash(): string {
    const hasher = new CanonicalContentHasher(this.unwrittenStamp);
    let position = 0;
    this.forEachExtent((offsetBytes, segment) => {
      if (offsetBytes > position) hasher.add(unwrittenSegment(this.unwrittenStamp, position, offsetBytes - position), position);
      hasher.add(segment, offsetBytes);
      position = offsetBytes + segment.lengthBytes;
    });
    return hasher.digest();
  }

  /**
   * Reads the buckets holding the first `count` offsets, in three passes
   * (bucket ids, then their slot blocks, then each block's first extent), and
   * returns a number made of what it read so that the reads are not
   * optimised away (see prefetchSink). Changes nothing. A write of a random
   * place takes a cache miss at each of those three steps, one after the
   * other; here the lookups of all the offsets are independent, so the
   * processor overlaps their misses (see SimDevice.prefetch). Offsets
   * outside the store's space read nothing.
   */
  touch(offsetsBytes: ArrayLike<number>, count: number): number {
    if (this.touchSlots.length < count) this.touchSlots = new Int32Array(count);
    const slots = this.touchSlots;
    for (let i = 0; i < count; i++) {
      const offsetBytes = offsetsBytes[i]!;
      slots[i] = offsetBytes >= 0 ? this.buckets.get(Math.floor(offsetBytes / CONTENT_BUCKET_BYTES)) : -1;
    }
    let sum = 0;
    for (let i = 0; i < count; i++) {
      const id = slots[i]!;
      if (id < 0) continue;
      slots[i] = this.bucketBase[id]!;
      sum += this.bucketLength[id]! + this.bucketClass[id]!;
    }
    for (let i = 0; i < count; i++) {
      const slot = slots[i]!;
      if (slot < 0) continue;
      sum += this.kinds[slot]! + this.starts[slot]! + this.lengths[slot]! + this.stamps[slot]! + this.stampOffsets[slot]!;
    }
    return sum;
  }

  /** Replaces [fromBytes, toBytes) of one bucket with `pieces` (sorted, within that range). */
  private replaceRange(bucketIndex: number, fromBytes: number, toBytes: number, pieces: ExtentRun): void {
    const id = this.buckets.get(bucketIndex);
    if (id < 0) {
      if (pieces.count === 0) return;
      const created = this.newBucket(pieces.count);
      const base = this.bucketBase[created]!;
      for (let i = 0; i < pieces.count; i++) this.setSlot(base + i, pieces, i);
      this.bucketLength[created] = pieces.count;
      this.buckets.set(bucketIndex, created);
      this.bucketTotal++;
      this.sortedKeysCache = undefined;
      this.extentTotal += pieces.count;
      this.storedBytesTotal += pieces.lengthBytes;
      return;
    }
    const base = this.bucketBase[id]!;
    const length = this.bucketLength[id]!;
    // [first, last) are the extents that overlap the range; the pieces replace them.
    const first = this.firstEndingAfter(base, length, fromBytes);
    if (pieces.count === 1 && first < length && this.starts[base + first] === fromBytes && this.starts[base + first]! + this.lengths[base + first]! === toBytes) {
      // A rewrite of exactly one earlier extent (the common case for block-sized host writes).
      this.storedBytesTotal += pieces.lengths[0]! - this.lengths[base + first]!;
      this.releaseArena(base + first);
      this.setSlot(base + first, pieces, 0);
      this.mergeAt(id, first + 1);
      this.mergeAt(id, first);
      return;
    }
    let last = first;
    while (last < length && this.starts[base + last]! < toBytes) last++;
    // Nothing overlapped (a write into a hole, such as a block's first write): the pieces go in as they are. Else the
    // replacement is the pieces between what is left of the first and last extents they overlap.
    let replacement = pieces;
    if (first < last) {
      replacement = this.replacement;
      replacement.clear();
      const headStart = this.starts[base + first]!;
      if (headStart < fromBytes) this.pushPartOf(replacement, base + first, 0, fromBytes - headStart);
      for (let i = 0; i < pieces.count; i++) {
        replacement.push(pieces.kinds[i]!, pieces.starts[i]!, pieces.lengths[i]!, pieces.stamps[i]!, pieces.stampOffsets[i]!, pieces.bytes[i]);
      }
      const tailStart = this.starts[base + last - 1]!;
      const tailEnd = tailStart + this.lengths[base + last - 1]!;
      if (tailEnd > toBytes) this.pushPartOf(replacement, base + last - 1, toBytes - tailStart, tailEnd - toBytes);
    }
    for (let slot = base + first; slot < base + last; slot++) {
      this.storedBytesTotal -= this.lengths[slot]!;
      this.releaseArena(slot);
    }
    this.storedBytesTotal += replacement.lengthBytes;
    this.extentTotal += replacement.count - (last - first);
    this.splice(id, first, last - first, replacement);
    // Neighbours that now continue each other become one extent (fewer extents, same content).
    this.mergeAt(id, first + replacement.count);
    this.mergeAt(id, first);
    this.replacement.clear();
    if (this.bucketLength[id] === 0) {
      this.freeBucket(id);
      this.buckets.delete(bucketIndex);
      this.bucketTotal--;
      this.sortedKeysCache = undefined;
    }
  }

  /** Appends to `run` the part [fromBytes, fromBytes + lengthBytes) of the extent in `slot`, at its place in the bucket. */
  private pushPartOf(run: ExtentRun, slot: number, fromBytes: number, lengthBytes: number): void {
    const kind = this.kinds[slot]!;
    const startBytes = this.starts[slot]! + fromBytes;
    if (kind === ARENA) {
      // A block of its own for the part: the slot's block is released with the slot.
      const at = this.arena.allocate(lengthBytes);
      this.arena.copyWithin(at, this.stampOffsets[slot]! + fromBytes, lengthBytes);
      run.push(ARENA, startBytes, lengthBytes, 0, at, undefined);
    } else if (kind === BYTES) run.push(BYTES, startBytes, lengthBytes, 0, 0, this.segmentAt(slot, fromBytes, lengthBytes) as BytesSegment);
    else if (kind === STAMP) run.push(STAMP, startBytes, lengthBytes, this.stamps[slot]!, this.stampOffsets[slot]! + fromBytes, undefined);
    else run.push(ZERO, startBytes, lengthBytes, 0, 0, undefined);
  }

  /** Replaces `removeCount` extents of bucket `id` from index `at` with `replacement`, moving the bucket to a bigger block if it must. */
  private splice(id: number, at: number, removeCount: number, replacement: ExtentRun): void {
    const base = this.bucketBase[id]!;
    const length = this.bucketLength[id]!;
    const newLength = length - removeCount + replacement.count;
    const tailFrom = at + removeCount;
    const tailTo = at + replacement.count;
    if (newLength > 1 << this.bucketClass[id]!) {
      const blockClass = blockClassFor(newLength);
      const newBase = this.allocateBlock(blockClass);
      this.moveSlots(base, newBase, at);
      this.moveSlots(base + tailFrom, newBase + tailTo, length - tailFrom);
      this.releaseBlock(base, this.bucketClass[id]!);
      this.bucketBase[id] = newBase;
      this.bucketClass[id] = blockClass;
      for (let i = 0; i < replacement.count; i++) this.setSlot(newBase + at + i, replacement, i);
    } else {
      if (tailFrom !== tailTo) this.moveSlots(base + tailFrom, base + tailTo, length - tailFrom);
      for (let i = 0; i < replacement.count; i++) this.setSlot(base + at + i, replacement, i);
      // Slots the bucket no longer uses must not keep byte arrays alive.
      if (this.bytesSegments !== undefined) this.bytesSegments.fill(undefined, base + newLength, base + length);
    }
    this.bucketLength[id] = newLength;
  }

  /** Merges extents index - 1 and index of bucket `id` when the second continues the first (see mergeSegments: never real bytes). */
  private mergeAt(id: number, index: number): void {
    const length = this.bucketLength[id]!;
    if (index < 1 || index >= length) return;
    const base = this.bucketBase[id]!;
    const left = base + index - 1;
    const right = left + 1;
    if (this.starts[left]! + this.lengths[left]! !== this.starts[right]) return;
    const kind = this.kinds[left];
    if (kind !== this.kinds[right]) return;
    if (kind === BYTES || kind === ARENA) return;
    if (kind === STAMP && (this.stamps[left] !== this.stamps[right] || this.stampOffsets[left]! + this.lengths[left]! !== this.stampOffsets[right])) return;
    this.lengths[left] = this.lengths[left]! + this.lengths[right]!;
    this.moveSlots(right + 1, right, length - index - 1);
    this.clearSegment(base + length - 1);
    this.bucketLength[id] = length - 1;
    this.extentTotal--;
  }

  /** The segment in `slot`, or the part of it [fromBytes, fromBytes + lengthBytes), as a fresh object (sliceSegment's shapes). */
  private segmentAt(slot: number, fromBytes: number, lengthBytes: number): Segment {
    switch (this.kinds[slot]) {
      case ZERO:
        return { kind: "zero", lengthBytes };
      case STAMP:
        return { kind: "stamp", lengthBytes, stamp: this.stamps[slot]!, stampOffsetBytes: this.stampOffsets[slot]! + fromBytes };
      case ARENA:
        // A copy: the arena's bytes are written over in place.
        return { kind: "bytes", lengthBytes, bytes: this.arena.copyOut(this.stampOffsets[slot]! + fromBytes, lengthBytes), handedOver: true };
      default:
        return sliceSegment(this.bytesSegments![slot]!, fromBytes, lengthBytes);
    }
  }

  /** Gives the arena block of an ARENA slot back, as its extent leaves the store. */
  private releaseArena(slot: number): void {
    if (this.kinds[slot] === ARENA) this.arena.release(this.stampOffsets[slot]!, this.lengths[slot]!);
  }

  /** Sets `slot` to extent `index` of `run`. */
  private setSlot(slot: number, run: ExtentRun, index: number): void {
    const kind = run.kinds[index]!;
    this.kinds[slot] = kind;
    this.starts[slot] = run.starts[index]!;
    this.lengths[slot] = run.lengths[index]!;
    this.stamps[slot] = run.stamps[index]!;
    this.stampOffsets[slot] = run.stampOffsets[index]!;
    if (kind === BYTES) this.segmentsReaching(slot + 1)[slot] = run.bytes[index];
    else this.clearSegment(slot);
  }

  /** Copies `count` slots from `from` to `to` (ranges may overlap). */
  private moveSlots(from: number, to: number, count: number): void {
    if (count <= 0 || from === to) return;
    // Slots past the segment column's end hold no segment: a move among them moves none.
    const held = this.bytesSegments?.length ?? 0;
    const movesSegments = from < held || to < held;
    // Overlapping ranges are copied from the end that cannot overwrite a slot before it is read.
    const step = from < to ? -1 : 1;
    const first = from < to ? count - 1 : 0;
    if (count <= SMALL_MOVE_SLOTS) {
      // Most moves shift a few extents by one (an insert or a merge): a copyWithin call per column cost more than the copy.
      const { kinds, starts, lengths, stamps, stampOffsets } = this;
      for (let i = first; i >= 0 && i < count; i += step) {
        kinds[to + i] = kinds[from + i]!;
        starts[to + i] = starts[from + i]!;
        lengths[to + i] = lengths[from + i]!;
        stamps[to + i] = stamps[from + i]!;
        stampOffsets[to + i] = stampOffsets[from + i]!;
      }
    } else {
      this.kinds.copyWithin(to, from, from + count);
      this.starts.copyWithin(to, from, from + count);
      this.lengths.copyWithin(to, from, from + count);
      this.stamps.copyWithin(to, from, from + count);
      this.stampOffsets.copyWithin(to, from, from + count);
    }
    if (!movesSegments) return;
    // Slot by slot, not Array.prototype.copyWithin: V8 runs that one generically, each element through its runtime
    // (property lookups), which cost a whole run ~4k instructions per host write once the Cache LU's store held the
    // few sectors a format hands over. moveSegment lengthens the column only where a segment lands.
    for (let i = first; i >= 0 && i < count; i += step) this.moveSegment(from + i, to + i);
  }

  /** The segment column, made or lengthened to reach `end` slots (see bytesSegments). */
  private segmentsReaching(end: number): Array<BytesSegment | undefined> {
    // Pushed one by one: `new Array(n)` of a large n is a dictionary, slow to index.
    const segments = (this.bytesSegments ??= []);
    while (segments.length < end) segments.push(undefined);
    return segments;
  }

  /** Lets go of `slot`'s segment, if the column reaches it (past its end there is none). */
  private clearSegment(slot: number): void {
    const segments = this.bytesSegments;
    if (segments !== undefined && slot < segments.length) segments[slot] = undefined;
  }

  /** Moves the segment of slot `from` to slot `to`, as moveSlots moves a slot. */
  private moveSegment(from: number, to: number): void {
    const segments = this.bytesSegments!;
    const segment = from < segments.length ? segments[from] : undefined;
    // A slot without a segment lengthens nothing: the column reaching every slot cost the Cache LU's store of a whole
    // run a push per slot, and V8 a larger array each time it filled (~9% of the run's page faults).
    if (segment !== undefined) this.segmentsReaching(to + 1)[to] = segment;
    else this.clearSegment(to);
  }

  /** Index of the first extent of the bucket (slots base..base + length) that ends after `offsetBytes` (binary search). */
  private firstEndingAfter(base: number, length: number, offsetBytes: number): number {
    let low = 0;
    let high = length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.starts[base + middle]! + this.lengths[base + middle]! <= offsetBytes) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** A new, empty bucket with room for `count` extents; returns its id. */
  private newBucket(count: number): number {
    let id = this.freeBucketIds.pop();
    if (id === undefined) {
      id = this.bucketIdTop++;
      if (id >= this.bucketBase.length) {
        const size = Math.max(INITIAL_SLOTS, this.bucketBase.length * 2);
        this.bucketBase = grown(this.bucketBase, new Int32Array(size));
        this.bucketLength = grown(this.bucketLength, new Int32Array(size));
        this.bucketClass = grown(this.bucketClass, new Uint8Array(size));
      }
    }
    const blockClass = blockClassFor(count);
    this.bucketBase[id] = this.allocateBlock(blockClass);
    this.bucketLength[id] = 0;
    this.bucketClass[id] = blockClass;
    return id;
  }

  private freeBucket(id: number): void {
    this.releaseBlock(this.bucketBase[id]!, this.bucketClass[id]!);
    this.freeBucketIds.push(id);
  }

  /** The first slot of a free block of 2^blockClass slots: a freed one of that size, else new slots (growing the columns). */
  private allocateBlock(blockClass: number): number {
    if (blockClass > MAX_BLOCK_CLASS) throw new Error(`content store: a bucket of more than 2^${MAX_BLOCK_CLASS} extents (a bucket holds at most one per byte)`);
    const reused = this.freeBlocks[blockClass]?.pop();
    if (reused !== undefined) return reused;
    const base = this.slotTop;
    const top = base + (1 << blockClass);
    if (top > this.kinds.length) {
      // Doubling: the columns are ~25 bytes a slot, so even a copy of millions is brief and the old arrays die young.
      const size = Math.max(INITIAL_SLOTS, top, this.kinds.length * 2);
      this.kinds = grown(this.kinds, new Uint8Array(size));
      this.starts = grown(this.starts, new Int32Array(size));
      this.lengths = grown(this.lengths, new Int32Array(size));
      this.stamps = grown(this.stamps, new Float64Array(size));
      this.stampOffsets = grown(this.stampOffsets, new Float64Array(size));
    }
    this.slotTop = top;
    return base;
  }

  private releaseBlock(base: number, blockClass: number): void {
    // A free block must not keep byte arrays alive.
    this.bytesSegments?.fill(undefined, base, base + (1 << blockClass));
    (this.freeBlocks[blockClass] ??= []).push(base);
  }

  private sortedKeys(): number[] {
    this.sortedKeysCache ??= this.buckets.keys().sort((a, b) => a - b);
    return this.sortedKeysCache;
  }
}

function checkRange(op: string, offsetBytes: number, lengthBytes: number): void {
  if (!Number.isSafeInteger(offsetBytes) || offsetBytes < 0 || !Number.isSafeInteger(lengthBytes) || lengthBytes < 0) {
    throw new RangeError(`content ${op} of ${lengthBytes} bytes at ${offsetBytes}: offset and length must be non-negative integers`);
  }
  if (!Number.isSafeInteger(offsetBytes + lengthBytes)) throw new RangeError(`content ${op} of ${lengthBytes} bytes at ${offsetBytes} ends past 2^53`);
}

/** Appends a segment to a read result, merging it into the last one when it continues it. */
function pushSegment(segments: Segment[], segment: Segment): void {
  const last = segments[segments.length - 1];
  const merged = last === undefined ? undefined : mergeSegments(last, segment);
  if (merged === undefined) segments.push(segment);
  else segments[segments.length - 1] = merged;
}

/** Index of the first key that is at least `value` (binary search). */
function lowerBound(keys: readonly number[], value: number): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((keys[middle] as number) < value) low = middle + 1;
    else high = middle;
  }
  return low;
}
