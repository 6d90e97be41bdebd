import { DeviceError, requestProblem, type BlockDevice, type IoCompletion, type IoRequest } from "../../io/block-device.js";
import { concatPayloads, Payload, type Segment } from "../../io/payload.js";
import type { Kernel } from "../kernel.js";
import { BadValueError } from "../../io/bad-value-error.js";

export interface StripeOptions {
  /** Default "stripe". */
  readonly name?: string;
  readonly children: readonly BlockDevice[];
  /** RAID-0 chunk: a positive multiple of the children's sector size. */
  readonly stripeUnitBytes: number;
  /**
   * The stamp the children's never-written space holds (see SimDevice), at
   * their own offsets; the stripe then shows it at the volume's offsets, so
   * that every address of a fresh striped volume has its own content, as on
   * one device (a Source LU's original contents).
   */
  readonly unwrittenStamp?: number;
}

/** One child's share of a request: one contiguous child range covering one or more stripe units. */
export interface StripePart {
  readonly child: number;
  readonly childOffsetBytes: number;
  readonly lengthBytes: number;
  /** The pieces of the host range this part carries, in host address order. */
  readonly pieces: readonly StripePiece[];
}

/** A run of at most one stripe unit: where it sits in the host request and in its child's part. */
export interface StripePiece {
  /** Offset from the start of the host request. */
  readonly requestOffsetBytes: number;
  /** Offset from the start of the child part. */
  readonly partOffsetBytes: number;
  readonly lengthBytes: number;
}

/**
 * RAID-0 over N children: stripe unit u of the volume lives on child u mod N at
 * child offset floor(u / N) * stripeUnitBytes. A request is cut at unit
 * boundaries, and the cuts that land on the same child are sent as one child
 * request: a contiguous host range always maps to one contiguous range per
 * child (only its first and last units can be partial), so this loses nothing
 * and saves child requests on large I/O.
 *
 * A request completes when every child part has completed, even when one has
 * failed (then with the first error reported): the caller never hears about a
 * request while part of it may still reach a child. A flush goes to every
 * child. The stripe holds no queue of its own; `queueDepth` is the children's
 * sum, for information.
 *
 * With an unwritten stamp, content that is "never written" at one side's
 * address (the stamp at that very offset) is shown as such at the other's:
 * reads map child offsets to volume offsets and writes the reverse. Without
 * it, volume addresses 0 and one stripe unit (child 0 and child 1 at offset 0)
 * read the same original contents, and data the engine put at the wrong
 * address could read as right.
 */
export class StripeDevice implements BlockDevice {
  readonly name: string;
  readonly capacityBytes: number;
  readonly sectorSizeBytes: number;
  readonly queueDepth: number;
  readonly stripeUnitBytes: number;
  readonly unwrittenStamp: number | undefined;
  /** The member devices, in stripe order, so a crash injector can reach each one's log. */
  readonly children: readonly BlockDevice[];
  /** prefetch()'s offsets, per child. */
  private readonly prefetchOffsets: Array<Float64Array | undefined> = [];

  constructor(
    private readonly kernel: Kernel,
    options: StripeOptions,
  ) {
    this.name = options.name ?? "stripe";
    const children = options.children;
    const first = children[0];
    if (first === undefined) throw new BadValueError(`${this.name}: a stripe needs at least one child device`);
    this.sectorSizeBytes = first.sectorSizeBytes;
    for (const child of children) {
      if (child.sectorSizeBytes !== this.sectorSizeBytes) {
        throw new BadValueError(
          `${this.name}: children disagree on sector size (${first.name} has ${this.sectorSizeBytes} bytes, ${child.name} has ${child.sectorSizeBytes})`,
        );
      }
    }
    const unit = options.stripeUnitBytes;
    if (!Number.isSafeInteger(unit) || unit <= 0 || unit % this.sectorSizeBytes !== 0) {
      throw new BadValueError(`${this.name}: stripeUnitBytes must be a positive multiple of the ${this.sectorSizeBytes}-byte sector, got ${String(unit)}`);
    }
    this.stripeUnitBytes = unit;
    this.unwrittenStamp = options.unwrittenStamp;
    const minChildBytes = Math.min(...children.map((child) => child.capacityBytes));
    const unitsPerChild = Math.floor(minChildBytes / unit);
    if (unitsPerChild === 0) {
      throw new BadValueError(`${this.name}: the smallest child (${minChildBytes} bytes) holds no whole ${unit}-byte stripe unit`);
    }
    this.capacityBytes = children.length * unitsPerChild * unit;
    this.queueDepth = children.reduce((sum, child) => sum + child.queueDepth, 0);
    this.children = [...children];
  }

