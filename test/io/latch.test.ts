import { describe, expect, it } from "vitest";
import { Kernel } from "../../sim/kernel.js";
import { all, sleep, type Coroutine } from "../../io/coroutine.js";
import { Latch } from "../../io/latch.js";

/** Event trace of a run: (time, what) pairs, to compare a latch with the `all` of coroutines it stands for. */
type Trace = Array<[number, string]>;

describe("Latch", () => {
  it("resumes its coroutine once every part has arrived, on the last arrival's stack", () => {
    const kernel = new Kernel("latch-1");
    const trace: Trace = [];
    const latch = new Latch(3);
    kernel.spawn(
      (function* (): Coroutine {
        yield latch;
        trace.push([kernel.nowNs, "resumed"]);
      })(),
      "waiter",
    );
    for (const at of [30, 10, 20]) kernel.schedule(at, () => {
      latch.arrive();
      trace.push([kernel.nowNs, `arrived ${at}`]);
    });
    kernel.runUntilIdle();
    // The third arrival resumes the waiter before its own callback goes on.
    expect(trace).toEqual([
      [10, "arrived 10"],
      [20, "arrived 20"],
      [30, "resumed"],
      [30, "arrived 30"],
    ]);
  });

  it("resumes at the moment an `all` of coroutines, each finished by one completion, would", () => {
    const run = (useLatch: boolean): Trace => {
      const kernel = new Kernel("latch-2");
      const trace: Trace = [];
      const latch = new Latch(2);
      kernel.spawn(
        (function* (): Coroutine {
          if (useLatch) {
            kernel.schedule(5, () => latch.arrive());
            kernel.schedule(7, () => latch.arrive());
            yield latch;
          } else {
            yield* all([sleep(5), sleep(7)]);
          }
          trace.push([kernel.nowNs, "resumed"]);
        })(),
        "waiter",
      );
      // Queued before the parts' completions at the same time: it runs first either way.
      kernel.schedule(7, () => trace.push([kernel.nowNs, "same-time event queued first"]));
      kernel.runUntilIdle();
      return trace;
    };
    expect(run(true)).toEqual(run(false));
    expect(run(true)).toEqual([
      [7, "same-time event queued first"],
      [7, "resumed"],
    ]);
  });

  it("throws the first failure into the waiter and ignores what arrives after it", () => {
    const kernel = new Kernel("latch-3");
    const latch = new Latch(2);
    let caught: unknown;
    let after = false;
    kernel.spawn(
      (function* (): Coroutine {
        try {
          yield latch;
          after = true;
        } catch (error) {
          caught = error;
        }
      })(),
      "waiter",
    );
    kernel.schedule(1, () => latch.fail(new Error("part one failed")));
    kernel.schedule(2, () => latch.fail(new Error("part two failed")));
    kernel.schedule(3, () => latch.arrive());
    kernel.runUntilIdle();
    expect((caught as Error).message).toBe("part one failed");
    expect(after).toBe(false);
  });

  it("refuses a count below one, a part before it was yielded, and more parts than it counts", () => {
    expect(() => new Latch(0)).toThrow(/at least one part/);
    expect(() => new Latch(1.5)).toThrow(/at least one part/);
    expect(() => new Latch(1).arrive()).toThrow(/before the latch was yielded/);
    const kernel = new Kernel("latch-4");
    const latch = new Latch(1);
    kernel.spawn(
      (function* (): Coroutine {
        yield latch;
      })(),
      "waiter",
    );
    kernel.schedule(1, () => latch.arrive());
    kernel.schedule(2, () => latch.arrive());
    expect(() => kernel.runUntilIdle()).toThrow(/more parts than it counts/);
  });
});
