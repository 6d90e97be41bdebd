/**
 * Device content as the engine sees it: an opaque run of bytes.
 *
 * Simulated user data is not stored byte by byte. A *stamp* names the host
 * write that produced some bytes; the content at position `stampOffsetBytes`
 * of stamp `s` is a fixed function of (s, offset). Moving stamped data around
 * (copy on first write) costs one segment, whatever the length, so a 16 TiB
 * volume costs memory only where it was written. Metadata is always real bytes.
 */

/** A run of zero bytes (never-written space on a zero-filled device). */
export interface ZeroSegment {
  readonly kind: "zero";
  readonly lengthBytes: number;
}

/**
 * A run of real bytes. Without `handedOver` the bytes are lent, as a buffer
 * is to a real block device: they must stay unchanged until the write that
 * carries them completes, and a receiver that keeps them past that copies
 * them. The engine reuses its metadata buffers this way instead of
 * allocating a sector per write.
 */
export interface BytesSegment {
  readonly kind: "bytes";
  readonly lengthBytes: number;
  readonly bytes: Uint8Array;
  /** The producer will never change `bytes` again, so a receiver may keep them without copying. */
  readonly handedOver?: true;
}

/** A run of a stamp's content starting at `stampOffsetBytes` within that stamp. */
export interface StampSegment {
  readonly kind: "stamp";
  readonly lengthBytes: number;
  readonly stamp: number;
  readonly stampOffsetBytes: number;
}

export type Segment = ZeroSegment | BytesSegment | StampSegment;

export class Payload {
  readonly segments: readonly Segment[];
  readonly lengthBytes: number;

  constructor(segments: readonly Segment[]) {
    this.segments = segments;
    let lengthBytes = 0;
    for (const segment of segments) lengthBytes += segment.lengthBytes;
    this.lengthBytes = lengthBytes;
  }

  static zero(lengthBytes: number): Payload {
    return new Payload([{ kind: "zero", lengthBytes }]);
  }

  static bytes(bytes: Uint8Array): Payload {
    return new Payload([{ kind: "bytes", lengthBytes: bytes.length, bytes }]);
  }

  /** Bytes the caller hands over for good (it will never change them): devices may keep them without a copy. */
  static handedOver(bytes: Uint8Array): Payload {
    return new Payload([{ kind: "bytes", lengthBytes: bytes.length, bytes, handedOver: true }]);
  }

  /** This payload with its lent bytes copied and handed over: a value a receiver may keep as long as it likes. */
  owned(): Payload {
    let lent = false;
    for (const segment of this.segments) lent ||= segment.kind === "bytes" && segment.handedOver !== true;
    if (!lent) return this;
    return new Payload(this.segments.map((segment): Segment => (segment.kind === "bytes" && segment.handedOver !== true ? ownedBytes(segment) : segment)));
  }

  static stamp(stamp: number, lengthBytes: number, stampOffsetBytes = 0): Payload {
    return new Payload([{ kind: "stamp", lengthBytes, stamp, stampOffsetBytes }]);
  }

  /** The bytes [startBytes, startBytes + lengthBytes) of this payload. */
  slice(startBytes: number, lengthBytes: number): Payload {
    if (startBytes === 0 && lengthBytes === this.lengthBytes) return this;
    const out: Segment[] = [];
    let position = 0;
    const endBytes = startBytes + lengthBytes;
    for (const segment of this.segments) {
      const segmentEnd = position + segment.lengthBytes;
      if (segmentEnd > startBytes && position < endBytes) {
        const from = Math.max(startBytes, position) - position;
        const to = Math.min(endBytes, segmentEnd) - position;
        out.push(sliceSegment(segment, from, to - from));
      }
      position = segmentEnd;
      if (position >= endBytes) break;
    }
    return new Payload(out);
  }

  /** Real bytes of this payload; stamps are materialised by `stampByte`. */
  toBytes(): Uint8Array {
    return this.copyTo(new Uint8Array(this.lengthBytes), 0);
  }

  /** True when the payload is known to be zeros without looking at bytes: zero segments only (a simulated device's never-written space). */
  isZeroRuns(): boolean {
    for (const segment of this.segments) if (segment.kind !== "zero") return false;
    return true;
  }

  /** Writes the bytes toBytes would give into `out` from `atBytes` on, rather than into a new array; returns `out`. */
  copyTo(out: Uint8Array, atBytes: number): Uint8Array {
    let position = atBytes;
    for (const segment of this.segments) {
      if (segment.kind === "bytes") out.set(segment.bytes, position);
      else if (segment.kind === "stamp") fillStamp(out, position, segment);
      else out.fill(0, position, position + segment.lengthBytes);
      position += segment.lengthBytes;
    }
    return out;
  }

  /** The segments with neighbours that continue each other merged: the canonical form. */
  normalized(): Segment[] {
    const out: Segment[] = [];
    for (const segment of this.segments) {
      if (segment.lengthBytes === 0) continue;
      const last = out[out.length - 1];
      const merged = last === undefined ? undefined : mergeSegments(last, segment);
      if (merged === undefined) out.push(segment);
      else out[out.length - 1] = merged;
    }
    return out;
  }

