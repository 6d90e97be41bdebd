import type { Kernel } from "../../kernel.js";
import type { Rng } from "../../rng/streams.js";
import type { ServiceModel, ServiceRequest } from "../service-model.js";

/** No options today; the object keeps the constructor shape of the other models. */
export type InstantOptions = Record<string, never>;

/**
 * Zero latency, unlimited parallelism: every request completes at the time it
 * was submitted. For engine benchmarks, where device time would only hide the
 * engine's own cost. Completion still goes through the kernel (a 0 ns event)
 * because `done` must never run inside `submit`.
 */
export class InstantModel implements ServiceModel {
  readonly description = "instant";

  constructor(
    private readonly kernel: Kernel,
    _options: InstantOptions = {},
    _rng?: Rng,
  ) {}

  submit<R extends ServiceRequest>(request: R, done: (request: R) => void): void {
    this.kernel.schedule(0, () => done(request));
  }
}