  /** The child parts of the host range [offsetBytes, offsetBytes + lengthBytes), in child order. */
  map(offsetBytes: number, lengthBytes: number): StripePart[] {
    const unit = this.stripeUnitBytes;
    const n = this.children.length;
    const building = new Map<number, { childOffsetBytes: number; lengthBytes: number; pieces: StripePiece[] }>();
    let position = offsetBytes;
    const endBytes = offsetBytes + lengthBytes;
    while (position < endBytes) {
      const unitIndex = Math.floor(position / unit);
      const inUnit = position - unitIndex * unit;
      const pieceBytes = Math.min(unit - inUnit, endBytes - position);
      const child = unitIndex % n;
      const childOffsetBytes = Math.floor(unitIndex / n) * unit + inUnit;
      const part = building.get(child);
      if (part === undefined) {
        building.set(child, { childOffsetBytes, lengthBytes: pieceBytes, pieces: [{ requestOffsetBytes: position - offsetBytes, partOffsetBytes: 0, lengthBytes: pieceBytes }] });
      } else {
        // Contiguity on the child follows from the mapping (see the class comment).
        part.pieces.push({ requestOffsetBytes: position - offsetBytes, partOffsetBytes: part.lengthBytes, lengthBytes: pieceBytes });
        part.lengthBytes += pieceBytes;
      }
      position += pieceBytes;
    }
    return [...building.entries()].sort(([a], [b]) => a - b).map(([child, part]) => ({ child, ...part }));
  }

  submit(request: IoRequest, onComplete: (completion: IoCompletion, error?: DeviceError) => void): void {
    const problem = requestProblem(this, request);
    if (problem !== undefined) {
      const error = new DeviceError(this.name, problem);
      this.kernel.schedule(0, () => onComplete(undefined, error));
      return;
    }
    if (request.op === "flush") {
      this.fanOut(
        this.children.map((child) => ({ child, request })),
        () => undefined,
        onComplete,
      );
      return;
    }
    const lengthBytes = request.op === "read" ? request.lengthBytes : request.payload.lengthBytes;
    const parts = this.map(request.offsetBytes, lengthBytes);
    if (request.op === "write") {
      const { payload, fua } = request;
      this.fanOut(
        parts.map((part) => ({
          child: this.children[part.child] as BlockDevice,
          request: {
            op: "write",
            offsetBytes: part.childOffsetBytes,
            fua,
            payload: concatPayloads(
              part.pieces.map((piece) =>
                swapUnwritten(payload.slice(piece.requestOffsetBytes, piece.lengthBytes), this.unwrittenStamp, request.offsetBytes + piece.requestOffsetBytes, part.childOffsetBytes + piece.partOffsetBytes),
              ),
            ),
          },
        })),
        () => undefined,
        onComplete,
      );
      return;
    }
    this.fanOut(
      parts.map((part) => ({
        child: this.children[part.child] as BlockDevice,
        request: { op: "read", offsetBytes: part.childOffsetBytes, lengthBytes: part.lengthBytes },
      })),
      (results) => reassemble(this.name, parts, results, this.unwrittenStamp, request.offsetBytes),
      onComplete,
    );
  }

  /** Passes the hint on to each child that takes one, for the offsets inside the stripe, as that child's offsets (see map). */
  prefetch(offsetsBytes: ArrayLike<number>, count: number): void {
    const unit = this.stripeUnitBytes;
    const n = this.children.length;
    const perChild = this.prefetchOffsets;
    // Room for every offset in each child's list, before any is filled.
    for (let child = 0; child < n; child++) if ((perChild[child]?.length ?? 0) < count) perChild[child] = new Float64Array(count);
    const counts = new Array<number>(n).fill(0);
    for (let i = 0; i < count; i++) {
      const offsetBytes = offsetsBytes[i]!;
      if (!(offsetBytes >= 0 && offsetBytes < this.capacityBytes)) continue;
      const unitIndex = Math.floor(offsetBytes / unit);
      const child = unitIndex % n;
      perChild[child]![counts[child]!++] = Math.floor(unitIndex / n) * unit + (offsetBytes - unitIndex * unit);
    }
    this.children.forEach((child, index) => {
      if (counts[index]! > 0) child.prefetch?.(perChild[index]!, counts[index]!);
    });
  }

