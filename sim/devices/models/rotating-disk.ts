import type { Kernel } from "../../kernel.js";
import type { Rng } from "../../rng/streams.js";
import type { ServiceModel, ServiceRequest } from "../service-model.js";
import {
  formatBytesPerSec,
  formatNs,
  requireNonNegativeInteger,
  requireNonNegativeNumber,
  requirePositiveInteger,
  requirePositiveNumber,
  transferTimeNs,
} from "./options.js";
import { BadValueError } from "../../../io/bad-value-error.js";

export type DiskScheduler = "fifo" | "scan" | "look";

/**
 * seek(d) = 0 for d = 0; shortBaseNs + shortNsPerSqrtCylinder * sqrt(d) for
 * 0 < d < thresholdCylinders (acceleration-limited: the arm never reaches full
 * speed); longBaseNs + longNsPerCylinder * d from the threshold on (coasting at
 * full speed). The shape is Ruemmler and Wilkes' ("An introduction to disk
 * drive modeling", 1994).
 */
export interface SeekCurve {
  readonly shortBaseNs: number;
  readonly shortNsPerSqrtCylinder: number;
  readonly thresholdCylinders: number;
  readonly longNsPerCylinder: number;
  /**
   * Default: the value that makes the curve continuous at the threshold. Given
   * explicitly, it is used as is and the curve may jump there.
   */
  readonly longBaseNs?: number;
}

export interface RotatingDiskOptions {
  readonly capacityBytes: number;
  /** Default 512. */
  readonly sectorSizeBytes?: number;
  /** Default 2000 (about 1 MB per track, an average over a modern disk's zones). */
  readonly sectorsPerTrack?: number;
  /** Alternative to sectorsPerTrack; must be a multiple of the sector size. */
  readonly bytesPerTrack?: number;
  /** Recording surfaces; default 4. */
  readonly heads?: number;
  /** Default: just enough to hold the capacity. */
  readonly cylinders?: number;
  /** Default 7200. */
  readonly rpm?: number;
  /**
   * Default: one track per revolution (bytesPerTrack * rpm / 60), which keeps
   * transfer time and platter angle consistent: reading k sectors turns the
   * platter by k sectors.
   */
  readonly mediaTransferBytesPerSec?: number;
  /**
   * The default seek curve is fitted to these three: seek(1) = trackToTrack,
   * seek(cylinders - 1) = fullStroke, and the sqrt and linear parts meet at the
   * threshold with equal value *and* slope. Defaults 0.8 ms, 18 ms and a
   * quarter of the full stroke. Cannot be combined with seekCurve.
   */
  readonly trackToTrackSeekNs?: number;
  readonly fullStrokeSeekNs?: number;
  readonly seekThresholdCylinders?: number;
  /** An explicit curve instead of the fitted one. */
  readonly seekCurve?: SeekCurve;
  /** Default "fifo". */
  readonly scheduler?: DiskScheduler;
  /** A flush does not move the arm (the model has no cache to write back); default 0. */
  readonly flushNs?: number;
  /** Where the head rests at time 0; default 0. */
  readonly initialCylinder?: number;
}

export interface DiskLocation {
  readonly cylinder: number;
  readonly head: number;
  readonly sectorInTrack: number;
}

interface Job {
  readonly request: ServiceRequest;
  readonly done: () => void;
  readonly start: DiskLocation;
  /** Where the head is when the transfer ends (a request may cross tracks). */
  readonly endCylinder: number;
}

const MODEL = "rotating-disk model";
const NS_PER_MINUTE = 60e9;

/**
 * A single-actuator disk: one request at a time, each costing
 * seek(cylinder distance) + rotational wait + media transfer.
 *
 * Simplifications, all deliberate: uniform sectors per track (no zones), no
 * track or cylinder skew (sector 0 of every track sits at angle 0), no head
 * switch or settle time beyond the seek curve, no command overhead, reads and
 * writes cost the same, and a transfer that crosses a track boundary continues
 * without a rotational gap. The write cache, if any, belongs to SimDevice.
 *
 * Schedulers pick the next request when the arm becomes free: `fifo` in
 * arrival order; `look` the nearest request in the current sweep direction,
 * reversing when none lies ahead; `scan` the same, but with nothing ahead the
 * arm first travels to the last cylinder in that direction and only then
 * reverses. A decision is final: requests arriving while the arm moves are
 * considered at the next pick. Picking scans the queue (O(queue) per request),
 * which is fine at disk queue depths.
 */
