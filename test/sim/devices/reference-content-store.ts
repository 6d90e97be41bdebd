import { Payload, type BytesSegment, type Segment } from "../../../io/payload.js";
import { CanonicalContentHasher } from "../../../sim/devices/content-hash.js";
import { mergeSegments, sliceSegment } from "../../../io/payload.js";
import { isUnwrittenContent, unwrittenSegment } from "../../../sim/devices/unwritten-content.js";

/**
 * The address space is cut into fixed buckets so that a write touches only the
 * few extents near it. 64 KiB keeps a bucket's extent list short even when it
 * is filled with 4 KiB writes of distinct stamps, while a 1 MiB write still
 * touches only 16 buckets.
 */
const CONTENT_BUCKET_BYTES = 64 * 1024;

/** One written piece of a bucket: `segment` placed at `startBytes` from the bucket's start. */
interface Extent {
  readonly startBytes: number;
  readonly segment: Segment;
}

/**
 * A bucket's extents, sorted by start and never overlapping. A bucket belongs
 * to the store whose `owner` token it carries and is changed in place by that
 * store alone; `clone()` gives both stores new tokens, so every bucket that
 * existed is then shared and copied by whichever side first writes to it.
 * Cloning costs a copy of the bucket map; writing costs no array copy.
 */
interface Bucket {
  readonly owner: object;
  readonly extents: Extent[];
}

/**
 * Buckets are kept in pages of this many consecutive buckets, one map entry
 * per page: a map of millions of entries costs a hash-table probe into cold
 * memory on every access and a rehash as it grows, while neighbouring buckets
 * (a chunk's copy, a region's sectors) share a page. A page of a sparse store
 * holding one bucket costs a 16-slot array more than a map entry would.
 */
const PAGE_BUCKETS = 16;

/** Up to PAGE_BUCKETS buckets, owned like buckets are (see Bucket): shared after `clone()`, copied by the first writer. */
interface Page {
  readonly owner: object;
  readonly buckets: Array<Bucket | undefined>;
  /** Buckets present in this page. */
  used: number;
}

function pageOf(bucketIndex: number): number {
  return Math.floor(bucketIndex / PAGE_BUCKETS);
}

export interface ContentStoreOptions {
  readonly unwrittenStamp?: number;
}

/**
 * The content store as it was before its dense rewrite (objects per bucket and
 * extent), kept verbatim as the oracle the dense store is checked against:
 * same reads segment for segment, same extent, bucket and byte counts.
 *
 * The sparse contents of a device. Memory follows what was written, not the
 * capacity: a never-written 16 TiB device holds nothing, and content equal to
 * what never-written space holds is not stored at all.
 */
export class ReferenceContentStore {
  readonly unwrittenStamp: number | undefined;
  private pages: Map<number, Page>;
  private bucketTotal = 0;
  /** Buckets and pages carrying this token are this store's alone (see Bucket). */
  private owner: object = {};
  private sortedKeysCache: number[] | undefined;
  private storedBytesTotal = 0;
  private extentTotal = 0;

