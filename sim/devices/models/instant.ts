import type { Kernel } from "../../kernel.js";
import { FifoServers } from "./fifo-servers.js";
import type { Rng } from "../../rng/streams.js";
import type { ServiceModel, ServiceRequest } from "../service-model.js";

/** No options today; the object keeps the constructor shape of the other models. */
export type InstantOptions = Record<string, never>;

/**
 * Zero latency, unlimited parallelism: every request completes at the time it
 * was submitted. For engine benchmarks, where device time would only hide the
 * engine's own cost. It is the FIFO servers with no limit and no service
 * time, so it reuses their completion events; completion still goes through
 * the kernel (a 0 ns event) because `done` must never run inside `submit`.
 */
export class InstantModel implements ServiceModel {
  readonly description = "instant";
  private readonly servers: FifoServers;

  constructor(kernel: Kernel, _options: InstantOptions = {}, _rng?: Rng) {
    this.servers = new FifoServers(kernel, Number.POSITIVE_INFINITY, () => 0);
  }

  submit<R extends ServiceRequest>(request: R, done: (request: R) => void): void {
    this.servers.submit(request, done);
  }
}
