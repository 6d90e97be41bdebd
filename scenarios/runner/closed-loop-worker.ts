import type { Coroutine, Step } from "../../io/coroutine.js";
import type { HostIo, WorkloadSource } from "../workloads/source.js";

/** What a closed-loop worker needs from the run it works for. */
export interface ClosedLoopRun {
  readonly nowNs: () => number;
  /** True once the run issues no more host I/O. */
  readonly stopped: () => boolean;
  /** Counts `io` as issued now and starts it; the coroutine finishes when the I/O completes. */
  readonly startIo: (io: HostIo) => Coroutine<unknown>;
  /** Records `io`, issued at `issueNs`, as completed now. */
  readonly finishIo: (io: HostIo, issueNs: number) => void;
  /** Told once, when the worker issues no more I/O. */
  readonly workerDone: () => void;
}

type Phase = "created" | "delaying" | "inIo" | "thinking" | "done";

const DONE: IteratorReturnResult<void> = Object.freeze({ done: true, value: undefined });

/**
 * One of a closed-loop source's `iodepth` workers: wait `startDelayNs`, then
 * issue an I/O, wait for its completion, think `thinktimeNs`, repeat, until
 * the run stops, the source's runtime is over or the source runs dry.
 *
 * This is the generator
 *
 *     yield* sleep(startDelayNs); startNs = now;
 *     while (!stopped() && (runtimeNs === undefined || now - startNs < runtimeNs)) {
 *       io = source.next(); if none, break;
 *       issueNs = now; yield* startIo(io); finishIo(io, issueNs);
 *       if (thinktimeNs > 0) yield* sleep(thinktimeNs);
 *     }
 *     workerDone();
 *
 * written by hand. A generator's `yield*` resumes the generator for every step
 * of the I/O it delegates to; here each step of the engine's coroutine goes
 * to the kernel through one plain call, and the worker yields only its own
 * sleeps. It takes the same steps at the same simulated times.
 */
export class ClosedLoopWorker implements Coroutine {
  private phase: Phase = "created";
  private startNs = 0;
  /** The I/O in flight (phase "inIo"), its coroutine and when it was issued. */
  private io: HostIo | undefined;
  private ioCoroutine: Coroutine<unknown> | undefined;
  private issueNs = 0;

  constructor(
    private readonly source: WorkloadSource,
    private readonly thinktimeNs: number,
    private readonly run: ClosedLoopRun,
  ) {}

  next(value?: unknown): IteratorResult<Step, void> {
    try {
      switch (this.phase) {
        case "created":
          this.phase = "delaying";
          return { done: false, value: { kind: "sleep", durationNs: this.source.startDelayNs } };
        case "delaying":
          this.startNs = this.run.nowNs();
          return this.issueUntilYield();
        case "inIo":
          return this.afterIoStep((this.ioCoroutine as Coroutine<unknown>).next(value));
        case "thinking":
          return this.issueUntilYield();
        case "done":
          return DONE;
      }
    } catch (error) {
      return this.fail(error);
    }
  }

  /** An error for the step the worker waits on: the I/O's coroutine may handle it; otherwise the worker ends with it, as a generator would. */
  throw(error: unknown): IteratorResult<Step, void> {
    if (this.phase !== "inIo") return this.fail(error);
    try {
      return this.afterIoStep((this.ioCoroutine as Coroutine<unknown>).throw(error));
    } catch (thrown) {
      return this.fail(thrown);
    }
  }

  return(): IteratorResult<Step, void> {
    if (this.phase === "inIo") (this.ioCoroutine as Coroutine<unknown>).return(undefined);
    this.phase = "done";
    return DONE;
  }

  [Symbol.iterator](): this {
    return this;
  }

  /**
   * After a step of the I/O in flight: hands a yielded step on, or, when the
   * I/O is complete, records it and goes on to the thinktime or the next I/O.
   * A loop, not a recursion: I/Os that complete without yielding (a skipped
   * phantom read) may follow each other for as long as the source lasts.
   */
  private afterIoStep(result: IteratorResult<Step, unknown>): IteratorResult<Step, void> {
    for (;;) {
      if (result.done !== true) return result;
      this.run.finishIo(this.io as HostIo, this.issueNs);
      if (this.thinktimeNs > 0) {
        this.phase = "thinking";
        return { done: false, value: { kind: "sleep", durationNs: this.thinktimeNs } };
      }
      const started = this.issue();
      if (started === undefined) return this.finish();
      result = started.next();
    }
  }

  private issueUntilYield(): IteratorResult<Step, void> {
    const started = this.issue();
    return started === undefined ? this.finish() : this.afterIoStep(started.next());
  }

  /** Starts the source's next I/O, or returns undefined when the worker is done. */
  private issue(): Coroutine<unknown> | undefined {
    const source = this.source;
    if (this.run.stopped() || (source.runtimeNs !== undefined && this.run.nowNs() - this.startNs >= source.runtimeNs)) return undefined;
    const next = source.next();
    if (next === undefined) return undefined;
    this.phase = "inIo";
    this.io = next.io;
    this.issueNs = this.run.nowNs();
    return (this.ioCoroutine = this.run.startIo(next.io));
  }

  private fail(error: unknown): never {
    this.phase = "done";
    this.io = undefined;
    this.ioCoroutine = undefined;
    throw error;
  }

  private finish(): IteratorResult<Step, void> {
    this.phase = "done";
    this.io = undefined;
    this.ioCoroutine = undefined;
    this.run.workerDone();
    return DONE;
  }
}
