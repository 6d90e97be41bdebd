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

export class EventQueue {
  private readonly heap: QueuedEvent[] = [];

  get size(): number {
    return this.heap.length;
  }

  peek(): QueuedEvent | undefined {
    return this.heap[0];
  }

  push(event: QueuedEvent): void {
    const heap = this.heap;
    let index = heap.length;
    heap.push(event);
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = heap[parentIndex]!;
      if (!before(event, parent)) break;
      heap[index] = parent;
      index = parentIndex;
    }
    heap[index] = event;
  }

  pop(): QueuedEvent | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    const size = heap.length;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= size) break;
      const right = left + 1;
      let child = left;
      let childEvent = heap[left]!;
      if (right < size) {
        const rightEvent = heap[right]!;
        if (before(rightEvent, childEvent)) {
          child = right;
          childEvent = rightEvent;
        }
      }
      if (!before(childEvent, last)) break;
      heap[index] = childEvent;
      index = child;
    }
    heap[index] = last;
    return top;
  }
}
