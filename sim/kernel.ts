import type { Callable } from "../io/coroutine.js";
import { CoroutineRunner } from "../io/coroutine-runner.js";
import { FifoQueue } from "../io/fifo-queue.js";
import { SimulationError, KernelUsageError } from "./errors.js";
import { EventQueue, QueuedEvent, before, orderKey, MIN_PRIORITY, MAX_PRIORITY } from "./event-queue.js";
import { withDoubleFields } from "../io/double-fields.js";

/** What schedule() hands back, for cancel(). */
export type EventHandle = QueuedEvent;

/**
 * An event a component schedules itself with scheduleEvent(): its `run` is
 * called at its time. The same object may be scheduled again once it has run.
 */
export { QueuedEvent as KernelEvent };

/**
 * A plain callback as an event. The events the kernel makes for the
 * coroutine runner, whose handles nobody keeps (nothing can cancel them),
 * return themselves to the kernel's idle list as they run, so that a process
 * resumption, the kernel's most common event, allocates none (the
 * 1,000-process sleep figure +20%; the whole run, whose events are mostly
 * the devices' own, the same). One class for both, so that the queue's
 * property loads and the loop's call of run() meet no more shapes of event
 * than before.
 */
class CallbackEvent extends QueuedEvent {
  constructor(
    public callback: (() => void) | undefined,
    private readonly idle: CallbackEvent[] | undefined,
  ) {
    super();
  }

  run(): void {
    const callback = this.callback!;
    // Whatever the callback holds is garbage once it ran, even if someone keeps the handle.
    this.callback = undefined;
    // Idle before the callback runs, which may schedule it again: the loop has taken it off the queue and does not look at it after run().
    this.idle?.push(this);
    callback();
  }
}

export interface RunLimits {
  /** Stop before running any event later than this time; the clock then reads this time. */
  readonly untilNs?: number;
  /** Stop as soon as this returns true (checked after every event). */
  readonly until?: () => boolean;
}

export type RunOutcome = "idle" | "time" | "condition";

/**
 * The discrete-event kernel: an integer nanosecond clock and an event queue.
 * It is the only place that knows what time it is. Coroutine processes run on
 * it through the shared CoroutineRunner with a simulated-time scheduler.
 */
export class Kernel {
  private readonly queue = new EventQueue();
  /**
   * Events due now at the default priority (process resumptions, zero-latency
   * completions: most events) skip the heap. They are already in (time,
   * order key) order, since the clock is theirs and sequences grow; the loop
   * takes whichever of this lane's head and the heap's top comes first.
   */
  private readonly nowLane = new FifoQueue<QueuedEvent>();
  private sequence = 0;
  private currentNs = 0;
  private running = false;
  private eventsRun = 0;
  private readonly runner: CoroutineRunner;
  private readonly idleEvents: CallbackEvent[] = [];
  /** Called for every event run, for trace hashing in determinism tests. */
  onEvent: ((timeNs: number, sequence: number) => void) | undefined;

  constructor(readonly seed: string) {
    // Simulated nanoseconds pass 2^30 after ~1.07 s (see withDoubleFields).
    withDoubleFields(this, ["currentNs"]);
    this.runner = new CoroutineRunner(
      { defer: (callback) => this.scheduleRecycled(0, callback), after: (durationNs, callback) => this.scheduleRecycled(durationNs, callback) },
      (error, name) => {
        throw error instanceof SimulationError ? error : new SimulationError(this.currentNs, this.seed, `process ${name}`, error);
      },
    );
  }

  get nowNs(): number {
    return this.currentNs;
  }

  get eventCount(): number {
    return this.eventsRun;
  }

  get pendingEventCount(): number {
    return this.queue.size + this.nowLane.size;
  }

  schedule(delayNs: number, callback: () => void, priority = 0): EventHandle {
    return this.scheduleEvent(new CallbackEvent(callback, undefined), delayNs, priority);
  }

  /** schedule() for the runner, whose events nobody cancels: see CallbackEvent. */
  private scheduleRecycled(delayNs: number, callback: () => void): void {
    const event = this.idleEvents.pop() ?? new CallbackEvent(undefined, this.idleEvents);
    event.callback = callback;
    this.scheduleEvent(event, delayNs);
  }

  scheduleAt(timeNs: number, callback: () => void, priority = 0): EventHandle {
    if (!Number.isSafeInteger(timeNs) || timeNs < this.currentNs) {
      throw new KernelUsageError(`cannot schedule at t=${timeNs} ns: now is ${this.currentNs} ns (seed ${this.seed})`);
    }
    return this.enqueue(new CallbackEvent(callback, undefined), timeNs, priority);
  }

