import { waitStep, type Coroutine } from "../io/coroutine.js";
import { Signal } from "../io/signal.js";
import type { DeviceIo } from "./device-io.js";

interface SectorState {
  /** Waiters whose change is not in the write now in flight. */
  next: Signal | undefined;
  /** Whether any request waiting for the next write asked for FUA. */
  nextFua: boolean;
  writing: boolean;
}

/** Encodes a sector into `into` (a buffer of one metadata block) and returns it. */
export type SectorEncoder = (into: Uint8Array) => Uint8Array;

/**
 * Serialises writes to each metadata sector. Two writes of one sector in
 * flight together may complete in either order, so an older encoding could
 * land last and silently undo a newer one. Here at most one write per sector
 * is in flight; a request made meanwhile waits for the next write, whose
 * encoding is taken after the request (so it contains the requester's
 * change), and any number of such requests share that one write.
 */
export class SectorWriter {
  private readonly sectors = new Map<number, SectorState>();
  /**
   * Buffers of writes that completed, for the next ones: a write lends its
   * buffer to the device until it completes, so a sector needs no allocation
   * of its own (a fresh 512-byte array per write was a fifth of a whole run).
   */
  private readonly spareBuffers: Uint8Array[] = [];

  constructor(private readonly io: DeviceIo) {}

  /** Returns once a write of `sector` that began after this call has completed. */
  *write(sector: number, encode: SectorEncoder, fua: boolean): Coroutine {
    let state = this.sectors.get(sector);
    if (state === undefined) {
      state = { next: undefined, nextFua: false, writing: false };
      this.sectors.set(sector, state);
    }
    if (state.writing) {
      state.next ??= new Signal();
      state.nextFua ||= fua;
      yield waitStep(state.next);
      return;
    }
    state.writing = true;
    const buffer = this.spareBuffers.pop() ?? new Uint8Array(this.io.metadataSectorBytes);
    yield this.io.metadataWriteStep(sector, encode(buffer), fua, true);
    // Serve the requests that arrived during the write, one write per round (the last one's buffer is free again).
    while (state.next !== undefined) {
      const round = state.next;
      const roundFua = state.nextFua;
      state.next = undefined;
      state.nextFua = false;
      yield this.io.metadataWriteStep(sector, encode(buffer), roundFua, true);
      round.fire();
    }
    state.writing = false;
    this.sectors.delete(sector);
    this.spareBuffers.push(buffer);
  }
}
