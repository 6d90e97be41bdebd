import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EventQueue, QueuedEvent, before } from "../../sim/event-queue.js";

class Numbered extends QueuedEvent {
  constructor(readonly id: number) {
    super();
  }
  run(): void {}
}

describe("EventQueue", () => {
  it("pops in (time, priority, sequence) order, against a sorted list, with hundreds pending and times that tie", () => {
    // Pushes and pops interleaved: many times equal (0-20 ns), priorities -2..2, up to 600 events pending, so the heap's
    // columns grow past their first 64 slots while it holds ties.
    const push = fc.record({ push: fc.constant(true as const), timeNs: fc.integer({ min: 0, max: 20 }), priority: fc.integer({ min: -2, max: 2 }) });
    // Three pushes to a pop: the queue fills up as the run goes on.
    const op = fc.oneof({ arbitrary: push, weight: 3 }, { arbitrary: fc.record({ push: fc.constant(false as const) }), weight: 1 });
    fc.assert(
      fc.property(fc.array(op, { minLength: 100, maxLength: 900 }), fc.integer({ min: 0, max: 2 ** 30 }), (ops, timeBaseNs) => {
        const queue = new EventQueue();
        const idOf = (event: QueuedEvent | undefined) => (event as Numbered | undefined)?.id;
        const oracle: Numbered[] = [];
        let sequence = 0;
        let id = 0;
        for (const step of ops) {
          if (step.push) {
            const event = new Numbered(id++);
            event.timeNs = timeBaseNs * 4 + step.timeNs;
            event.priority = step.priority;
            event.sequence = sequence++;
            queue.push(event);
            oracle.push(event);
            oracle.sort((a, b) => (before(a, b) ? -1 : 1));
          } else {
            expect(idOf(queue.pop())).toBe(oracle.shift()?.id);
          }
          expect(queue.size).toBe(oracle.length);
          expect(idOf(queue.peek())).toBe(oracle[0]?.id);
        }
        while (oracle.length > 0) expect(idOf(queue.pop())).toBe(oracle.shift()!.id);
        expect(queue.pop()).toBeUndefined();
      }),
      { numRuns: 60 },
    );
  });
});