  /** Schedules `event` to run after `delayNs`; it must not be in the queue already (it may have run before). */
  scheduleEvent<E extends QueuedEvent>(event: E, delayNs: number, priority = 0): E {
    if (!Number.isSafeInteger(delayNs) || delayNs < 0) {
      throw new KernelUsageError(`delay must be a non-negative integer number of ns, got ${delayNs} (seed ${this.seed})`);
    }
    return this.enqueue(event, this.currentNs + delayNs, priority);
  }

  /** Cancels a scheduled event; cancelling one that already ran does nothing. */
  cancel(handle: EventHandle): void {
    handle.live = false;
  }

  /**
   * The time of the earliest live event, or undefined when there is none: a
   * process whose wake-ups would find nothing changed until then (the run's
   * time-series sampler) may skip ahead to it, and stop when there is none.
   * Cancelled events at the front of the queues are dropped first, as the
   * loop would drop them unrun: counted, a cancelled timer (a worker's that
   * woke early) kept the sampler, and so the run, going until its time.
   * Cancelled events further back cannot be earlier than the front's.
   */
  get nextEventNs(): number | undefined {
    const nowLane = this.nowLane;
    const queue = this.queue;
    let due = nowLane.peek();
    while (due !== undefined && !due.live) {
      nowLane.shift();
      due.queued = false;
      due = nowLane.peek();
    }
    let queued = queue.peek();
    while (queued !== undefined && !queued.live) {
      queue.pop();
      queued.queued = false;
      queued = queue.peek();
    }
    if (due === undefined) return queued?.timeNs;
    return queued === undefined ? due.timeNs : Math.min(due.timeNs, queued.timeNs);
  }

  /** Starts a coroutine process (a generator or a Machine) now; `onDone` receives its return value. */
  spawn<T>(coroutine: Callable<T>, name: string, onDone?: (value: T) => void): void {
    this.runner.start(coroutine, name, onDone);
  }

  run(limits: RunLimits = {}): RunOutcome {
    if (this.running) throw new KernelUsageError("Kernel.run called from inside a running simulation");
    this.running = true;
    try {
      return this.loop(limits.untilNs ?? Number.POSITIVE_INFINITY, limits.until);
    } finally {
      this.running = false;
    }
  }

  runUntilIdle(): RunOutcome {
    return this.run();
  }

  runUntil(timeNs: number): RunOutcome {
    return this.run({ untilNs: timeNs });
  }

  runUntilCondition(condition: () => boolean): RunOutcome {
    return this.run({ until: condition });
  }

  private loop(untilNs: number, until: (() => boolean) | undefined): RunOutcome {
    const queue = this.queue;
    const nowLane = this.nowLane;
    for (;;) {
      const queued = queue.peek();
      const due = nowLane.peek();
      const fromLane = due !== undefined && (queued === undefined || before(due, queued));
      const next = fromLane ? due : queued;
      if (next === undefined) return "idle";
      if (next.timeNs > untilNs) {
        this.currentNs = untilNs;
        return "time";
      }
      if (fromLane) nowLane.shift();
      else queue.pop();
      next.queued = false;
      if (!next.live) continue;
      next.live = false;
      this.currentNs = next.timeNs;
      this.eventsRun++;
      this.onEvent?.(next.timeNs, orderKey(next.priority, next.sequence));
      try {
        next.run();
      } catch (error) {
        throw error instanceof SimulationError ? error : new SimulationError(this.currentNs, this.seed, "event callback", error);
      }
      if (until !== undefined && until()) return "condition";
    }
  }

  private enqueue<E extends QueuedEvent>(event: E, timeNs: number, priority: number): E {
    // The default priority needs no check; this is the hot path of every process resumption.
    if (priority !== 0 && (!Number.isInteger(priority) || priority < MIN_PRIORITY || priority > MAX_PRIORITY)) {
      throw new KernelUsageError(`priority must be an integer in [${MIN_PRIORITY}, ${MAX_PRIORITY}], got ${priority}`);
    }
    // Its place in the heap is its time and sequence: changing them while it is there would break the heap.
    if (event.queued) throw new KernelUsageError(`an event was scheduled again while still in the queue (seed ${this.seed})`);
    event.timeNs = timeNs;
    event.priority = priority;
    event.sequence = this.sequence++;
    event.queued = true;
    event.live = true;
    if (timeNs === this.currentNs && priority === 0) this.nowLane.push(event);
    else this.queue.push(event);
    return event;
  }
}
