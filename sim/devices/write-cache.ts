import { Payload } from "../../io/payload.js";
import { ContentStore } from "./content-store.js";

/** A completed write not yet durable, with its place in the completion order. */
interface CachedWrite {
  readonly completionSeq: number;
  readonly offsetBytes: number;
  readonly payload: Payload;
}

/**
 * The durable side of a device with a volatile write cache: the contents a
 * power loss with nothing pending would leave, and the completed writes that
 * are not durable yet. Durable contents are kept as if every durable write had
 * landed in completion order, which is what the visible contents show.
 *
 * Flushes make durable a prefix of the completion order (everything completed
 * before the flush was submitted), so cached writes leave the cache in order
 * and the cache empties whenever a flush covers everything. The one write that
 * becomes durable out of completion order is a FUA write that completes while
 * older writes are still cached; when those older writes are flushed later
 * they must not overwrite it. A shadow store remembers, per byte, the
 * completion sequence of the last such FUA write (as a stamp number), and a
 * cached write lands only where no younger FUA write has.
 */
export class WriteCacheDurability {
  readonly durable: ContentStore;
  private readonly cached: CachedWrite[] = [];
  private cachedHead = 0;
  private completionSeq = 0;
  private fuaShadow = new ContentStore();

  constructor(initial: ContentStore) {
    this.durable = initial;
  }

  /** Completed writes held only in the volatile cache. */
  get cachedWriteCount(): number {
    return this.cached.length - this.cachedHead;
  }

  /** Records a completed write; FUA writes are durable at once. */
  writeCompleted(offsetBytes: number, payload: Payload, fua: boolean): void {
    const completionSeq = this.completionSeq++;
    if (!fua) {
      // Kept until a flush: lent bytes are copied, since their owner may reuse them from now on.
      this.cached.push({ completionSeq, offsetBytes, payload: payload.owned() });
      return;
    }
    this.durable.write(offsetBytes, payload);
    if (this.cachedWriteCount > 0) this.fuaShadow.write(offsetBytes, shadowPayload(completionSeq, offsetBytes, payload.lengthBytes));
  }

  /** What a flush submitted now covers: every write completed so far. Pass it back to flushCompleted. */
  flushSubmitted(): number {
    return this.completionSeq;
  }

  flushCompleted(coveredCompletions: number): void {
    while (this.cachedHead < this.cached.length) {
      const write = this.cached[this.cachedHead] as CachedWrite;
      if (write.completionSeq >= coveredCompletions) break;
      this.landUnderYoungerFua(write);
      this.cachedHead++;
    }
    if (this.cachedHead === this.cached.length) {
      // Nothing older than any FUA write is cached any more, so the shadow has no one left to protect.
      this.cached.length = 0;
      this.cachedHead = 0;
      this.fuaShadow = new ContentStore();
    } else if (this.cachedHead > 1024 && this.cachedHead * 2 > this.cached.length) {
      this.cached.splice(0, this.cachedHead);
      this.cachedHead = 0;
    }
  }

  private landUnderYoungerFua(write: CachedWrite): void {
    if (this.fuaShadow.bucketCount === 0) {
      this.durable.write(write.offsetBytes, write.payload);
      return;
    }
    let positionBytes = 0;
    for (const segment of this.fuaShadow.read(write.offsetBytes, write.payload.lengthBytes).segments) {
      const shadowedByYounger = segment.kind === "stamp" && segment.stamp > write.completionSeq;
      if (!shadowedByYounger) this.durable.write(write.offsetBytes + positionBytes, write.payload.slice(positionBytes, segment.lengthBytes));
      positionBytes += segment.lengthBytes;
    }
  }
}

function shadowPayload(completionSeq: number, offsetBytes: number, lengthBytes: number): Payload {
  // Stamp offsets follow the address so that neighbouring pieces of one FUA write read back as one segment.
  return Payload.stamp(completionSeq, lengthBytes, offsetBytes);
}
