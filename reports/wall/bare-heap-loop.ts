import { Lcg } from "./lcg.js";

/**
 * The reference the kernel is compared with: the least an event loop can do
 * in Node. A binary min-heap of (time, sequence, callback) objects, popped in
 * a loop that sets the clock and calls the callback; no validation, no
 * priorities, no cancellation, no error wrapping.
 */
interface BareEvent {
  readonly timeNs: number;
  readonly sequence: number;
  readonly callback: () => void;
}

function before(a: BareEvent, b: BareEvent): boolean {
  return a.timeNs < b.timeNs || (a.timeNs === b.timeNs && a.sequence < b.sequence);
}

export class BareHeapLoop {
  private readonly heap: BareEvent[] = [];
  private sequence = 0;
  nowNs = 0;
  eventCount = 0;

  schedule(delayNs: number, callback: () => void): void {
    const event: BareEvent = { timeNs: this.nowNs + delayNs, sequence: this.sequence++, callback };
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

  runUntilIdle(): void {
    const heap = this.heap;
    while (heap.length > 0) {
      const top = heap[0]!;
      const last = heap.pop()!;
      const size = heap.length;
      if (size > 0) {
        let index = 0;
        for (;;) {
          const left = 2 * index + 1;
          if (left >= size) break;
          let child = left;
          let childEvent = heap[left]!;
          const right = left + 1;
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
      }
      this.nowNs = top.timeNs;
      this.eventCount++;
      top.callback();
    }
  }
}

/** Runs exactly `events` events with `pending` of them queued at any time until the tail; returns the count run. */
export function runBareHeap(events: number, pending: number, seed: number): number {
  const loop = new BareHeapLoop();
  const lcg = new Lcg(seed);
  let remaining = events - pending;
  const tick = (): void => {
    if (remaining > 0) {
      remaining--;
      loop.schedule(lcg.delayNs(), tick);
    }
  };
  for (let i = 0; i < pending; i++) loop.schedule(lcg.delayNs(), tick);
  loop.runUntilIdle();
  return loop.eventCount;
}
