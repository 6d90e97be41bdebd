import type { Kernel } from "../../kernel.js";
import { exponential } from "../../rng/distributions.js";
import type { Rng } from "../../rng/streams.js";
import type { ServiceModel, ServiceRequest } from "../service-model.js";
import { FifoServers } from "./fifo-servers.js";
import { formatNs, requireNonNegativeInteger, requirePositiveInteger, requirePositiveNumber } from "./options.js";

export interface ExponentialOptions {
  /** Mean of the exponential part of a read's or write's service time. */
  readonly meanServiceNs: number;
  /** A floor added to every draw (command overhead); default 0. Mean service = min + mean. */
  readonly minServiceNs?: number;
  /** Servers; default 1 (with Poisson arrivals, the classic M/M/1 queue). */
  readonly parallelism?: number;
  /** A flush holds a server for exactly this long, not a random time; default 0. */
  readonly flushNs?: number;
}

const MODEL = "exponential model";

/**
 * Service time = minServiceNs + Exp(meanServiceNs), rounded to the nearest ns,
 * independent of size and direction: the queueing-theory device, for checking
 * the simulator against M/M/c formulas rather than for realism. Requests wait
 * FIFO for one of `parallelism` servers; the time is drawn when service
 * starts, from the model's own stream.
 */
export class ExponentialModel implements ServiceModel {
  readonly description: string;
  readonly meanServiceNs: number;
  readonly minServiceNs: number;
  readonly parallelism: number;
  readonly flushNs: number;
  private readonly servers: FifoServers;
  private readonly rng: Rng;

  constructor(kernel: Kernel, options: ExponentialOptions, rng?: Rng) {
    if (rng === undefined) {
      // A default stream would be shared by every device built without one, correlating them silently.
      throw new RangeError(`${MODEL}: needs its own Rng stream (e.g. root.stream("device/disk0"))`);
    }
    this.rng = rng;
    this.meanServiceNs = requirePositiveNumber(MODEL, "meanServiceNs", options.meanServiceNs);
    this.minServiceNs = requireNonNegativeInteger(MODEL, "minServiceNs", options.minServiceNs ?? 0);
    this.parallelism = requirePositiveInteger(MODEL, "parallelism", options.parallelism ?? 1);
    this.flushNs = requireNonNegativeInteger(MODEL, "flushNs", options.flushNs ?? 0);
    this.servers = new FifoServers(kernel, this.parallelism, (request) => this.serviceTimeNs(request));
    const floor = this.minServiceNs > 0 ? `${formatNs(this.minServiceNs)} + ` : "";
    this.description = `exponential ${floor}mean ${formatNs(this.meanServiceNs)} x${this.parallelism}`;
  }

  submit<R extends ServiceRequest>(request: R, done: (request: R) => void): void {
    this.servers.submit(request, done);
  }

  private serviceTimeNs(request: ServiceRequest): number {
    if (request.op === "flush") return this.flushNs;
    return this.minServiceNs + Math.round(exponential(this.rng, this.meanServiceNs));
  }
}