  /** Sends every submission and completes once, after the last child completion. */
  private fanOut(
    submissions: readonly Submission[],
    combine: (results: readonly IoCompletion[]) => IoCompletion | DeviceError,
    onComplete: (completion: IoCompletion, error?: DeviceError) => void,
  ): void {
    const results = new Array<IoCompletion>(submissions.length);
    let remaining = submissions.length;
    let firstError: DeviceError | undefined;
    submissions.forEach(({ child, request }, index) => {
      child.submit(request, (completion, error) => {
        if (error !== undefined) firstError ??= error;
        results[index] = completion;
        remaining--;
        if (remaining > 0) return;
        const combined = firstError ?? combine(results);
        if (combined instanceof DeviceError) onComplete(undefined, combined);
        else onComplete(combined);
      });
    });
  }
}

/**
 * Where byte `childOffsetBytes` of child `child` lies in a RAID-0 volume of
 * `childCount` children (the inverse of StripeDevice.map): its stripe unit
 * is the child's unit floor(childOffsetBytes / unit), counted across every
 * child.
 */
export function stripeVolumeOffsetBytes(stripeUnitBytes: number, childCount: number, child: number, childOffsetBytes: number): number {
  const childUnit = Math.floor(childOffsetBytes / stripeUnitBytes);
  return (childUnit * childCount + child) * stripeUnitBytes + (childOffsetBytes - childUnit * stripeUnitBytes);
}

interface Submission {
  readonly child: BlockDevice;
  readonly request: IoRequest;
}

/** The host read's data: each piece cut from its child's data, in host address order. */
function reassemble(name: string, parts: readonly StripePart[], results: readonly IoCompletion[], unwrittenStamp: number | undefined, requestOffsetBytes: number): Payload | DeviceError {
  const pieces: { requestOffsetBytes: number; data: Payload }[] = [];
  for (const [index, part] of parts.entries()) {
    const data = results[index];
    if (data === undefined || data.lengthBytes !== part.lengthBytes) {
      // A child breaking its contract must not turn into a silently short or misaligned read.
      return new DeviceError(name, `child ${part.child} returned ${data?.lengthBytes ?? "no"} bytes for a ${part.lengthBytes}-byte read`);
    }
    for (const piece of part.pieces) {
      const childData = data.slice(piece.partOffsetBytes, piece.lengthBytes);
      pieces.push({ requestOffsetBytes: piece.requestOffsetBytes, data: swapUnwritten(childData, unwrittenStamp, part.childOffsetBytes + piece.partOffsetBytes, requestOffsetBytes + piece.requestOffsetBytes) });
    }
  }
  pieces.sort((a, b) => a.requestOffsetBytes - b.requestOffsetBytes);
  return concatPayloads(pieces.map((piece) => piece.data));
}

/**
 * `data`, lying at `fromBytes` on one side and `toBytes` on the other: a run
 * of the unwritten stamp that is never-written content at `fromBytes` (the
 * stamp at its own offset) becomes never-written content at `toBytes`, and one
 * at `toBytes`'s offsets becomes one at `fromBytes`'s. A swap, so that a write
 * and the read of it give back any content unchanged, misplaced data included.
 */
export function swapUnwritten(data: Payload, unwrittenStamp: number | undefined, fromBytes: number, toBytes: number): Payload {
  if (unwrittenStamp === undefined || fromBytes === toBytes) return data;
  let changed = false;
  let positionBytes = 0;
  const segments = data.segments.map((segment): Segment => {
    const at = positionBytes;
    positionBytes += segment.lengthBytes;
    if (segment.kind !== "stamp" || segment.stamp !== unwrittenStamp) return segment;
    if (segment.stampOffsetBytes === fromBytes + at) {
      changed = true;
      return { ...segment, stampOffsetBytes: toBytes + at };
    }
    if (segment.stampOffsetBytes === toBytes + at) {
      changed = true;
      return { ...segment, stampOffsetBytes: fromBytes + at };
    }
    return segment;
  });
  return changed ? new Payload(segments) : data;
}
