import type { Coroutine, Step } from "./coroutine.js";
import type { IoCompletion, DeviceError } from "./block-device.js";

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

  start<T>(coroutine: Coroutine<T>, name: string, onDone?: (value: T) => void): void {
    const task = new Task(this, coroutine, name, onDone as ((value: unknown) => void) | undefined, (error) => this.onUncaught(error, name));
    this.scheduler.defer(task.resumeVoid);
  }

  /** @internal performs one step for a task. */
  dispatch(task: Task, step: Step): void {
    switch (step.kind) {
      case "io":
        step.device.submit(step.request, task.resumeIo);
        return;
      case "sleep":
        this.scheduler.after(step.durationNs, task.resumeVoid);
        return;
      case "wait":
        step.signal.subscribe((value) => this.scheduler.defer(() => task.resume(value)));
        return;
      case "all":
        this.joinAll(task, step.coroutines);
        return;
    }
  }

  private joinAll(parent: Task, coroutines: ReadonlyArray<Coroutine<unknown>>): void {
    const results: unknown[] = new Array(coroutines.length);
    let remaining = coroutines.length;
    let failed = false;
    if (remaining === 0) {
      this.scheduler.defer(() => parent.resume(results));
      return;
    }
    // A child that finishes without yielding would resume the parent while the
    // parent is still inside this dispatch; such resumptions are deferred.
    let starting = true;
    const resumeParent = (isError: boolean, value: unknown) => {
      const go = () => (isError ? parent.fail(value) : parent.resume(value));
      if (starting) this.scheduler.defer(go);
      else go();
    };
    coroutines.forEach((child, index) => {
      const onDone = (value: unknown) => {
        results[index] = value;
        if (--remaining === 0 && !failed) resumeParent(false, results);
      };
      const onError = (error: unknown) => {
        if (failed) return;
        failed = true;
        resumeParent(true, error);
      };
      new Task(this, child, `${parent.name}/${index}`, onDone, onError).resume(undefined);
    });
    starting = false;
  }
}

class Task {
  readonly resumeVoid = (): void => this.resume(undefined);
  readonly resumeIo = (completion: IoCompletion, error?: DeviceError): void => {
    if (error === undefined) this.resume(completion);
    else this.fail(error);
  };

  constructor(
    private readonly runner: CoroutineRunner,
    private readonly coroutine: Coroutine<unknown>,
    readonly name: string,
    private readonly onDone: ((value: unknown) => void) | undefined,
    private readonly onError: (error: unknown) => void,
  ) {}

  resume(value: unknown): void {
    this.advance(false, value);
  }

  fail(error: unknown): void {
    this.advance(true, error);
  }

  private advance(isError: boolean, value: unknown): void {
    let result: IteratorResult<Step, unknown>;
    try {
      result = isError ? this.coroutine.throw(value) : this.coroutine.next(value);
    } catch (error) {
      this.onError(error);
      return;
    }
    if (result.done === true) this.onDone?.(result.value);
    else this.runner.dispatch(this, result.value);
  }
}
