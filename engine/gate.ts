import { waitFor, type Coroutine } from "../io/coroutine.js";
import { Signal } from "../io/signal.js";

/**
 * Host I/O enters shared; session operations (start, stop, rollback, unmount)
 * enter exclusive, after the I/O in flight has drained. That gives a session
 * start a clean point in time: every write acknowledged before it is in the
 * session, none after it is.
 */
export class Gate {
  private sharedCount = 0;
  private exclusiveHeld = false;
  private exclusiveQueue = 0;
  private opened = new Signal();
  private drained: Signal | undefined;
  private exclusiveReleased = new Signal();

  /** Enters shared at once if nothing exclusive holds or waits; the host-write fast path. */
  tryEnterShared(): boolean {
    if (this.exclusiveHeld || this.exclusiveQueue > 0) return false;
    this.sharedCount++;
    return true;
  }

  *enterShared(): Coroutine {
    while (this.exclusiveHeld || this.exclusiveQueue > 0) yield* waitFor(this.opened);
    this.sharedCount++;
  }

  leaveShared(): void {
    this.sharedCount--;
    if (this.sharedCount === 0 && this.drained !== undefined) {
      const drained = this.drained;
      this.drained = undefined;
      drained.fire();
    }
  }

  *enterExclusive(): Coroutine {
    this.exclusiveQueue++;
    while (this.exclusiveHeld) yield* waitFor(this.exclusiveReleased);
    this.exclusiveHeld = true;
    this.exclusiveQueue--;
    if (this.opened.fired) this.opened = new Signal();
    while (this.sharedCount > 0) {
      this.drained ??= new Signal();
      yield* waitFor(this.drained);
    }
  }

  leaveExclusive(): void {
    this.exclusiveHeld = false;
    const released = this.exclusiveReleased;
    this.exclusiveReleased = new Signal();
    released.fire();
    if (this.exclusiveQueue === 0) this.opened.fire();
  }
}