export class RotatingDiskModel implements ServiceModel {
  readonly description: string;
  readonly capacityBytes: number;
  readonly sectorSizeBytes: number;
  readonly sectorsPerTrack: number;
  readonly heads: number;
  readonly cylinders: number;
  readonly rpm: number;
  /** One revolution in ns; not an integer in general (8 333 333.3 ns at 7200 rpm). */
  readonly revolutionNs: number;
  readonly mediaTransferBytesPerSec: number;
  readonly seekCurve: Required<SeekCurve>;
  readonly scheduler: DiskScheduler;
  readonly flushNs: number;

  private readonly pending: Job[] = [];
  private busy = false;
  private head: number;
  /** Sweep direction for scan/look: +1 towards higher cylinders. */
  private direction: 1 | -1 = 1;

  constructor(
    private readonly kernel: Kernel,
    options: RotatingDiskOptions,
    _rng?: Rng,
  ) {
    this.sectorSizeBytes = requirePositiveInteger(MODEL, "sectorSizeBytes", options.sectorSizeBytes ?? 512);
    this.capacityBytes = requirePositiveInteger(MODEL, "capacityBytes", options.capacityBytes);
    if (this.capacityBytes % this.sectorSizeBytes !== 0) {
      throw new BadValueError(`${MODEL}: capacityBytes ${this.capacityBytes} is not a multiple of the ${this.sectorSizeBytes}-byte sector`);
    }
    this.sectorsPerTrack = resolveSectorsPerTrack(options, this.sectorSizeBytes);
    this.heads = requirePositiveInteger(MODEL, "heads", options.heads ?? 4);
    const bytesPerCylinder = this.sectorsPerTrack * this.sectorSizeBytes * this.heads;
    const neededCylinders = Math.ceil(this.capacityBytes / bytesPerCylinder);
    this.cylinders = requirePositiveInteger(MODEL, "cylinders", options.cylinders ?? neededCylinders);
    if (this.cylinders < neededCylinders) {
      throw new BadValueError(
        `${MODEL}: ${this.cylinders} cylinders x ${this.heads} heads x ${this.sectorsPerTrack} sectors hold less than capacityBytes ${this.capacityBytes}; need at least ${neededCylinders} cylinders`,
      );
    }
    this.rpm = requirePositiveNumber(MODEL, "rpm", options.rpm ?? 7200);
    this.revolutionNs = NS_PER_MINUTE / this.rpm;
    this.mediaTransferBytesPerSec = requirePositiveNumber(
      MODEL,
      "mediaTransferBytesPerSec",
      options.mediaTransferBytesPerSec ?? (this.sectorsPerTrack * this.sectorSizeBytes * this.rpm) / 60,
    );
    this.seekCurve = resolveSeekCurve(options, this.cylinders - 1);
    const scheduler = options.scheduler ?? "fifo";
    if (scheduler !== "fifo" && scheduler !== "scan" && scheduler !== "look") {
      throw new BadValueError(`${MODEL}: scheduler must be "fifo", "scan" or "look", got ${String(scheduler)}`);
    }
    this.scheduler = scheduler;
    this.flushNs = requireNonNegativeInteger(MODEL, "flushNs", options.flushNs ?? 0);
    this.head = requireNonNegativeInteger(MODEL, "initialCylinder", options.initialCylinder ?? 0);
    if (this.head >= this.cylinders) {
      throw new BadValueError(`${MODEL}: initialCylinder ${this.head} is past the last cylinder ${this.cylinders - 1}`);
    }
    this.description =
      `rotating ${trimNumber(this.rpm)}rpm ${this.cylinders}cyl x${this.heads} x${this.sectorsPerTrack}sect, ` +
      `seek ${formatNs(this.seekTimeNs(1))}..${formatNs(this.seekTimeNs(Math.max(1, this.cylinders - 1)))}, ` +
      `${formatBytesPerSec(this.mediaTransferBytesPerSec)}, ${this.scheduler}`;
  }

  /** The cylinder the head is over (where the last transfer ended). */
  get headCylinder(): number {
    return this.head;
  }

  /** Requests waiting for the arm, excluding the one being served. */
  get queued(): number {
    return this.pending.length;
  }

  locate(offsetBytes: number): DiskLocation {
    const lba = Math.floor(offsetBytes / this.sectorSizeBytes);
    const track = Math.floor(lba / this.sectorsPerTrack);
    return { cylinder: Math.floor(track / this.heads), head: track % this.heads, sectorInTrack: lba % this.sectorsPerTrack };
  }

