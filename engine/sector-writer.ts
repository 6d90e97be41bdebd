import type { DeviceError, IoCompletion } from "../io/block-device.js";
import type { Coroutine } from "../io/coroutine.js";
import { IntegerObjectMap } from "../io/integer-object-map.js";
import { Latch } from "../io/latch.js";
import type { DeviceIo } from "./device-io.js";

/** Encodes metadata sector `sector`, as memory says now, into `into` (a buffer of one metadata block) and returns it. */
export type SectorEncoder = (sector: number, into: Uint8Array) => Uint8Array;

/** One sector's run of writes: from the first request's write until no request is left waiting. */
class SectorWrites {
  /** Requests that arrived during the write in flight; the next write serves them all. */
  next: Latch[] | undefined;
  /** Whether any of `next` asked for FUA. */
  nextFua = false;
  /** The requests the write in flight serves, when it is not the first write of the run. */
  round: Latch[] | undefined;
  /** The device's completion callback for this run's writes: one per run, not one per write. */
  readonly completed: (completion: IoCompletion, error?: DeviceError) => void;

  constructor(
    writer: SectorWriter,
    readonly sector: number,
    /** The request that started the run: it is answered when the run ends, after the last write. */
    readonly first: Latch,
    /** Lent to the device for each write of the run, encoded anew each time. */
    readonly buffer: Uint8Array,
  ) {
    this.completed = (_completion, error) => writer.completed(this, error);
  }
}

/**
 * Serialises writes to each metadata sector. Two writes of one sector in
 * flight together may complete in either order, so an older encoding could
 * land last and silently undo a newer one. Here at most one write per sector
 * is in flight; a request made meanwhile waits for the next write, whose
 * encoding is taken after the request (so it contains the requester's
 * change), and any number of such requests share that one write.
 *
 * Requests are answered through a Latch rather than each being a coroutine:
 * a copy's commit asks for two sectors and waits for both with one latch,
 * where an `all` of two coroutines cost two tasks and a join per copy. A
 * request is answered on the stack of the completion of the write that
 * served it, as a device answers an I/O; the request that started a run,
 * when the run's last write completes.
 */
export class SectorWriter {
  private readonly sectors = new IntegerObjectMap<SectorWrites>();
  /**
   * Buffers of runs that ended, for the next ones: a write lends its buffer
   * to the device until it completes, so a sector needs no allocation of its
   * own (a fresh 512-byte array per write was a fifth of a whole run).
   */
  private readonly spareBuffers: Uint8Array[] = [];

  constructor(
    private readonly io: DeviceIo,
    private readonly encode: SectorEncoder,
  ) {}

  /** Counts `latch` down once a write of `sector` that began after this call has completed. */
  request(sector: number, fua: boolean, latch: Latch): void {
    const inFlight = this.sectors.get(sector);
    if (inFlight !== undefined) {
      (inFlight.next ??= []).push(latch);
      inFlight.nextFua ||= fua;
      return;
    }
    const writes = new SectorWrites(this, sector, latch, this.spareBuffers.pop() ?? new Uint8Array(this.io.metadataSectorBytes));
    this.sectors.set(sector, writes);
    this.submit(writes, fua);
  }

  /** Returns once a write of `sector` that began after this call has completed. */
  *write(sector: number, fua: boolean): Coroutine {
    const latch = new Latch(1);
    this.request(sector, fua, latch);
    yield latch;
  }

  /** @internal a write of the run completed (SectorWrites.completed). */
  completed(writes: SectorWrites, error: DeviceError | undefined): void {
    if (error !== undefined) {
      // What the sector holds is unknown: every request of the run fails, and the next request starts a new run.
      this.sectors.delete(writes.sector);
      for (const latch of [writes.first, ...(writes.round ?? []), ...(writes.next ?? [])]) latch.fail(error);
      return;
    }
    if (writes.round !== undefined) for (const latch of writes.round) latch.arrive();
    const next = writes.next;
    if (next !== undefined) {
      // Serve the requests that arrived during the write, one write per round.
      const fua = writes.nextFua;
      writes.round = next;
      writes.next = undefined;
      writes.nextFua = false;
      this.submit(writes, fua);
      return;
    }
    this.sectors.delete(writes.sector);
    this.spareBuffers.push(writes.buffer);
    writes.first.arrive();
  }

  private submit(writes: SectorWrites, fua: boolean): void {
    const step = this.io.metadataWriteStep(writes.sector, this.encode(writes.sector, writes.buffer), fua, true);
    this.io.cache.submit(step, writes.completed);
  }
}
