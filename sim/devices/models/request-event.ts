import { KernelEvent } from "../../kernel.js";
import type { ServiceRequest } from "../service-model.js";

/**
 * The kernel event that completes one request, reused from request to
 * request: a model keeps a few and schedules them again, so completing a
 * request allocates nothing (an object, a closure and a kernel event per
 * request were a good share of a whole run's garbage). When it runs, it
 * clears itself, hands itself back to its model (`release`), then tells the
 * client: the model can reuse it, or start the next waiting request, before
 * the client hears of this one.
 */
export class RequestEvent extends KernelEvent {
  request: ServiceRequest | undefined;
  done: ((request: ServiceRequest) => void) | undefined;

  constructor(private readonly release: (event: RequestEvent) => void) {
    super();
  }

  /** Takes `request`; the caller then schedules this event for its completion time. */
  take(request: ServiceRequest, done: (request: ServiceRequest) => void): this {
    this.request = request;
    this.done = done;
    return this;
  }

  run(): void {
    const request = this.request!;
    const done = this.done!;
    this.request = undefined;
    this.done = undefined;
    this.release(this);
    done(request);
  }
}