  seekTimeNs(distanceCylinders: number): number {
    if (distanceCylinders === 0) return 0;
    const curve = this.seekCurve;
    const ns =
      distanceCylinders < curve.thresholdCylinders
        ? curve.shortBaseNs + curve.shortNsPerSqrtCylinder * Math.sqrt(distanceCylinders)
        : curve.longBaseNs + curve.longNsPerCylinder * distanceCylinders;
    return Math.round(ns);
  }

  /**
   * How long after `atNs` the start of `sectorInTrack` comes under the head.
   * The platter turns continuously from angle 0 at time 0, so its angle is a
   * function of simulated time alone, whatever the arm did before. Rounded
   * down so the result stays below one revolution.
   */
  rotationalDelayNs(atNs: number, sectorInTrack: number): number {
    const platterTurns = (atNs % this.revolutionNs) / this.revolutionNs;
    const targetTurns = sectorInTrack / this.sectorsPerTrack;
    let waitTurns = targetTurns - platterTurns;
    if (waitTurns < 0) waitTurns += 1;
    return Math.floor(waitTurns * this.revolutionNs);
  }

  submit<R extends ServiceRequest>(request: R, done: (request: R) => void): void {
    if (request.op === "flush") {
      this.kernel.schedule(this.flushNs, () => done(request));
      return;
    }
    if (request.offsetBytes < 0 || request.offsetBytes + request.lengthBytes > this.capacityBytes) {
      throw new RangeError(`${MODEL}: ${request.op} of ${request.lengthBytes} bytes at ${request.offsetBytes} is outside the ${this.capacityBytes}-byte disk`);
    }
    const lastByte = request.offsetBytes + Math.max(request.lengthBytes, 1) - 1;
    this.pending.push({ request, done: () => done(request), start: this.locate(request.offsetBytes), endCylinder: this.locate(lastByte).cylinder });
    this.dispatch();
  }

  private dispatch(): void {
    if (this.busy || this.pending.length === 0) return;
    let index: number;
    if (this.scheduler === "fifo") {
      index = 0;
    } else {
      let ahead = this.nearestAhead();
      if (ahead === undefined) {
        const endCylinder = this.direction === 1 ? this.cylinders - 1 : 0;
        if (this.scheduler === "scan" && this.head !== endCylinder) {
          this.sweepToEnd(endCylinder);
          return;
        }
        this.direction = this.direction === 1 ? -1 : 1;
        ahead = this.nearestAhead() as number;
      }
      index = ahead;
    }
    const job = this.pending[index] as Job;
    this.pending.splice(index, 1);
    this.serve(job);
  }

  /** Index of the closest pending request at or beyond the head in the sweep direction; the oldest wins ties. */
  private nearestAhead(): number | undefined {
    let best: number | undefined;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.pending.length; i++) {
      const distance = ((this.pending[i] as Job).start.cylinder - this.head) * this.direction;
      if (distance >= 0 && distance < bestDistance) {
        best = i;
        bestDistance = distance;
      }
    }
    return best;
  }

  /** SCAN's trip to the edge of the platter: the arm is busy, nothing is transferred. */
  private sweepToEnd(endCylinder: number): void {
    this.busy = true;
    this.kernel.schedule(this.seekTimeNs(Math.abs(endCylinder - this.head)), () => {
      this.head = endCylinder;
      this.direction = this.direction === 1 ? -1 : 1;
      this.busy = false;
      this.dispatch();
    });
  }

  private serve(job: Job): void {
    this.busy = true;
    const seekNs = this.seekTimeNs(Math.abs(job.start.cylinder - this.head));
    const rotationNs = this.rotationalDelayNs(this.kernel.nowNs + seekNs, job.start.sectorInTrack);
    const transferNs = transferTimeNs(job.request.lengthBytes, this.mediaTransferBytesPerSec);
    this.kernel.schedule(seekNs + rotationNs + transferNs, () => {
      this.head = job.endCylinder;
      this.busy = false;
      this.dispatch();
      job.done();
    });
  }
}

function resolveSectorsPerTrack(options: RotatingDiskOptions, sectorSizeBytes: number): number {
  if (options.bytesPerTrack !== undefined) {
    if (options.sectorsPerTrack !== undefined) {
      throw new BadValueError(`${MODEL}: give sectorsPerTrack or bytesPerTrack, not both`);
    }
    const bytesPerTrack = requirePositiveInteger(MODEL, "bytesPerTrack", options.bytesPerTrack);
    if (bytesPerTrack % sectorSizeBytes !== 0) {
      throw new BadValueError(`${MODEL}: bytesPerTrack ${bytesPerTrack} is not a multiple of the ${sectorSizeBytes}-byte sector`);
    }
    return bytesPerTrack / sectorSizeBytes;
  }
  return requirePositiveInteger(MODEL, "sectorsPerTrack", options.sectorsPerTrack ?? 2000);
}

