import type { Callable, Coroutine, Step } from "./coroutine.js";
import type { IoCompletion, DeviceError } from "./block-device.js";
import type { LatchWaiter } from "./latch.js";
import { Machine } from "./machine.js";

/**
 * %GeneratorPrototype%'s next and throw, called directly on each coroutine
 * (a generator object, as the Coroutine type says). Looked up on the
 * coroutine instead, `next` is found through the prototype of its generator
 * function, one per function, so the lookup site sees dozens of shapes and
 * V8 makes it megamorphic: ~5% of a covered rewrite's instructions
 * (cachegrind), spent finding the same two functions every time.
 */
const GENERATOR_PROTOTYPE = Object.getPrototypeOf(function* () {}).prototype as Coroutine<unknown>;
const generatorNext = GENERATOR_PROTOTYPE.next as (this: Coroutine<unknown>, value: unknown) => IteratorResult<Step, unknown>;
const generatorThrow = GENERATOR_PROTOTYPE.throw as (this: Coroutine<unknown>, error: unknown) => IteratorResult<Step, unknown>;

/** How a driver turns time into callbacks. */
export interface Scheduler {
  /** Calls back soon, at the current time, but never on the caller's stack. */
  defer(callback: () => void): void;
  /** Calls back after `durationNs` has passed. */
  after(durationNs: number, callback: () => void): void;
}

/**
 * Steps coroutines: performs each yielded step and resumes with its result.
 * Both drivers use this one implementation of the protocol; they differ only
 * in their Scheduler. An exception a coroutine does not catch goes to its
 * parent (for `all`) or, at the top, to `onUncaught`: it is never swallowed.
 */
export class CoroutineRunner {
  constructor(
    private readonly scheduler: Scheduler,
    private readonly onUncaught: (error: unknown, name: string) => void,
  ) {}

  start<T>(coroutine: Callable<T>, name: string, onDone?: (value: T) => void): void {
    const task = new Task(this, coroutine as Callable<unknown>, name, { onDone: onDone as ((value: unknown) => void) | undefined, onError: (error) => this.onUncaught(error, name) });
    this.scheduler.defer(task.resumeVoid);
  }

  /** @internal calls back soon, never on the caller's stack (for tasks). */
  defer(callback: () => void): void {
    this.scheduler.defer(callback);
  }

  /** @internal performs one step for a task. */
  dispatch(task: Task, step: Step): void {
    switch (step.kind) {
      case "io":
        step.device.submit(step, task.resumeIo);
        return;
      case "sleep":
        this.scheduler.after(step.durationNs, task.resumeVoid);
        return;
      case "wait":
        step.signal.subscribe(task.resumeLater);
        return;
      case "all":
        this.joinAll(task, step.coroutines);
        return;
      case "latch":
        step.awaitedBy(task);
        return;
      case "call":
        // Tasks handle calls themselves (Task.advance); a step reaching here came from outside a task.
        throw new Error("a call step can only be yielded by a coroutine run as a task");
    }
  }

  private joinAll(parent: Task, coroutines: ReadonlyArray<Callable<unknown>>): void {
    const join = new Join(this.scheduler, parent, coroutines.length);
    if (coroutines.length === 0) {
      this.scheduler.defer(() => parent.resume(join.results));
      return;
    }
    for (let index = 0; index < coroutines.length; index++) new Task(this, coroutines[index]!, parent.name, join, index).resume(undefined);
    join.started();
  }
}

/** Collects the results of an `all` step's children and resumes their parent once. */
class Join {
  readonly results: unknown[];
  private remaining: number;
  private failed = false;
  // A child that finishes without yielding would resume the parent while the
  // parent is still inside its dispatch; such resumptions are deferred.
  private starting = true;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly parent: Task,
    count: number,
  ) {
    this.results = new Array(count);
    this.remaining = count;
  }

  started(): void {
    this.starting = false;
  }

  childDone(index: number, value: unknown): void {
    this.results[index] = value;
    if (--this.remaining === 0 && !this.failed) this.resumeParent(false, this.results);
  }

  childFailed(error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.resumeParent(true, error);
  }

  private resumeParent(isError: boolean, value: unknown): void {
    if (this.starting) this.scheduler.defer(() => (isError ? this.parent.fail(value) : this.parent.resume(value)));
    // The usual case, without a closure per join.
    else if (isError) this.parent.fail(value);
    else this.parent.resume(value);
  }
}

class Task implements LatchWaiter {
  // Callbacks handed to devices and schedulers, made on first use: most `all` children never sleep.
  private resumeVoidFn: (() => void) | undefined;
  private resumeIoFn: ((completion: IoCompletion, error?: DeviceError) => void) | undefined;

  private resumeLaterFn: ((value: unknown) => void) | undefined;
  private resumeWithPendingFn: (() => void) | undefined;
  /** The value a `wait` step resumes with, held from the signal until the deferred resumption (a task waits for one thing at a time). */
  private pendingValue: unknown;

  /** Resumes with a value, but later (deferred), never on the caller's stack: what a fired signal does to its waiters. */
  get resumeLater(): (value: unknown) => void {
    return (this.resumeLaterFn ??= (value) => {
      this.pendingValue = value;
      this.runner.defer((this.resumeWithPendingFn ??= () => {
        const pending = this.pendingValue;
        this.pendingValue = undefined;
        this.resume(pending);
      }));
    });
  }

