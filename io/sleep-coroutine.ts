import type { Coroutine, SleepStep, Step } from "./coroutine.js";
import { Machine } from "./machine.js";

/**
 * What sleep() returns: one object that is at once the sleep step, the
 * iterator `yield*` runs, each iterator result that iterator gives, and a
 * Machine (for a sleep run as a task or a child of an `all` step, where the
 * runner resumes machines and generators but calls a generator's own next).
 * A sleeping process is the kernel's plainest resumption; as a generator
 * function, each sleep made a generator object (with its saved registers),
 * a step and two iterator results.
 *
 * Sharing the result object is safe for `yield*`: the language hands the
 * inner iterator's result to the outer generator's caller as it is, and the
 * runner reads its `done` and `value` before it resumes anything.
 */
export class SleepCoroutine extends Machine implements SleepStep, Coroutine {
  readonly kind = "sleep";
  /** As an iterator result: false until the sleep is over. */
  done = false;
  /** As an iterator result: the step while sleeping, then the (void) return value. */
  value: Step | undefined;
  /** The step has been handed out (by next or resume); the next call ends the sleep. */
  private started = false;

  constructor(readonly durationNs: number) {
    super();
    this.value = this;
  }

  next(): IteratorResult<Step, void> {
    if (!this.started) this.started = true;
    else this.finish();
    return this as unknown as IteratorResult<Step, void>;
  }

  return(value: void): IteratorResult<Step, void> {
    this.finish();
    // As a generator's return(): the value given comes back, done.
    this.value = value as undefined;
    return this as unknown as IteratorResult<Step, void>;
  }

  throw(error: unknown): IteratorResult<Step, void> {
    this.finish();
    throw error;
  }

  [Symbol.iterator](): this {
    return this;
  }

  resume(isError: boolean, error: unknown): Step | undefined {
    if (isError) {
      this.finish();
      throw error;
    }
    if (!this.started) {
      this.started = true;
      return this;
    }
    this.finish();
    return undefined;
  }

  private finish(): void {
    this.started = true;
    this.done = true;
    this.value = undefined;
  }
}
