/**
 * The reference the gate's wall-clock figures are divided by: a fixed,
 * self-contained event loop (a binary min-heap of timed callbacks driven by a
 * linear congruential generator), the same kind of work as the simulator's
 * kernel but sharing none of its code. Measured in the same process and run as
 * the scenarios, it absorbs the speed of the machine: a slower CI runner slows
 * both, and the ratio stays put. It deliberately does not use sim/kernel.ts:
 * a change to the kernel must move the ratio, not cancel out of it.
 *
 * Changing this workload changes every ratio, so it carries an id that the
 * baseline records; bump the version when the loop changes.
 */

/** Events each run of the reference loop processes. */
export const REFERENCE_EVENTS = 200_000;
const REFERENCE_PENDING_EVENTS = 1_000;
const REFERENCE_SEED = 0x5eed;
export const REFERENCE_ID = `bare-heap-loop/${REFERENCE_EVENTS}-events/${REFERENCE_PENDING_EVENTS}-pending/v1`;

interface HeapEvent {
  readonly timeNs: number;
  readonly sequence: number;
  readonly callback: () => void;
}

function before(a: HeapEvent, b: HeapEvent): boolean {
  return a.timeNs < b.timeNs || (a.timeNs === b.timeNs && a.sequence < b.sequence);
}

/** Runs the reference loop once; returns the events it ran (always REFERENCE_EVENTS). */
export function runReferenceLoop(): number {
  const heap: HeapEvent[] = [];
  let sequence = 0;
  let nowNs = 0;
  let events = 0;
  let lcgState = REFERENCE_SEED;
  const schedule = (callback: () => void): void => {
    lcgState = (Math.imul(lcgState, 1664525) + 1013904223) >>> 0;
    // A delay of 1..1024 ns from the high bits (an LCG's low bits are weak).
    const event: HeapEvent = { timeNs: nowNs + 1 + (lcgState >>> 22), sequence: sequence++, callback };
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
  };
  let remaining = REFERENCE_EVENTS - REFERENCE_PENDING_EVENTS;
  const tick = (): void => {
    if (remaining > 0) {
      remaining--;
      schedule(tick);
    }
  };
  for (let i = 0; i < REFERENCE_PENDING_EVENTS; i++) schedule(tick);
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
        const rightEvent = heap[left + 1];
        if (left + 1 < size && rightEvent !== undefined && before(rightEvent, childEvent)) {
          child = left + 1;
          childEvent = rightEvent;
        }
        if (!before(childEvent, last)) break;
        heap[index] = childEvent;
        index = child;
      }
      heap[index] = last;
    }
    nowNs = top.timeNs;
    events++;
    top.callback();
  }
  if (events !== REFERENCE_EVENTS) throw new Error(`the reference loop ran ${events} events, expected ${REFERENCE_EVENTS}`);
  return events;
}
