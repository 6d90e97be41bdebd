import type { DeviceError, IoCompletion } from "../io/block-device.js";
import type { Coroutine } from "../io/coroutine.js";
import { IntegerObjectMap } from "../io/integer-object-map.js";
import { Latch } from "../io/latch.js";
import { Payload } from "../io/payload.js";
import type { DeviceIo } from "./device-io.js";

/** Encodes metadata sector `sector`, as memory says now, into `into` (a buffer of one metadata block). */
export type SectorEncoder = (sector: number, into: Uint8Array) => void;

/**
 * One sector's run of writes: from the first request's write until no
 * request is left waiting. A run that ended well is kept for a later one
 * (see SectorWriter.spareRuns), with its buffer, its payload and its
 * completion callback.
 */
class SectorWrites {
  /** Requests that arrived during the write in flight; the next write serves them all. */
  next: Latch[] | undefined = undefined;
  /** Whether any of `next` asked for FUA. */
  nextFua = false;
  /** The requests the write in flight serves, when it is not the first write of the run. */
  round: Latch[] | undefined = undefined;
  /** The device's completion callback for this run's writes. */
  readonly completed: (completion: IoCompletion, error?: DeviceError) => void;
  /** Lent to the device for each write of the run, encoded anew each time. */
  readonly buffer: Uint8Array;
  /** `buffer` as the payload of every write: nobody keeps a lent payload past its write's completion. */
  readonly payload: Payload;

  constructor(
    writer: SectorWriter,
    public sector: number,
    /** The request that started the run: it is answered when the run ends, after the last write. */
    public first: Latch,
    sectorBytes: number,
  ) {
    this.completed = (_completion, error) => writer.completed(this, error);
    this.buffer = new Uint8Array(sectorBytes);
    this.payload = Payload.bytes(this.buffer);
  }

  /** This ended run, started again for `sector` by `first`. */
  restart(sector: number, first: Latch): this {
    this.sector = sector;
    this.first = first;
    this.next = undefined;
    this.nextFua = false;
    this.round = undefined;
    return this;
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
   * Runs that ended, for the next ones: a write lends its run's buffer to the
   * device until it completes, so a write allocates no sector of its own (a
   * fresh 512-byte array per write was a fifth of a whole run), nor a run, a
   * callback and a payload (~0.4 KB per copy on first write, which writes
   * two sectors).
   */
  private readonly spareRuns: SectorWrites[] = [];

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
    const writes = this.spareRuns.pop()?.restart(sector, latch) ?? new SectorWrites(this, sector, latch, this.io.metadataSectorBytes);
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
    const first = writes.first;
    this.spareRuns.push(writes);
    first.arrive();
  }

  private submit(writes: SectorWrites, fua: boolean): void {
    this.encode(writes.sector, writes.buffer);
    this.io.cache.submit(this.io.metadataPayloadWriteStep(writes.sector, writes.payload, fua), writes.completed);
  }
}