  constructor(options: ContentStoreOptions = {}) {
    const { unwrittenStamp } = options;
    if (unwrittenStamp !== undefined && !Number.isSafeInteger(unwrittenStamp)) {
      throw new RangeError(`unwrittenStamp must be a safe integer, got ${unwrittenStamp}`);
    }
    this.unwrittenStamp = unwrittenStamp;
    this.pages = new Map();
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

  private bucket(bucketIndex: number): Bucket | undefined {
    const pageIndex = pageOf(bucketIndex);
    return this.pages.get(pageIndex)?.buckets[bucketIndex - pageIndex * PAGE_BUCKETS];
  }

  write(offsetBytes: number, payload: Payload): void {
    checkRange("write", offsetBytes, payload.lengthBytes);
    const segments = payload.segments;
    const only = segments.length === 1 ? segments[0] : undefined;
    if (only !== undefined && payload.lengthBytes > 0) {
      // One segment inside one bucket: the common case (host writes, metadata sectors), without the general loop.
      const bucketIndex = Math.floor(offsetBytes / CONTENT_BUCKET_BYTES);
      const bucketBase = bucketIndex * CONTENT_BUCKET_BYTES;
      if (offsetBytes + payload.lengthBytes <= bucketBase + CONTENT_BUCKET_BYTES) {
        const fromBytes = offsetBytes - bucketBase;
        const pieces: Extent[] = isUnwrittenContent(only, this.unwrittenStamp, offsetBytes) ? [] : [{ startBytes: fromBytes, segment: only }];
        this.replaceRange(bucketIndex, fromBytes, fromBytes + payload.lengthBytes, pieces);
        return;
      }
    }
    const endBytes = offsetBytes + payload.lengthBytes;
    let segmentIndex = 0;
    let withinSegmentBytes = 0;
    let position = offsetBytes;
    while (position < endBytes) {
      const bucketIndex = Math.floor(position / CONTENT_BUCKET_BYTES);
      const bucketBase = bucketIndex * CONTENT_BUCKET_BYTES;
      const stopBytes = Math.min(endBytes, bucketBase + CONTENT_BUCKET_BYTES);
      const fromBytes = position - bucketBase;
      const pieces: Extent[] = [];
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
        const piece = sliceSegment(segment, withinSegmentBytes, takeBytes);
        // Unwritten-looking content is left as a hole: it reads the same and costs nothing.
        if (!isUnwrittenContent(piece, this.unwrittenStamp, position)) pushMerged(pieces, position - bucketBase, piece);
        position += takeBytes;
        withinSegmentBytes += takeBytes;
      }
      this.replaceRange(bucketIndex, fromBytes, stopBytes - bucketBase, pieces);
    }
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
        const bucket = this.bucket(bucketIndex);
        if (bucket !== undefined) position = this.readBucket(out, bucketIndex, bucket.extents, position, endBytes);
      }
    } else {
      // A read far wider than the written buckets walks the written ones instead of every address.
      const keys = this.sortedKeys();
      for (let i = lowerBound(keys, firstBucket); i < keys.length; i++) {
        const bucketIndex = keys[i] as number;
        if (bucketIndex > lastBucket) break;
        position = this.readBucket(out, bucketIndex, (this.bucket(bucketIndex) as Bucket).extents, position, endBytes);
      }
    }
    if (position < endBytes) pushSegment(out, unwrittenSegment(this.unwrittenStamp, position, endBytes - position));
    return new Payload(out);
  }

  /** Appends to `out` what one bucket holds from `position` up to `endBytes`; returns the new position. */
  private readBucket(out: Segment[], bucketIndex: number, extents: readonly Extent[], position: number, endBytes: number): number {
    const bucketBase = bucketIndex * CONTENT_BUCKET_BYTES;
    const fromBytes = position - bucketBase;
    const toBytes = Math.min(endBytes - bucketBase, CONTENT_BUCKET_BYTES);
    const first = firstEndingAfter(extents, fromBytes);
    for (let i = first; i < extents.length; i++) {
      const extent = extents[i] as Extent;
      if (extent.startBytes >= toBytes) break;
      const startBytes = Math.max(extent.startBytes, fromBytes);
      const stopBytes = Math.min(extent.startBytes + extent.segment.lengthBytes, toBytes);
      const absoluteStart = bucketBase + startBytes;
      if (absoluteStart > position) pushSegment(out, unwrittenSegment(this.unwrittenStamp, position, absoluteStart - position));
      const piece = sliceSegment(extent.segment, startBytes - extent.startBytes, stopBytes - startBytes);
      const previous = out[out.length - 1];
      // Lent bytes (kept by the store as a copy) read out as one segment with the lent bytes of the bucket's extent
      // before, when it ends where this one starts: the dense store copies such a run out in one array.
      const lent = (segment: Segment | undefined): segment is BytesSegment => segment?.kind === "bytes" && segment.handedOver !== true;
      if (lent(extent.segment) && i > first && lent(extents[i - 1]!.segment) && endOf(extents[i - 1]!) === extent.startBytes && previous?.kind === "bytes") {
        const joined = new Uint8Array(previous.lengthBytes + piece.lengthBytes);
        joined.set(previous.bytes);
        joined.set((piece as BytesSegment).bytes, previous.lengthBytes);
        out[out.length - 1] = { kind: "bytes", lengthBytes: joined.length, bytes: joined };
      } else pushSegment(out, piece);
      position = bucketBase + stopBytes;
    }
    return position;
  }

  /** An independent copy; buckets are shared until either copy writes to them. */
  clone(): ReferenceContentStore {
    const copy = new ReferenceContentStore(this.unwrittenStamp === undefined ? {} : { unwrittenStamp: this.unwrittenStamp });
    copy.pages = new Map(this.pages);
    copy.bucketTotal = this.bucketTotal;
    // Every existing page and bucket is now shared: neither store may change it in place.
    this.owner = {};
    copy.sortedKeysCache = this.sortedKeysCache;
    copy.storedBytesTotal = this.storedBytesTotal;
    copy.extentTotal = this.extentTotal;
    return copy;
  }

  /** Visits the stored extents in address order, with absolute offsets. */
  forEachExtent(visit: (offsetBytes: number, segment: Segment) => void): void {
    for (const bucketIndex of this.sortedKeys()) {
      const bucketBase = bucketIndex * CONTENT_BUCKET_BYTES;
      for (const extent of (this.bucket(bucketIndex) as Bucket).extents) visit(bucketBase + extent.startBytes, extent.segment);
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

  /** Replaces [fromBytes, toBytes) of one bucket with `pieces` (already sorted, within that range). */
  private replaceRange(bucketIndex: number, fromBytes: number, toBytes: number, pieces: Extent[]): void {
    const pageIndex = pageOf(bucketIndex);
    const slot = bucketIndex - pageIndex * PAGE_BUCKETS;
    let page = this.pages.get(pageIndex);
    let bucket = page?.buckets[slot];
    if (bucket === undefined) {
      if (pieces.length === 0) return;
      page = this.ownPage(pageIndex, page);
      page.buckets[slot] = { owner: this.owner, extents: pieces };
      page.used++;
      this.bucketTotal++;
      this.sortedKeysCache = undefined;
      this.account(pieces, 1);
      return;
    }
    if (bucket.owner !== this.owner) {
      bucket = { owner: this.owner, extents: bucket.extents.slice() };
      page = this.ownPage(pageIndex, page);
      page.buckets[slot] = bucket;
    }
    const extents = bucket.extents;
    // [first, last) are the extents that overlap the range; the pieces replace them.
    const first = firstEndingAfter(extents, fromBytes);
    const only = pieces.length === 1 ? pieces[0] : undefined;
    const hit = extents[first];
    if (only !== undefined && hit !== undefined && hit.startBytes === fromBytes && endOf(hit) === toBytes) {
      // A rewrite of exactly one earlier extent (the common case for block-sized host writes).
      this.unaccount(hit);
      this.accountOne(only);
      extents[first] = only;
      this.mergeAt(extents, first + 1);
      this.mergeAt(extents, first);
      return;
    }
    let last = first;
    while (last < extents.length && (extents[last] as Extent).startBytes < toBytes) last++;
    const replacement: Extent[] = [];
    if (first < last) {
      const head = extents[first] as Extent;
      if (head.startBytes < fromBytes) replacement.push({ startBytes: head.startBytes, segment: sliceSegment(head.segment, 0, fromBytes - head.startBytes) });
    }
    for (const piece of pieces) pushMerged(replacement, piece.startBytes, piece.segment);
    if (first < last) {
      const tail = extents[last - 1] as Extent;
      const tailEnd = endOf(tail);
      if (tailEnd > toBytes) pushMerged(replacement, toBytes, sliceSegment(tail.segment, toBytes - tail.startBytes, tailEnd - toBytes));
    }
    for (let i = first; i < last; i++) this.unaccount(extents[i] as Extent);
    for (const extent of replacement) this.accountOne(extent);
    extents.splice(first, last - first, ...replacement);
    // Neighbours that now continue each other become one extent (fewer extents, same content).
    this.mergeAt(extents, first + replacement.length);
    this.mergeAt(extents, first);
    if (extents.length === 0) {
      const owned = this.ownPage(pageIndex, page);
      owned.buckets[slot] = undefined;
      if (--owned.used === 0) this.pages.delete(pageIndex);
      this.bucketTotal--;
      this.sortedKeysCache = undefined;
    }
  }

  /** The page, made this store's own (copied if shared, created if missing) so that it may be changed in place. */
  private ownPage(pageIndex: number, page: Page | undefined): Page {
    if (page !== undefined && page.owner === this.owner) return page;
    const owned: Page = page === undefined ? { owner: this.owner, buckets: new Array<Bucket | undefined>(PAGE_BUCKETS).fill(undefined), used: 0 } : { owner: this.owner, buckets: page.buckets.slice(), used: page.used };
    this.pages.set(pageIndex, owned);
    return owned;
  }

  /** Merges extents[index - 1] and extents[index] when the second continues the first. */
  private mergeAt(extents: Extent[], index: number): void {
    const left = extents[index - 1];
    const right = extents[index];
    if (left === undefined || right === undefined || endOf(left) !== right.startBytes) return;
    const merged = mergeSegments(left.segment, right.segment);
    if (merged === undefined) return;
    this.extentTotal--;
    extents.splice(index - 1, 2, { startBytes: left.startBytes, segment: merged });
  }

  private accountOne(extent: Extent): void {
    this.extentTotal++;
    this.storedBytesTotal += extent.segment.lengthBytes;
  }

  private unaccount(extent: Extent): void {
    this.extentTotal--;
    this.storedBytesTotal -= extent.segment.lengthBytes;
  }

  private account(extents: readonly Extent[], sign: 1 | -1): void {
    this.extentTotal += sign * extents.length;
    for (const extent of extents) this.storedBytesTotal += sign * extent.segment.lengthBytes;
  }

  private sortedKeys(): number[] {
    if (this.sortedKeysCache === undefined) {
      const keys: number[] = [];
      for (const pageIndex of [...this.pages.keys()].sort((a, b) => a - b)) {
        const buckets = (this.pages.get(pageIndex) as Page).buckets;
        for (let slot = 0; slot < PAGE_BUCKETS; slot++) if (buckets[slot] !== undefined) keys.push(pageIndex * PAGE_BUCKETS + slot);
      }
      this.sortedKeysCache = keys;
    }
    return this.sortedKeysCache;
  }
}

function checkRange(op: string, offsetBytes: number, lengthBytes: number): void {
  if (!Number.isSafeInteger(offsetBytes) || offsetBytes < 0 || !Number.isSafeInteger(lengthBytes) || lengthBytes < 0) {
    throw new RangeError(`content ${op} of ${lengthBytes} bytes at ${offsetBytes}: offset and length must be non-negative integers`);
  }
  if (!Number.isSafeInteger(offsetBytes + lengthBytes)) throw new RangeError(`content ${op} of ${lengthBytes} bytes at ${offsetBytes} ends past 2^53`);
}

function endOf(extent: Extent): number {
  return extent.startBytes + extent.segment.lengthBytes;
}

/** Appends an extent, merging it into the last one when it continues it. */
function pushMerged(extents: Extent[], startBytes: number, segment: Segment): void {
  const last = extents[extents.length - 1];
  if (last !== undefined && endOf(last) === startBytes) {
    const merged = mergeSegments(last.segment, segment);
    if (merged !== undefined) {
      extents[extents.length - 1] = { startBytes: last.startBytes, segment: merged };
      return;
    }
  }
  extents.push({ startBytes, segment });
}

/** Appends a segment to a read result, merging it into the last one when it continues it. */
function pushSegment(segments: Segment[], segment: Segment): void {
  const last = segments[segments.length - 1];
  const merged = last === undefined ? undefined : mergeSegments(last, segment);
  if (merged === undefined) segments.push(segment);
  else segments[segments.length - 1] = merged;
}

/** Index of the first extent that ends after `offsetBytes` (binary search). */
function firstEndingAfter(bucket: readonly Extent[], offsetBytes: number): number {
  let low = 0;
  let high = bucket.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (endOf(bucket[middle] as Extent) <= offsetBytes) low = middle + 1;
    else high = middle;
  }
  return low;
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
