import { FifoQueue } from "../../../io/fifo-queue.js";
import { KernelEvent, type Kernel } from "../../kernel.js";
import type { ServiceRequest } from "../service-model.js";

/**
 * One server, as the kernel event that completes the request it serves:
 * scheduled again for every request it takes, so serving allocates nothing
 * (an object, a closure and a kernel event per request were a good share of a
 * whole run's garbage). When it runs it clears itself and goes back to its
 * servers (`release`) before the client hears of the completion, so the next
 * waiting request starts at this same instant.
 */
class Server extends KernelEvent {
  request: ServiceRequest | undefined;
  done: ((request: ServiceRequest) => void) | undefined;

  constructor(private readonly release: (server: Server) => void) {
    super();
  }

  /** Takes `request`; the caller then schedules this server for its completion time. */
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

/**
 * `parallelism` identical servers in front of one FIFO queue: the queueing
 * shared by the models whose service time does not depend on the device's
 * state (fixed, exponential, empirical). A request's service time is asked
 * for when it *starts* service, not when it arrives, so a random model draws
 * its numbers in service order, which is what a real device would do.
 */
export class FifoServers {
  private readonly waitingRequests = new FifoQueue<ServiceRequest>();
  private readonly waitingDone = new FifoQueue<(request: ServiceRequest) => void>();
  /** Servers with nothing to do; made on first need, up to `parallelism`. */
  private readonly idle: Server[] = [];
  private readonly release = (server: Server): void => this.served(server);
  private busy = 0;

  constructor(
    private readonly kernel: Kernel,
    readonly parallelism: number,
    private readonly serviceTimeNs: (request: ServiceRequest) => number,
  ) {}

  /** Requests being served right now. */
  get inService(): number {
    return this.busy;
  }

  /** Requests waiting for a server. */
  get queued(): number {
    return this.waitingRequests.size;
  }

  submit<R extends ServiceRequest>(request: R, done: (request: R) => void): void {
    // Handed back the request it was given, so the narrower parameter type holds.
    const anyDone = done as (request: ServiceRequest) => void;
    // A free server and nobody waiting: served at once, without a trip through the queue.
    if (this.busy < this.parallelism && this.waitingRequests.size === 0) this.serve(request, anyDone);
    else {
      this.waitingRequests.push(request);
      this.waitingDone.push(anyDone);
      this.startWaiting();
    }
  }

  /** A server finished: it goes to the oldest waiter at this same instant, before the client hears of the completion. */
  private served(server: Server): void {
    this.busy--;
    this.idle.push(server);
    // A request the client submits from `done` queues behind the ones already waiting (FIFO).
    this.startWaiting();
  }

  private startWaiting(): void {
    while (this.busy < this.parallelism && this.waitingRequests.size > 0) this.serve(this.waitingRequests.shift()!, this.waitingDone.shift()!);
  }

  private serve(request: ServiceRequest, done: (request: ServiceRequest) => void): void {
    const server = (this.idle.pop() ?? new Server(this.release)).take(request, done);
    this.busy++;
    this.kernel.scheduleEvent(server, this.serviceTimeNs(request));
  }
}
