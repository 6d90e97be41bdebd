import { createHash, type Hash } from "node:crypto";
import type { Segment } from "../../io/payload.js";

interface StampRun {
  readonly startBytes: number;
  lengthBytes: number;
  readonly stamp: number;
  readonly stampOffsetBytes: number;
}

/**
 * Zero runs at least this long are hashed as a length; shorter ones next to
 * real bytes are hashed as those bytes. Splitting real bytes at every zero
 * byte (as this once did) made a record per little-endian integer of every
 * metadata block: the crash checker hashes two images per state, and that
 * split was 40% of its time.
 */
const LONG_ZERO_RUN_BYTES = 64;
const SHORT_ZEROS = new Uint8Array(LONG_ZERO_RUN_BYTES);

/**
 * Hashes device content given as segments in address order, from address 0
 * with no holes, in a canonical form: the hash depends on what reads would
 * return, not on how the content was cut into segments by its write history.
 *
 * Canonical form, over the content as reads return it: each maximal run of
 * zero bytes of at least LONG_ZERO_RUN_BYTES is one zero record (zero
 * segments and zero bytes inside real-byte segments alike, because
 * Payload.equals treats them as equal); a shorter maximal zero run belongs
 * to the real bytes before it, else to those after it, else is a zero
 * record; each maximal run of one stamp at consecutive stamp offsets is one
 * stamp record; the remaining real bytes, with the short zero runs they
 * took, form byte records. The final record is dropped when it is what
 * never-written space holds, so a store that wrote unwritten-looking content
 * past its last real write hashes like one that never wrote there. Stamped
 * content and real bytes that happen to materialise to the same values are
 * not recognised as equal: the simulator never materialises stamps, so the
 * two representations never describe the same data.
 */
export class CanonicalContentHasher {
  private readonly hash: Hash = createHash("sha256");
  /** Zero bytes seen since the last non-zero content, not yet assigned to a record. */
  private zeros = 0;
  /** The byte record being built (pieces in order), empty when none is open. */
  private readonly literal: Uint8Array[] = [];
  private literalBytes = 0;
  private stampRun: StampRun | undefined;

  constructor(private readonly unwrittenStamp: number | undefined) {
    this.hash.update(unwrittenStamp === undefined ? "cofwsim-content-v2 unwritten=zero\n" : `cofwsim-content-v2 unwritten=stamp:${unwrittenStamp}\n`);
  }

  /** Adds the next segment; `startBytes` is its absolute address, which must follow the previous one. */
  add(segment: Segment, startBytes: number): void {
    if (segment.lengthBytes === 0) return;
    if (segment.kind === "zero") {
      this.zeros += segment.lengthBytes;
      return;
    }
    if (segment.kind === "stamp") {
      this.addStamp(segment.stamp, segment.stampOffsetBytes, segment.lengthBytes, startBytes);
      return;
    }
    // Real bytes: long zero runs inside (and zeros at either end) are cut out; short ones stay in the bytes.
    const bytes = segment.bytes;
    const length = bytes.length;
    let literalStart = 0;
    let position = 0;
    while (position < length) {
      const zeroStart = bytes.indexOf(0, position);
      if (zeroStart < 0) break;
      const zeroEnd = zeroRunEnd(bytes, zeroStart + 1);
      if (zeroStart === 0 || zeroEnd === length || zeroEnd - zeroStart >= LONG_ZERO_RUN_BYTES) {
        if (zeroStart > literalStart) this.addNonZeroEdged(bytes.subarray(literalStart, zeroStart));
        this.zeros += zeroEnd - zeroStart;
        literalStart = zeroEnd;
      }
      position = zeroEnd;
    }
    if (literalStart < length) this.addNonZeroEdged(bytes.subarray(literalStart, length));
  }

  /** The hex digest; the hasher cannot be used afterwards. */
  digest(): string {
    if (this.zeros > 0) {
      // Trailing zeros are never-written content when that reads as zeros: dropped, as the last record.
      if (this.unwrittenStamp === undefined) this.zeros = 0;
      else this.settleZeros(false);
    }
    const run = this.stampRun;
    if (run !== undefined) {
      const unwritten = run.stamp === this.unwrittenStamp && run.stampOffsetBytes === run.startBytes;
      if (!unwritten || this.literalBytes > 0 || this.zeros > 0) this.emitStamp();
      this.stampRun = undefined;
    }
    this.emitLiteral();
    if (this.zeros > 0) this.hash.update(`z ${this.zeros}\n`);
    return this.hash.digest("hex");
  }

  /** Real bytes whose first and last byte are not zero. */
  private addNonZeroEdged(piece: Uint8Array): void {
    this.emitStamp();
    this.settleZeros(true);
    this.literal.push(piece);
    this.literalBytes += piece.length;
  }

  private addStamp(stamp: number, stampOffsetBytes: number, lengthBytes: number, startBytes: number): void {
    const run = this.stampRun;
    if (run !== undefined && this.zeros === 0 && run.stamp === stamp && run.stampOffsetBytes + run.lengthBytes === stampOffsetBytes) {
      run.lengthBytes += lengthBytes;
      return;
    }
    this.settleZeros(false);
    this.emitStamp();
    this.emitLiteral();
    this.stampRun = { startBytes, lengthBytes, stamp, stampOffsetBytes };
  }

  /**
   * Assigns the pending zeros now that what follows them is known:
   * `nextIsBytes` when real bytes follow. Short zeros join the open byte
   * record, else the one that starts next; otherwise they are a zero record.
   */
  private settleZeros(nextIsBytes: boolean): void {
    const zeros = this.zeros;
    if (zeros === 0) return;
    this.zeros = 0;
    if (zeros < LONG_ZERO_RUN_BYTES && (this.literalBytes > 0 || nextIsBytes)) {
      this.literal.push(SHORT_ZEROS.subarray(0, zeros));
      this.literalBytes += zeros;
      return;
    }
    this.emitStamp();
    this.emitLiteral();
    this.hash.update(`z ${zeros}\n`);
  }

  // Every record starts with its kind and its length, so the encoding is prefix-free.
  private emitLiteral(): void {
    if (this.literalBytes === 0) return;
    this.hash.update(`b ${this.literalBytes}\n`);
    for (const piece of this.literal) this.hash.update(piece);
    this.literal.length = 0;
    this.literalBytes = 0;
  }

  private emitStamp(): void {
    const run = this.stampRun;
    if (run === undefined) return;
    this.hash.update(`s ${run.lengthBytes} ${run.stamp} ${run.stampOffsetBytes}\n`);
    this.stampRun = undefined;
  }
}

/** The index of the first non-zero byte at or after `from` (the length if none); metadata blocks are mostly zero padding, so whole 32-bit words are checked where aligned. */
function zeroRunEnd(bytes: Uint8Array, from: number): number {
  const length = bytes.length;
  let i = from;
  while (i < length && (bytes.byteOffset + i) % 4 !== 0) {
    if (bytes[i] !== 0) return i;
    i++;
  }
  const words = Math.floor((length - i) / 4);
  if (words > 4) {
    const view = new Uint32Array(bytes.buffer, bytes.byteOffset + i, words);
    let w = 0;
    while (w < words && view[w] === 0) w++;
    i += w * 4;
  }
  while (i < length && bytes[i] === 0) i++;
  return i;
}
