/**
 * A one-shot event a coroutine can wait for ("the copy of chunk c is done").
 * It knows nothing of time: the driver that runs the waiting coroutine decides
 * when the waiter resumes, so the same signal works in simulated and real time.
 *
 * One is made for every copy, and most are fired with nobody waiting, so the
 * waiter list is made on first subscription and firing allocates nothing.
 */
export class Signal<T = void> {
  private waiters: Array<(value: T) => void> | undefined;
  private hasFired = false;
  private firedValue: T | undefined;

  get fired(): boolean {
    return this.hasFired;
  }

  /** Calls `waiter` once the signal fires (at once if it already has). */
  subscribe(waiter: (value: T) => void): void {
    if (this.hasFired) waiter(this.firedValue as T);
    else (this.waiters ??= []).push(waiter);
  }

  fire(value: T): void {
    if (this.hasFired) throw new Error("Signal fired twice");
    this.hasFired = true;
    this.firedValue = value;
    const waiters = this.waiters;
    if (waiters === undefined) return;
    this.waiters = undefined;
    for (const waiter of waiters) waiter(value);
  }
}
