import { createHash, type Hash } from "node:crypto";
import type { Segment } from "../../io/payload.js";

type Run =
  | { kind: "zero"; startBytes: number; lengthBytes: number }
  | { kind: "stamp"; startBytes: number; lengthBytes: number; stamp: number; stampOffsetBytes: number }
  | { kind: "bytes"; startBytes: number; lengthBytes: number; pieces: Uint8Array[] };

/**
 * Hashes device content given as segments in address order, from address 0
 * with no holes, in a canonical form: the hash depends on what reads would
 * return, not on how the content was cut into segments by its write history.
 *
 * Canonical form: maximal runs of zeros (zero segments and zero bytes inside
 * real-byte segments alike, because Payload.equals treats them as equal),
 * maximal runs of one stamp at consecutive stamp offsets, and maximal runs of
 * the remaining real bytes. The final run is dropped when it is what
 * never-written space holds, so a store that wrote unwritten-looking content
 * past its last real write hashes like one that never wrote there. Stamped
 * content and real bytes that happen to materialise to the same values are
 * not recognised as equal: the simulator never materialises stamps, so the two
 * representations never describe the same data.
 */
export class CanonicalContentHasher {
  private readonly hash: Hash = createHash("sha256");
  private pending: Run | undefined;

  constructor(private readonly unwrittenStamp: number | undefined) {
    this.hash.update(unwrittenStamp === undefined ? "cofwsim-content-v1 unwritten=zero\n" : `cofwsim-content-v1 unwritten=stamp:${unwrittenStamp}\n`);
  }

  /** Adds the next segment; `startBytes` is its absolute address, which must follow the previous one. */
  add(segment: Segment, startBytes: number): void {
    if (segment.lengthBytes === 0) return;
    if (segment.kind !== "bytes") {
      this.addRun(segment.kind === "zero" ? { kind: "zero", startBytes, lengthBytes: segment.lengthBytes } : { ...segment, startBytes });
      return;
    }
    // Real bytes are split into their zero and non-zero runs.
    const bytes = segment.bytes;
    let runStart = 0;
    while (runStart < bytes.length) {
      const isZero = bytes[runStart] === 0;
      let runEnd = runStart + 1;
      while (runEnd < bytes.length && (bytes[runEnd] === 0) === isZero) runEnd++;
      const lengthBytes = runEnd - runStart;
      if (isZero) this.addRun({ kind: "zero", startBytes: startBytes + runStart, lengthBytes });
      else this.addRun({ kind: "bytes", startBytes: startBytes + runStart, lengthBytes, pieces: [bytes.subarray(runStart, runEnd)] });
      runStart = runEnd;
    }
  }

  /** The hex digest; the hasher cannot be used afterwards. */
  digest(): string {
    const last = this.pending;
    if (last !== undefined && !this.isUnwrittenRun(last)) this.emit(last);
    this.pending = undefined;
    return this.hash.digest("hex");
  }

  private addRun(run: Run): void {
    const previous = this.pending;
    if (previous === undefined) {
      this.pending = run;
      return;
    }
    if (previous.kind === "zero" && run.kind === "zero") {
      previous.lengthBytes += run.lengthBytes;
      return;
    }
    if (previous.kind === "bytes" && run.kind === "bytes") {
      previous.pieces.push(...run.pieces);
      previous.lengthBytes += run.lengthBytes;
      return;
    }
    if (
      previous.kind === "stamp" &&
      run.kind === "stamp" &&
      previous.stamp === run.stamp &&
      previous.stampOffsetBytes + previous.lengthBytes === run.stampOffsetBytes
    ) {
      previous.lengthBytes += run.lengthBytes;
      return;
    }
    this.emit(previous);
    this.pending = run;
  }

  private isUnwrittenRun(run: Run): boolean {
    if (this.unwrittenStamp === undefined) return run.kind === "zero";
    return run.kind === "stamp" && run.stamp === this.unwrittenStamp && run.stampOffsetBytes === run.startBytes;
  }

  private emit(run: Run): void {
    // Every record starts with its kind and its length, so the encoding is prefix-free.
    switch (run.kind) {
      case "zero":
        this.hash.update(`z ${run.lengthBytes}\n`);
        return;
      case "stamp":
        this.hash.update(`s ${run.lengthBytes} ${run.stamp} ${run.stampOffsetBytes}\n`);
        return;
      case "bytes":
        this.hash.update(`b ${run.lengthBytes}\n`);
        for (const piece of run.pieces) this.hash.update(piece);
        return;
    }
  }
}
