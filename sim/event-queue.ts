import { grown } from "../io/grown.js";

/**
 * A binary min-heap of events ordered by (time, priority, insertion sequence).
 * The sequence makes every tie unambiguous: equal time and priority run in
 * the order they were scheduled (FIFO), whatever the heap's shape.
 *
 * An event is an object with a `run` method, so that a component that
 * completes one thing after another (a device's server) can schedule the
 * same object again and again instead of a closure and an event per
 * completion; the kernel wraps plain callbacks in one.
 */
export abstract class QueuedEvent {
  /** NaN until scheduled: a double from the start, as times past 2^30 ns are (see withDoubleFields). */
  timeNs = Number.NaN;
  /**
   * Priority, then insertion sequence: kept as two small integers rather than
   * one packed key, which would exceed 2^31 and cost a boxed number per event.
   */
  priority = 0;
  sequence = 0;
  /** In the queue; an event is scheduled again only once it has left it. */
  queued = false;
  /** Runs when its time comes: false once it ran or was cancelled. */
  live = false;

  abstract run(): void;
}

const PRIORITY_OFFSET = 128;
const SEQUENCE_BITS = 2 ** 40;

export function orderKey(priority: number, sequence: number): number {
  return (priority + PRIORITY_OFFSET) * SEQUENCE_BITS + sequence;
}

export const MIN_PRIORITY = -PRIORITY_OFFSET;
export const MAX_PRIORITY = PRIORITY_OFFSET - 1;

/** The queue's order: time, then priority, then insertion sequence. */
export function before(a: QueuedEvent, b: QueuedEvent): boolean {
  return a.timeNs < b.timeNs || (a.timeNs === b.timeNs && (a.priority < b.priority || (a.priority === b.priority && a.sequence < b.sequence)));
}

/**
 * The heap keeps each event's time and order key (see orderKey) in typed
 * arrays beside it, in heap order: a comparison reads two numbers from two
 * arrays, where reading them from the events themselves cost two dependent
 * loads each (an event's time is a boxed double), a dozen times a pop.
 */
export class EventQueue {
  private events: Array<QueuedEvent | undefined> = [];
  private times = new Float64Array(64);
  private keys = new Float64Array(64);
  private count = 0;

  get size(): number {
    return this.count;
  }

  peek(): QueuedEvent | undefined {
    return this.count === 0 ? undefined : this.events[0];
  }

  push(event: QueuedEvent): void {
    if (this.count === this.times.length) this.grow();
    const { events, times, keys } = this;
    const timeNs = event.timeNs;
    const key = orderKey(event.priority, event.sequence);
    let index = this.count++;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parentTimeNs = times[parentIndex]!;
      // Keys are unique (every event has its own sequence): no two events tie.
      if (timeNs > parentTimeNs || (timeNs === parentTimeNs && key > keys[parentIndex]!)) break;
      times[index] = parentTimeNs;
      keys[index] = keys[parentIndex]!;
      events[index] = events[parentIndex];
      index = parentIndex;
    }
    times[index] = timeNs;
    keys[index] = key;
    events[index] = event;
  }

  pop(): QueuedEvent | undefined {
    if (this.count === 0) return undefined;
    const { events, times, keys } = this;
    const top = events[0];
    const size = --this.count;
    const last = events[size]!;
    const lastTimeNs = times[size]!;
    const lastKey = keys[size]!;
    events[size] = undefined;
    if (size === 0) return top;
    let index = 0;
    for (;;) {
      let child = 2 * index + 1;
      if (child >= size) break;
      let childTimeNs = times[child]!;
      let childKey = keys[child]!;
      const right = child + 1;
      if (right < size) {
        const rightTimeNs = times[right]!;
        const rightKey = keys[right]!;
        if (rightTimeNs < childTimeNs || (rightTimeNs === childTimeNs && rightKey < childKey)) {
          child = right;
          childTimeNs = rightTimeNs;
          childKey = rightKey;
        }
      }
      if (lastTimeNs < childTimeNs || (lastTimeNs === childTimeNs && lastKey < childKey)) break;
      times[index] = childTimeNs;
      keys[index] = childKey;
      events[index] = events[child];
      index = child;
    }
    times[index] = lastTimeNs;
    keys[index] = lastKey;
    events[index] = last;
    return top;
  }

  private grow(): void {
    this.times = grown(this.times, new Float64Array(2 * this.times.length));
    this.keys = grown(this.keys, new Float64Array(2 * this.keys.length));
  }
}
