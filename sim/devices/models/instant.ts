import { KernelEvent, type Kernel } from "../../kernel.js";
import type { Rng } from "../../rng/streams.js";
import type { ServiceModel, ServiceRequest } from "../service-model.js";

/** No options today; the object keeps the constructor shape of the other models. */
export type InstantOptions = Record<string, never>;

/** The completion of one request: a kernel event kept for the next request once it ran. */
class Completion extends KernelEvent {
  request: ServiceRequest | undefined;
  done: ((request: ServiceRequest) => void) | undefined;

  constructor(private readonly spare: Completion[]) {
    super();
  }

  run(): void {
    const request = this.request!;
    const done = this.done!;
    this.request = undefined;
    this.done = undefined;
    this.spare.push(this);
    done(request);
  }
}

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
  private readonly spare: Completion[] = [];

  constructor(
    private readonly kernel: Kernel,
    _options: InstantOptions = {},
    _rng?: Rng,
  ) {}

  submit<R extends ServiceRequest>(request: R, done: (request: R) => void): void {
    const completion = this.spare.pop() ?? new Completion(this.spare);
    completion.request = request;
    // Handed back the request it was given, so the narrower parameter type holds.
    completion.done = done as (request: ServiceRequest) => void;
    this.kernel.scheduleEvent(completion, 0);
  }
}
