import type { Kernel } from "../../kernel.js";
import { RequestEvent } from "./request-event.js";
import type { Rng } from "../../rng/streams.js";
import type { ServiceModel, ServiceRequest } from "../service-model.js";

/** No options today; the object keeps the constructor shape of the other models. */
export type InstantOptions = Record<string, never>;

/**
 * Zero latency, unlimited parallelism: every request completes at the time it
 * was submitted. For engine benchmarks, where device time would only hide the
 * engine's own cost; so completions are kernel events reused from request to
 * request rather than a closure and an event each. Completion still goes
 * through the kernel (a 0 ns event) because `done` must never run inside
 * `submit`.
 */
export class InstantModel implements ServiceModel {
  readonly description = "instant";
  /** Completions that ran, for the next requests (see RequestEvent). */
  private readonly spare: RequestEvent[] = [];
  private readonly release = (completion: RequestEvent): void => void this.spare.push(completion);

  constructor(
    private readonly kernel: Kernel,
    _options: InstantOptions = {},
    _rng?: Rng,
  ) {}

  submit<R extends ServiceRequest>(request: R, done: (request: R) => void): void {
    // Handed back the request it was given, so the narrower parameter type holds.
    const completion = (this.spare.pop() ?? new RequestEvent(this.release)).take(request, done as (request: ServiceRequest) => void);
    this.kernel.scheduleEvent(completion, 0);
  }
}
