import type { Kernel } from "../../kernel.js";
import type { Rng } from "../../rng/streams.js";
import type { ServiceModel, ServiceRequest } from "../service-model.js";
import { FifoServers } from "./fifo-servers.js";
import { formatBytesPerSec, formatNs, requireNonNegativeInteger, requirePositiveInteger, requirePositiveNumber, transferTimeNs } from "./options.js";

export interface FixedBandwidthOptions {
  /** Transfer rate for reads and writes unless overridden per direction. */
  readonly bandwidthBytesPerSec: number;
  readonly readBandwidthBytesPerSec?: number;
  readonly writeBandwidthBytesPerSec?: number;
  /** Fixed per-request latency for reads and writes unless overridden; default 0. */
  readonly latencyNs?: number;
  readonly readLatencyNs?: number;
  readonly writeLatencyNs?: number;
  /** Requests in service at once; more wait FIFO in the model. Default 1. */
  readonly parallelism?: number;
  /** Time a flush holds a server; default 0. */
  readonly flushLatencyNs?: number;
}

const MODEL = "fixed-bandwidth model";

/**
 * The simplest useful device: latency + ceil(bytes / bandwidth) per request,
 * `parallelism` requests at a time, FIFO. A flush is queued like any request
 * (so it completes after the requests ahead of it in a parallelism-1 model)
 * and holds a server for `flushLatencyNs`. FUA does not change the time: a
 * device with a volatile cache is modeled by SimDevice, not here.
 */
export class FixedBandwidthModel implements ServiceModel {
  readonly description: string;
  readonly readLatencyNs: number;
  readonly writeLatencyNs: number;
  readonly readBandwidthBytesPerSec: number;
  readonly writeBandwidthBytesPerSec: number;
  readonly parallelism: number;
  readonly flushLatencyNs: number;
  private readonly servers: FifoServers;

  // The rng is accepted for a uniform model constructor signature; this model draws nothing.
  constructor(kernel: Kernel, options: FixedBandwidthOptions, _rng?: Rng) {
    const bandwidth = requirePositiveNumber(MODEL, "bandwidthBytesPerSec", options.bandwidthBytesPerSec);
    this.readBandwidthBytesPerSec = requirePositiveNumber(MODEL, "readBandwidthBytesPerSec", options.readBandwidthBytesPerSec ?? bandwidth);
    this.writeBandwidthBytesPerSec = requirePositiveNumber(MODEL, "writeBandwidthBytesPerSec", options.writeBandwidthBytesPerSec ?? bandwidth);
    const latencyNs = requireNonNegativeInteger(MODEL, "latencyNs", options.latencyNs ?? 0);
    this.readLatencyNs = requireNonNegativeInteger(MODEL, "readLatencyNs", options.readLatencyNs ?? latencyNs);
    this.writeLatencyNs = requireNonNegativeInteger(MODEL, "writeLatencyNs", options.writeLatencyNs ?? latencyNs);
    this.parallelism = requirePositiveInteger(MODEL, "parallelism", options.parallelism ?? 1);
    this.flushLatencyNs = requireNonNegativeInteger(MODEL, "flushLatencyNs", options.flushLatencyNs ?? 0);
    this.servers = new FifoServers(kernel, this.parallelism, (request) => this.serviceTimeNs(request));

    const symmetric = this.readLatencyNs === this.writeLatencyNs && this.readBandwidthBytesPerSec === this.writeBandwidthBytesPerSec;
    const part = (latency: number, rate: number) => `${formatNs(latency)} + ${formatBytesPerSec(rate)}`;
    const body = symmetric
      ? part(this.readLatencyNs, this.readBandwidthBytesPerSec)
      : `read ${part(this.readLatencyNs, this.readBandwidthBytesPerSec)}, write ${part(this.writeLatencyNs, this.writeBandwidthBytesPerSec)}`;
    this.description = `fixed ${body} x${this.parallelism}`;
  }

  /** The time one request holds a server, excluding any wait for one. */
  serviceTimeNs(request: ServiceRequest): number {
    switch (request.op) {
      case "read":
        return this.readLatencyNs + transferTimeNs(request.lengthBytes, this.readBandwidthBytesPerSec);
      case "write":
        return this.writeLatencyNs + transferTimeNs(request.lengthBytes, this.writeBandwidthBytesPerSec);
      case "flush":
        return this.flushLatencyNs;
    }
  }

  submit<R extends ServiceRequest>(request: R, done: (request: R) => void): void {
    this.servers.submit(request, done);
  }
}
