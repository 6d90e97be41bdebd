import type { Kernel } from "../../kernel.js";
import { EmpiricalDistribution } from "../../rng/distributions.js";
import type { Rng } from "../../rng/streams.js";
import type { ServiceModel, ServiceRequest } from "../service-model.js";
import { FifoServers } from "./fifo-servers.js";
import { formatNs, requireNonNegativeInteger, requirePositiveInteger } from "./options.js";
import { BadValueError } from "../../../io/bad-value-error.js";

/**
 * A latency table in ns, in any of three forms: a built distribution; a list
 * of { percentile (0..100), value }; or fio's JSON `clat_ns.percentile` map
 * ({ "50.000000": 123456, ... }), which can be passed straight from the file.
 * Below its first percentile a table samples its first value; to interpolate
 * down from a known minimum, build the distribution with `minValue` and pass it.
 */
export type LatencyTableNs = EmpiricalDistribution | ReadonlyArray<{ readonly percentile: number; readonly value: number }> | Readonly<Record<string, number>>;

export interface EmpiricalOptions {
  /** The table for both directions, unless overridden below. */
  readonly latencyNs?: LatencyTableNs;
  readonly readLatencyNs?: LatencyTableNs;
  readonly writeLatencyNs?: LatencyTableNs;
  /** Requests in service at once; default 1. */
  readonly parallelism?: number;
  /** A flush holds a server for exactly this long; default 0. */
  readonly flushNs?: number;
}

const MODEL = "empirical model";

/**
 * Service times drawn from measured latency percentiles, size-blind. A table
 * taken at iodepth 1 is pure service time and fits parallelism 1; a table
 * taken at depth N already contains queueing, so replaying it at depth N with
 * parallelism N approximates the device, not a general model of it.
 */
export class EmpiricalModel implements ServiceModel {
  readonly description: string;
  readonly parallelism: number;
  readonly flushNs: number;
  private readonly read: EmpiricalDistribution;
  private readonly write: EmpiricalDistribution;
  private readonly servers: FifoServers;
  private readonly rng: Rng;

  constructor(kernel: Kernel, options: EmpiricalOptions, rng?: Rng) {
    if (rng === undefined) {
      // A default stream would be shared by every device built without one, correlating them silently.
      throw new RangeError(`${MODEL}: needs its own Rng stream (e.g. root.stream("device/ssd0"))`);
    }
    this.rng = rng;
    const readTable = options.readLatencyNs ?? options.latencyNs;
    const writeTable = options.writeLatencyNs ?? options.latencyNs;
    if (readTable === undefined || writeTable === undefined) {
      throw new BadValueError(`${MODEL}: give latencyNs, or both readLatencyNs and writeLatencyNs`);
    }
    this.read = toDistribution(readTable, options.readLatencyNs === undefined ? "latencyNs" : "readLatencyNs");
    this.write = readTable === writeTable ? this.read : toDistribution(writeTable, options.writeLatencyNs === undefined ? "latencyNs" : "writeLatencyNs");
    this.parallelism = requirePositiveInteger(MODEL, "parallelism", options.parallelism ?? 1);
    this.flushNs = requireNonNegativeInteger(MODEL, "flushNs", options.flushNs ?? 0);
    this.servers = new FifoServers(kernel, this.parallelism, (request) => this.serviceTimeNs(request));
    const summary = (table: EmpiricalDistribution) => `p50 ${formatNs(table.quantile(0.5))} p99 ${formatNs(table.quantile(0.99))}`;
    const tables = this.read === this.write ? summary(this.read) : `read ${summary(this.read)}, write ${summary(this.write)}`;
    this.description = `empirical ${tables} x${this.parallelism}`;
  }

  submit<R extends ServiceRequest>(request: R, done: (request: R) => void): void {
    this.servers.submit(request, done);
  }

  private serviceTimeNs(request: ServiceRequest): number {
    if (request.op === "flush") return this.flushNs;
    const table = request.op === "read" ? this.read : this.write;
    // Tables interpolate to fractional ns, and a hand-written one could dip below 0.
    return Math.max(0, Math.round(table.sample(this.rng)));
  }
}

function toDistribution(table: LatencyTableNs, optionName: string): EmpiricalDistribution {
  try {
    if (table instanceof EmpiricalDistribution) return table;
    if (Array.isArray(table)) return EmpiricalDistribution.fromPercentiles(table as ReadonlyArray<{ percentile: number; value: number }>);
    return EmpiricalDistribution.fromFioPercentileMap({ ...(table as Readonly<Record<string, number>>) });
  } catch (error) {
    throw new BadValueError(`${MODEL}: ${optionName} is not a usable latency table: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