  get resumeVoid(): () => void {
    return (this.resumeVoidFn ??= () => this.resume(undefined));
  }

  get resumeIo(): (completion: IoCompletion, error?: DeviceError) => void {
    return (this.resumeIoFn ??= (completion, error) => {
      if (error === undefined) this.resume(completion);
      else this.fail(error);
    });
  }

  /** The coroutines that called the one running now (see CallStep), innermost last; made on the first call. */
  private callers: Array<Callable<unknown>> | undefined;
  /** The running coroutine: a generator, or else a Machine. Exactly one of the two is set. */
  private coroutine: Coroutine<unknown> | undefined;
  private machine: Machine<unknown> | undefined;

  /**
   * A top-level task reports to `onDone`/`onError`; a child of an `all` step
   * reports to its Join (a function then would cost a closure per child).
   */
  constructor(
    private readonly runner: CoroutineRunner,
    callable: Callable<unknown>,
    readonly name: string,
    private readonly owner: Join | { readonly onDone: ((value: unknown) => void) | undefined; readonly onError: (error: unknown) => void },
    private readonly index = 0,
  ) {
    this.enter(callable);
  }

  /** Makes `callable` the running coroutine. */
  private enter(callable: Callable<unknown>): void {
    if (callable instanceof Machine) {
      this.machine = callable;
      this.coroutine = undefined;
    } else {
      this.coroutine = callable;
      this.machine = undefined;
    }
  }

  resume(value: unknown): void {
    this.advance(false, value);
  }

  fail(error: unknown): void {
    this.advance(true, error);
  }

  /**
   * Resumes the running coroutine with one step. The usual step (an I/O, a
   * sleep, a wait) leaves the task at once; a call, or a return or throw to a
   * caller, goes on in `advanceCalls`. Kept apart so that this path, taken on
   * every resumption, stays a small function without a loop (2.7% fewer
   * instructions per sleep resumption, counted with cachegrind).
   */
  private advance(isError: boolean, value: unknown): void {
    const machine = this.machine;
    if (machine !== undefined) {
      this.advanceMachine(machine, isError, value);
      return;
    }
    let result: IteratorResult<Step, unknown>;
    try {
      result = isError ? generatorThrow.call(this.coroutine!, value) : generatorNext.call(this.coroutine!, value);
    } catch (error) {
      this.advanceCalls(undefined, error);
      return;
    }
    if (result.done !== true && result.value.kind !== "call") this.runner.dispatch(this, result.value);
    else this.advanceCalls(result, undefined);
  }

  /** `advance` for a running Machine: the usual step leaves the task at once here too. */
  private advanceMachine(machine: Machine<unknown>, isError: boolean, value: unknown): void {
    let step: Step | undefined;
    try {
      step = machine.resume(isError, value);
    } catch (error) {
      this.advanceCalls(undefined, error);
      return;
    }
    if (step !== undefined && step.kind !== "call") this.runner.dispatch(this, step);
    else this.advanceCalls(machineResult(machine, step), undefined);
  }

  /**
   * Goes on from a step `advance` did not finish: `result`, or `error` when
   * the coroutine threw (result undefined). While the running coroutine calls
   * a nested one (which then runs) or returns or throws to a caller (which
   * then resumes), it stays in this same step; only a step of another kind
   * leaves the task.
   */
  private advanceCalls(result: IteratorResult<Step, unknown> | undefined, error: unknown): void {
    for (;;) {
      let isError: boolean;
      let value: unknown;
      if (result === undefined) {
        const caller = this.callers?.pop();
        if (caller === undefined) {
          if (this.owner instanceof Join) this.owner.childFailed(error);
          else this.owner.onError(error);
          return;
        }
        this.enter(caller);
        isError = true;
        value = error;
      } else if (result.done === true) {
        const caller = this.callers?.pop();
        if (caller === undefined) {
          if (this.owner instanceof Join) this.owner.childDone(this.index, result.value);
          else this.owner.onDone?.(result.value);
          return;
        }
        this.enter(caller);
        isError = false;
        value = result.value;
      } else {
        const step = result.value;
        if (step.kind !== "call") {
          this.runner.dispatch(this, step);
          return;
        }
        (this.callers ??= []).push(this.machine ?? this.coroutine!);
        this.enter(step.coroutine);
        isError = false;
        value = undefined;
      }
      try {
        const machine = this.machine;
        if (machine !== undefined) result = machineResult(machine, machine.resume(isError, value));
        else result = isError ? generatorThrow.call(this.coroutine!, value) : generatorNext.call(this.coroutine!, value);
      } catch (thrown) {
        result = undefined;
        error = thrown;
      }
    }
  }
}

/**
 * A machine's answer as a generator's: done with its result when it returned
 * no step. Made only on a machine's calls and returns; carried through
 * advanceCalls as two locals instead, the runner took ~1% more instructions
 * on a whole run (cachegrind, four runs of each).
 */
function machineResult(machine: Machine<unknown>, step: Step | undefined): IteratorResult<Step, unknown> {
  return step === undefined ? { done: true, value: machine.result } : { done: false, value: step };
}