  equals(other: Payload): boolean {
    return payloadsEqual(this, other);
  }

  /** A short human description, for failure messages. */
  describe(): string {
    return this.normalized()
      .map((s) => {
        if (s.kind === "zero") return `zero(${s.lengthBytes})`;
        if (s.kind === "bytes") return `bytes(${s.lengthBytes})`;
        return `stamp${s.stamp}@${s.stampOffsetBytes}(${s.lengthBytes})`;
      })
      .join(" ");
  }
}

export function concatPayloads(parts: readonly Payload[]): Payload {
  const segments: Segment[] = [];
  for (const part of parts) segments.push(...part.segments);
  return new Payload(segments);
}

/** A handed-over copy of lent bytes. */
export function ownedBytes(segment: BytesSegment): BytesSegment {
  return { kind: "bytes", lengthBytes: segment.lengthBytes, bytes: segment.bytes.slice(), handedOver: true };
}

/** The bytes [fromBytes, fromBytes + lengthBytes) of one segment, sharing its storage. */
export function sliceSegment(segment: Segment, fromBytes: number, lengthBytes: number): Segment {
  if (fromBytes === 0 && lengthBytes === segment.lengthBytes) return segment;
  switch (segment.kind) {
    case "zero":
      return { kind: "zero", lengthBytes };
    case "bytes": {
      const bytes = segment.bytes.subarray(fromBytes, fromBytes + lengthBytes);
      // A piece of bytes handed over is handed over too: nobody changes them.
      return segment.handedOver === true ? { kind: "bytes", lengthBytes, bytes, handedOver: true } : { kind: "bytes", lengthBytes, bytes };
    }
    case "stamp":
      return { kind: "stamp", lengthBytes, stamp: segment.stamp, stampOffsetBytes: segment.stampOffsetBytes + fromBytes };
  }
}

/**
 * `a` followed by `b` as one segment when `b` continues `a` (zeros after
 * zeros, or the next bytes of the same stamp); undefined otherwise. Real bytes
 * are never merged, because that would copy them.
 */
export function mergeSegments(a: Segment, b: Segment): Segment | undefined {
  if (a.kind === "zero" && b.kind === "zero") return { kind: "zero", lengthBytes: a.lengthBytes + b.lengthBytes };
  if (a.kind === "stamp" && b.kind === "stamp" && a.stamp === b.stamp && a.stampOffsetBytes + a.lengthBytes === b.stampOffsetBytes) {
    return { kind: "stamp", lengthBytes: a.lengthBytes + b.lengthBytes, stamp: a.stamp, stampOffsetBytes: a.stampOffsetBytes };
  }
  return undefined;
}

/**
 * The byte a stamp holds at an offset. A cheap integer mix: distinct stamps and
 * offsets give different-looking bytes, so a misplaced copy shows up as a
 * difference even after materialisation to a real file.
 */
export function stampByte(stamp: number, offsetBytes: number): number {
  let x = (Math.imul(stamp | 0, 0x9e3779b1) ^ Math.imul((offsetBytes >>> 3) | 0, 0x85ebca6b) ^ Math.floor(offsetBytes / 2 ** 32)) >>> 0;
  x = Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) >>> 0;
  x = Math.imul(x ^ (x >>> 12), 0x297a2d39) >>> 0;
  x ^= x >>> 15;
  return (x >>> ((offsetBytes & 3) * 8)) & 0xff;
}

function fillStamp(out: Uint8Array, position: number, segment: StampSegment): void {
  for (let i = 0; i < segment.lengthBytes; i++) out[position + i] = stampByte(segment.stamp, segment.stampOffsetBytes + i);
}

function payloadsEqual(a: Payload, b: Payload): boolean {
  if (a.lengthBytes !== b.lengthBytes) return false;
  const left = a.normalized();
  const right = b.normalized();
  if (left.length === right.length && left.every((s, i) => segmentsEqual(s, right[i]))) return true;
  // Mixed representations (stamps against materialised bytes) compare by content.
  const hasBytes = (segments: Segment[]) => segments.some((s) => s.kind === "bytes");
  if (!hasBytes(left) && !hasBytes(right)) return false;
  const leftBytes = a.toBytes();
  const rightBytes = b.toBytes();
  for (let i = 0; i < leftBytes.length; i++) if (leftBytes[i] !== rightBytes[i]) return false;
  return true;
}

function segmentsEqual(a: Segment, b: Segment | undefined): boolean {
  if (b === undefined || a.kind !== b.kind || a.lengthBytes !== b.lengthBytes) return false;
  if (a.kind === "stamp" && b.kind === "stamp") return a.stamp === b.stamp && a.stampOffsetBytes === b.stampOffsetBytes;
  if (a.kind === "bytes" && b.kind === "bytes") {
    for (let i = 0; i < a.lengthBytes; i++) if (a.bytes[i] !== b.bytes[i]) return false;
  }
  return true;
}
