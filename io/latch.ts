/** What a latch resumes: the task that yielded it (see CoroutineRunner). */
export interface LatchWaiter {
  resume(value: unknown): void;
  fail(error: unknown): void;
}

/**
 * A countdown a coroutine yields as a step: it resumes once `count` parts
 * have arrived, or with the first part's failure. It does what an `all` step
 * of `count` coroutines does when each of them is one request handed to a
 * callback (a metadata sector write), without a coroutine and a task per
 * part: the parts arrive from completion callbacks instead.
 *
 * The last part to arrive resumes the waiter on its own stack, as a child
 * task that finishes resumes its `all`. Parts never arrive inside the call
 * that starts them, so the waiter has always yielded the latch by then.
 */
export class Latch {
  readonly kind = "latch";
  private remaining: number;
  private waiter: LatchWaiter | undefined;
  private failed = false;

  constructor(count: number) {
    if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`a latch counts at least one part, got ${count}`);
    this.remaining = count;
  }

  /** @internal the driver, when a task yields this latch. */
  awaitedBy(waiter: LatchWaiter): void {
    if (this.waiter !== undefined) throw new Error("a latch was yielded twice");
    this.waiter = waiter;
  }

  arrive(): void {
    if (this.failed) return;
    const waiter = this.waiter;
    if (waiter === undefined) throw new Error("a latch's part arrived before the latch was yielded");
    if (this.remaining <= 0) throw new Error("a latch got more parts than it counts");
    if (--this.remaining === 0) waiter.resume(undefined);
  }

  /** A part failed: the waiter resumes with `error` thrown, once; later parts are ignored. */
  fail(error: unknown): void {
    if (this.failed) return;
    const waiter = this.waiter;
    if (waiter === undefined) throw new Error("a latch's part failed before the latch was yielded");
    this.failed = true;
    waiter.fail(error);
  }
}
