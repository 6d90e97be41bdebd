/**
 * A one-shot event a coroutine can wait for ("the copy of chunk c is done").
 * It knows nothing of time: the driver that runs the waiting coroutine decides
 * when the waiter resumes, so the same signal works in simulated and real time.
 */
export class Signal<T = void> {
  private waiters: Array<(value: T) => void> | undefined = [];
  private firedValue: { value: T } | undefined;

  get fired(): boolean {
    return this.firedValue !== undefined;
  }

  /** Calls `waiter` once the signal fires (at once if it already has). */
  subscribe(waiter: (value: T) => void): void {
    if (this.firedValue !== undefined) waiter(this.firedValue.value);
    else this.waiters?.push(waiter);
  }

  fire(value: T): void {
    if (this.firedValue !== undefined) throw new Error("Signal fired twice");
    this.firedValue = { value };
    const waiters = this.waiters ?? [];
    this.waiters = undefined;
    for (const waiter of waiters) waiter(value);
  }
}