function resolveSeekCurve(options: RotatingDiskOptions, maxDistance: number): Required<SeekCurve> {
  if (options.seekCurve !== undefined) {
    if (options.trackToTrackSeekNs !== undefined || options.fullStrokeSeekNs !== undefined || options.seekThresholdCylinders !== undefined) {
      throw new BadValueError(`${MODEL}: give seekCurve or trackToTrackSeekNs/fullStrokeSeekNs/seekThresholdCylinders, not both`);
    }
    const curve = options.seekCurve;
    const shortBaseNs = requireNonNegativeNumber(MODEL, "seekCurve.shortBaseNs", curve.shortBaseNs);
    const shortNsPerSqrtCylinder = requireNonNegativeNumber(MODEL, "seekCurve.shortNsPerSqrtCylinder", curve.shortNsPerSqrtCylinder);
    const thresholdCylinders = requirePositiveNumber(MODEL, "seekCurve.thresholdCylinders", curve.thresholdCylinders);
    const longNsPerCylinder = requireNonNegativeNumber(MODEL, "seekCurve.longNsPerCylinder", curve.longNsPerCylinder);
    const continuousBaseNs = shortBaseNs + shortNsPerSqrtCylinder * Math.sqrt(thresholdCylinders) - longNsPerCylinder * thresholdCylinders;
    const longBaseNs = curve.longBaseNs === undefined ? continuousBaseNs : requireNonNegativeNumber(MODEL, "seekCurve.longBaseNs", curve.longBaseNs);
    if (curve.longBaseNs === undefined && longBaseNs < 0) {
      throw new BadValueError(`${MODEL}: seekCurve's linear part would start below 0 ns; lower longNsPerCylinder or thresholdCylinders`);
    }
    return { shortBaseNs, shortNsPerSqrtCylinder, thresholdCylinders, longNsPerCylinder, longBaseNs };
  }

  const trackToTrackNs = requirePositiveNumber(MODEL, "trackToTrackSeekNs", options.trackToTrackSeekNs ?? 800_000);
  const fullStrokeNs = requirePositiveNumber(MODEL, "fullStrokeSeekNs", options.fullStrokeSeekNs ?? 18_000_000);
  if (fullStrokeNs < trackToTrackNs) {
    throw new BadValueError(`${MODEL}: fullStrokeSeekNs ${fullStrokeNs} is shorter than trackToTrackSeekNs ${trackToTrackNs}`);
  }
  if (maxDistance <= 1) {
    // One or two cylinders: the only seek there is is track to track.
    return { shortBaseNs: trackToTrackNs, shortNsPerSqrtCylinder: 0, thresholdCylinders: 2, longNsPerCylinder: 0, longBaseNs: trackToTrackNs };
  }
  const threshold = requirePositiveNumber(MODEL, "seekThresholdCylinders", options.seekThresholdCylinders ?? Math.max(1, Math.round(maxDistance / 4)));
  if (threshold > maxDistance) {
    throw new BadValueError(`${MODEL}: seekThresholdCylinders ${threshold} is beyond the full stroke of ${maxDistance} cylinders`);
  }
  // Unknowns a, b (sqrt part) and c, e (linear part). Equal value and slope at
  // the threshold T give e = b / (2 sqrt T) and c = a + b sqrt(T) / 2; then
  // seek(1) = a + b and seek(D) = c + e D fix b and a.
  const rootT = Math.sqrt(threshold);
  const b = (fullStrokeNs - trackToTrackNs) / (rootT / 2 + maxDistance / (2 * rootT) - 1);
  const a = trackToTrackNs - b;
  if (a < 0) {
    throw new BadValueError(
      `${MODEL}: no continuous seek curve goes from ${trackToTrackNs} ns at 1 cylinder to ${fullStrokeNs} ns at ${maxDistance} cylinders ` +
        `with the threshold at ${threshold} cylinders; raise trackToTrackSeekNs, lower fullStrokeSeekNs, move the threshold, or give seekCurve`,
    );
  }
  return {
    shortBaseNs: a,
    shortNsPerSqrtCylinder: b,
    thresholdCylinders: threshold,
    longNsPerCylinder: b / (2 * rootT),
    longBaseNs: a + (b * rootT) / 2,
  };
}

function trimNumber(value: number): string {
  return String(Number(value.toPrecision(4)));
}
