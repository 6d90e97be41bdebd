/**
 * A parser's requests, one column per field, written as each line is read.
 * An object per request (and an array of them) took a 13M-request trace to
 * 3 GB and a 50M-request one past the heap; these columns take ~26 bytes a
 * request outside the heap, and the trace source filters, orders and places
 * the requests in them where they are, without a second copy.
 */
import { NumberColumn } from "./number-column.js";
import type { TraceRequest, TraceRequestKind } from "./common.js";

const KINDS: readonly TraceRequestKind[] = ["read", "write", "flush", "trim"];
const KIND_CODE: Readonly<Record<TraceRequestKind, number>> = { read: 0, write: 1, flush: 2, trim: 3 };
const KIND_BITS = 0b11;
const FUA_BIT = 0b100;
/** For the parser's own use while it reads (blkparse: a D event rather than a Q); not part of a request. */
export const MARK_BIT = 0b1000;

export class TraceColumns {
  count = 0;
  timeNs = new NumberColumn("f64");
  offsetBytes = new NumberColumn("u32");
  lengthBytes = new NumberColumn("u32");
  /** 1-based line in the trace file. */
  line = new NumberColumn("u32");
  /** Index into deviceNumbers: a trace has few devices, so a byte each rather than a dev_t. */
  deviceIndex = new NumberColumn("u8");
  /** Kind, FUA and the parser's mark (see the bits above). */
  flags = new NumberColumn("u8");
  /** blkparse only, made at the first remapped request: deviceIndex + 1 of the device above, 0 for none. */
  remappedFromIndex: NumberColumn | undefined;
  /** The trace's device numbers, in order of first appearance. */
  readonly deviceNumbers: number[] = [];
  private readonly indexOfDevice = new Map<number, number>();
  // Most traces are one device, or long runs of one: skip the map lookup for a repeat.
  private lastDevice = Number.NaN;
  private lastDeviceIndex = 0;

  push(timeNs: number, device: number, kind: TraceRequestKind, offsetBytes: number, lengthBytes: number, line: number, fua = false, remappedFrom?: number, mark = false): void {
    const i = this.count++;
    this.timeNs.set(i, timeNs);
    this.offsetBytes.set(i, offsetBytes);
    this.lengthBytes.set(i, lengthBytes);
    this.line.set(i, line);
    this.deviceIndex.set(i, this.indexFor(device));
    this.flags.set(i, KIND_CODE[kind] | (fua ? FUA_BIT : 0) | (mark ? MARK_BIT : 0));
    if (remappedFrom !== undefined && this.remappedFromIndex === undefined) {
      // Made at the first remapped request, with "none" for those before it: most traces never pay for it.
      this.remappedFromIndex = new NumberColumn("u8");
      for (let k = 0; k < i; k++) this.remappedFromIndex.set(k, 0);
    }
    this.remappedFromIndex?.set(i, remappedFrom === undefined ? 0 : this.indexFor(remappedFrom) + 1);
  }

  kind(i: number): TraceRequestKind {
    return KINDS[this.flags.get(i) & KIND_BITS]!;
  }

  isRead(i: number): boolean {
    return (this.flags.get(i) & KIND_BITS) === KIND_CODE.read;
  }

  fua(i: number): boolean {
    return (this.flags.get(i) & FUA_BIT) !== 0;
  }

  marked(i: number): boolean {
    return (this.flags.get(i) & MARK_BIT) !== 0;
  }

  device(i: number): number {
    return this.deviceNumbers[this.deviceIndex.get(i)]!;
  }

  /** The device above this one in a stack, for a remapped blkparse request; undefined otherwise. */
  remappedFrom(i: number): number | undefined {
    const index = this.remappedFromIndex === undefined ? 0 : this.remappedFromIndex.get(i);
    return index === 0 ? undefined : this.deviceNumbers[index - 1];
  }

  /** Request i as an object, as the parsers' callers and tests see it. */
  request(i: number): TraceRequest {
    const remappedFrom = this.remappedFrom(i);
    return {
      timeNs: this.timeNs.get(i),
      device: this.device(i),
      kind: this.kind(i),
      offsetBytes: this.offsetBytes.get(i),
      lengthBytes: this.lengthBytes.get(i),
      ...(this.fua(i) ? { fua: true as const } : {}),
      ...(remappedFrom === undefined ? {} : { remappedFrom }),
      line: this.line.get(i),
    };
  }

  toRequests(): TraceRequest[] {
    const requests: TraceRequest[] = [];
    for (let i = 0; i < this.count; i++) requests.push(this.request(i));
    return requests;
  }

  /** Keeps the entries `keep` says yes to, in their order, moving them down in place. */
  retain(keep: (i: number) => boolean): void {
    let kept = 0;
    for (let i = 0; i < this.count; i++) {
      if (!keep(i)) continue;
      if (kept !== i) this.copy(i, kept);
      kept++;
    }
    this.truncate(kept);
  }

  /** Puts the entries in the order `order` gives (entry i becomes the old entry order[i]), one column at a time. */
  reorder(order: Uint32Array): void {
    const permuted = (column: NumberColumn): NumberColumn => {
      const result = new NumberColumn("u8");
      for (let i = 0; i < order.length; i++) result.set(i, column.get(order[i]!));
      return result;
    };
    this.timeNs = permuted(this.timeNs);
    this.offsetBytes = permuted(this.offsetBytes);
    this.lengthBytes = permuted(this.lengthBytes);
    this.line = permuted(this.line);
    this.deviceIndex = permuted(this.deviceIndex);
    this.flags = permuted(this.flags);
    if (this.remappedFromIndex !== undefined) this.remappedFromIndex = permuted(this.remappedFromIndex);
  }

  private copy(from: number, to: number): void {
    this.timeNs.set(to, this.timeNs.get(from));
    this.offsetBytes.set(to, this.offsetBytes.get(from));
    this.lengthBytes.set(to, this.lengthBytes.get(from));
    this.line.set(to, this.line.get(from));
    this.deviceIndex.set(to, this.deviceIndex.get(from));
    this.flags.set(to, this.flags.get(from));
    this.remappedFromIndex?.set(to, this.remappedFromIndex.get(from));
  }

  private truncate(count: number): void {
    this.count = count;
    for (const column of [this.timeNs, this.offsetBytes, this.lengthBytes, this.line, this.deviceIndex, this.flags, this.remappedFromIndex]) column?.truncate(count);
  }

  private indexFor(device: number): number {
    if (device === this.lastDevice) return this.lastDeviceIndex;
    let index = this.indexOfDevice.get(device);
    if (index === undefined) {
      index = this.deviceNumbers.length;
      this.deviceNumbers.push(device);
      this.indexOfDevice.set(device, index);
    }
    this.lastDevice = device;
    this.lastDeviceIndex = index;
    return index;
  }
}
