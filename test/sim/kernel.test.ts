import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Kernel, KernelEvent } from "../../sim/kernel.js";
import { SimulationError, KernelUsageError } from "../../sim/errors.js";
import { sleep } from "../../io/coroutine.js";

describe("Kernel event ordering", () => {
  it("runs events by time, then priority, then insertion order", () => {
    const kernel = new Kernel("1");
    const order: string[] = [];
    kernel.schedule(10, () => order.push("t10 p0 first"));
    kernel.schedule(5, () => order.push("t5"));
    kernel.schedule(10, () => order.push("t10 p-1"), -1);
    kernel.schedule(10, () => order.push("t10 p0 second"));
    kernel.schedule(10, () => order.push("t10 p1"), 1);
    kernel.runUntilIdle();
    expect(order).toEqual(["t5", "t10 p-1", "t10 p0 first", "t10 p0 second", "t10 p1"]);
    expect(kernel.nowNs).toBe(10);
  });

  it("matches a sorted oracle for any schedule, including events scheduled while running", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(50), fc.integer({ min: -2, max: 2 }), fc.nat(20)), { maxLength: 200 }), (specs) => {
        const kernel = new Kernel("prop");
        const ran: Array<[number, number, number]> = [];
        let nextId = 0;
        const expected: Array<[number, number, number]> = [];
        for (const [delayNs, priority, childDelayNs] of specs) {
          const id = nextId++;
          expected.push([delayNs, priority, id]);
          kernel.schedule(delayNs, () => {
            ran.push([kernel.nowNs, priority, id]);
            // Children are scheduled during the run: they must still obey the order.
            if (childDelayNs % 3 === 0) {
              const childId = 100_000 + id;
              kernel.schedule(childDelayNs, () => ran.push([kernel.nowNs, 0, childId]));
            }
          }, priority);
        }
        kernel.runUntilIdle();
        const topLevel = ran.filter(([, , id]) => id < 100_000);
        const sorted = [...expected].sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
        expect(topLevel).toEqual(sorted);
        for (let i = 1; i < ran.length; i++) expect(ran[i]![0]).toBeGreaterThanOrEqual(ran[i - 1]![0]);
      }),
    );
  });

  it("resumes sleeping processes in (time, scheduling order), as a list-based oracle does", () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.nat(4), { maxLength: 12 }), { minLength: 1, maxLength: 8 }), (sleepsByProcess) => {
        const kernel = new Kernel("prop-processes");
        const ran: string[] = [];
        sleepsByProcess.forEach((sleeps, process) => {
          kernel.spawn(
            (function* () {
              for (let i = 0; i < sleeps.length; i++) {
                yield* sleep(sleeps[i]!);
                ran.push(`${kernel.nowNs}:${process}.${i}`);
              }
            })(),
            `p${process}`,
          );
        });
        kernel.runUntilIdle();
        // The oracle: pending wake-ups in a list, the earliest (time, sequence) first; a spawn is a wake-up at 0.
        const expected: string[] = [];
        let sequence = 0;
        const pending = sleepsByProcess.map((_, process) => ({ timeNs: 0, sequence: sequence++, process, next: 0 }));
        while (pending.length > 0) {
          pending.sort((a, b) => a.timeNs - b.timeNs || a.sequence - b.sequence);
          const wake = pending.shift()!;
          if (wake.next > 0) expected.push(`${wake.timeNs}:${wake.process}.${wake.next - 1}`);
          const sleeps = sleepsByProcess[wake.process]!;
          if (wake.next < sleeps.length) pending.push({ timeNs: wake.timeNs + sleeps[wake.next]!, sequence: sequence++, process: wake.process, next: wake.next + 1 });
        }
        expect(ran).toEqual(expected);
      }),
    );
  });

  it("cancels events", () => {
    const kernel = new Kernel("1");
    const order: number[] = [];
    const handle = kernel.schedule(5, () => order.push(5));
    kernel.schedule(6, () => order.push(6));
    kernel.cancel(handle);
    kernel.runUntilIdle();
    expect(order).toEqual([6]);
    expect(kernel.eventCount).toBe(1);
  });

  it("tells the time of the earliest live event, due now or later, cancelled ones left out", () => {
    const kernel = new Kernel("1");
    expect(kernel.nextEventNs).toBeUndefined();
    const late = kernel.schedule(50, () => {});
    const later = kernel.schedule(55, () => {});
    kernel.schedule(70, () => {});
    expect(kernel.nextEventNs).toBe(50);
    kernel.cancel(late);
    kernel.cancel(later);
    expect(kernel.nextEventNs).toBe(70);
    // A cancelled event left the queue: it may be scheduled again, and runs once.
    const ran: number[] = [];
    const again = new (class extends KernelEvent {
      run(): void {
        ran.push(kernel.nowNs);
      }
    })();
    kernel.scheduleEvent(again, 40);
    expect(kernel.nextEventNs).toBe(40);
    kernel.cancel(again);
    expect(kernel.nextEventNs).toBe(70);
    kernel.scheduleEvent(again, 45);
    expect(kernel.nextEventNs).toBe(45);
    const onlyCancelled = new Kernel("2");
    onlyCancelled.cancel(onlyCancelled.schedule(0, () => {}));
    expect(onlyCancelled.nextEventNs).toBeUndefined();
    const seen: Array<number | undefined> = [];
    kernel.schedule(60, () => {
      kernel.schedule(0, () => seen.push(kernel.nextEventNs));
      seen.push(kernel.nextEventNs);
    });
    kernel.runUntilIdle();
    // At 60 ns: the event due now (in the lane) comes first; then the one at 70 ns.
    expect(seen).toEqual([60, 70]);
    expect(ran).toEqual([45]);
    expect(kernel.nextEventNs).toBeUndefined();
  });

  it("runs an event object scheduled again and again, in order with callbacks, and refuses it while it is queued", () => {
    const kernel = new Kernel("1");
    const order: string[] = [];
    class Tick extends KernelEvent {
      runs = 0;
      run(): void {
        order.push(`tick@${kernel.nowNs}`);
        if (++this.runs < 3) kernel.scheduleEvent(this, 10);
      }
    }
    const tick = kernel.scheduleEvent(new Tick(), 5);
    expect(() => kernel.scheduleEvent(tick, 1)).toThrow(KernelUsageError);
    kernel.schedule(15, () => order.push("callback@15"));
    kernel.runUntilIdle();
    // The tick rescheduled at 5 for 15 was scheduled after the callback, so it runs after it.
    expect(order).toEqual(["tick@5", "callback@15", "tick@15", "tick@25"]);
    kernel.scheduleEvent(tick, 1);
    kernel.cancel(tick);
    kernel.runUntilIdle();
    expect(tick.runs).toBe(3);
    expect(kernel.eventCount).toBe(4);
  });

  it("runs until a time, leaving later events queued, and resumes", () => {
    const kernel = new Kernel("1");
    const order: number[] = [];
    for (const t of [1, 5, 10, 20]) kernel.schedule(t, () => order.push(t));
    expect(kernel.runUntil(10)).toBe("time");
    expect(order).toEqual([1, 5, 10]);
    expect(kernel.nowNs).toBe(10);
    expect(kernel.pendingEventCount).toBe(1);
    expect(kernel.runUntilIdle()).toBe("idle");
    expect(order).toEqual([1, 5, 10, 20]);
  });

  it("runs until a condition", () => {
    const kernel = new Kernel("1");
    let count = 0;
    for (let t = 1; t <= 100; t++) kernel.schedule(t, () => count++);
    expect(kernel.runUntilCondition(() => count === 42)).toBe("condition");
    expect(kernel.nowNs).toBe(42);
  });

  it("rejects non-integer and negative delays and times in the past", () => {
    const kernel = new Kernel("7");
    expect(() => kernel.schedule(1.5, () => undefined)).toThrow(KernelUsageError);
    expect(() => kernel.schedule(-1, () => undefined)).toThrow(/seed 7/);
    kernel.schedule(10, () => undefined);
    kernel.runUntilIdle();
    expect(() => kernel.scheduleAt(5, () => undefined)).toThrow(KernelUsageError);
    expect(() => kernel.schedule(0, () => undefined, 500)).toThrow(KernelUsageError);
  });
});

describe("Kernel failures", () => {
  it("stops the run on an exception in a callback, naming time and seed", () => {
    const kernel = new Kernel("seed-42");
    let after = false;
    kernel.schedule(7, () => {
      throw new Error("boom");
    });
    kernel.schedule(8, () => (after = true));
    const error = (() => {
      try {
        kernel.runUntilIdle();
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(SimulationError);
    expect((error as SimulationError).timeNs).toBe(7);
    expect((error as SimulationError).message).toMatch(/t=7 ns.*seed seed-42.*boom/s);
    expect(after).toBe(false);
  });

  it("never swallows an exception thrown inside a process", () => {
    const kernel = new Kernel("99");
    kernel.spawn(
      (function* () {
        yield* sleep(30);
        throw new RangeError("inside process");
      })(),
      "worker",
    );
    expect(() => kernel.runUntilIdle()).toThrow(/t=30 ns in process worker \(seed 99\).*inside process/s);
  });
});
