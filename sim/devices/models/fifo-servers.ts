import type { Kernel } from "../../kernel.js";
import type { ServiceRequest } from "../service-model.js";

interface Job {
  readonly request: ServiceRequest;
  readonly done: () => void;
}

/**
 * `parallelism` identical servers in front of one FIFO queue: the queueing
 * shared by the models whose service time does not depend on the device's
 * state (fixed, exponential, empirical). A request's service time is asked
 * for when it *starts* service, not when it arrives, so a random model draws
 * its numbers in service order, which is what a real device would do.
 */
export class FifoServers {
  private readonly waiting: Job[] = [];
  /** Index of the oldest waiting job: an array shift per request would be O(n). */
  private head = 0;
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
    return this.waiting.length - this.head;
  }

  submit(request: ServiceRequest, done: () => void): void {
    this.waiting.push({ request, done });
    this.startWaiting();
  }

  private startWaiting(): void {
    while (this.busy < this.parallelism && this.head < this.waiting.length) {
      const job = this.waiting[this.head] as Job;
      this.head++;
      this.busy++;
      this.kernel.schedule(this.serviceTimeNs(job.request), () => {
        this.busy--;
        // The freed server goes to the oldest waiter at this same instant; a
        // request the client submits from `done` queues behind it (FIFO).
        this.startWaiting();
        job.done();
      });
    }
    if (this.head > 1024 && this.head * 2 > this.waiting.length) {
      this.waiting.splice(0, this.head);
      this.head = 0;
    }
  }
}
