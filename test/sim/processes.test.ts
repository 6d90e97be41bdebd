import { describe, expect, it } from "vitest";
import { Kernel } from "../../sim/kernel.js";
import { all, callStep, sleep, waitFor, type Coroutine } from "../../io/coroutine.js";
import { Signal } from "../../io/signal.js";

describe("coroutine processes on the kernel", () => {
  it("sleep resumes after exactly the simulated delay", () => {
    const kernel = new Kernel("1");
    const times: number[] = [];
    kernel.spawn(
      (function* () {
        times.push(kernel.nowNs);
        yield* sleep(100);
        times.push(kernel.nowNs);
        yield* sleep(0);
        times.push(kernel.nowNs);
        yield* sleep(250);
        times.push(kernel.nowNs);
      })(),
      "sleeper",
    );
    kernel.runUntilIdle();
    expect(times).toEqual([0, 100, 100, 350]);
  });

  it("waits for a signal and receives its value", () => {
    const kernel = new Kernel("1");
    const signal = new Signal<string>();
    const seen: Array<[number, string]> = [];
    const waiter = function* (label: string): Coroutine {
      const value = yield* waitFor(signal);
      seen.push([kernel.nowNs, `${label}:${value}`]);
    };
    kernel.spawn(waiter("a"), "a");
    kernel.spawn(waiter("b"), "b");
    kernel.schedule(40, () => signal.fire("go"));
    kernel.runUntilIdle();
    expect(seen).toEqual([
      [40, "a:go"],
      [40, "b:go"],
    ]);
    // A signal that already fired resumes a late waiter at once.
    kernel.spawn(waiter("late"), "late");
    kernel.runUntilIdle();
    expect(seen[2]).toEqual([40, "late:go"]);
  });

  it("all() joins children and returns their results in order", () => {
    const kernel = new Kernel("1");
    let result: number[] | undefined;
    let doneAtNs = -1;
    const child = function* (delayNs: number): Coroutine<number> {
      yield* sleep(delayNs);
      return delayNs * 2;
    };
    const instant = function* (): Coroutine<number> {
      return 7;
    };
    kernel.spawn(
      (function* () {
        result = yield* all([child(30), child(10), instant(), child(20)]);
        doneAtNs = kernel.nowNs;
      })(),
      "parent",
    );
    kernel.runUntilIdle();
    expect(result).toEqual([60, 20, 7, 40]);
    expect(doneAtNs).toBe(30);
  });

  it("all() of children that never yield does not re-enter the parent", () => {
    const kernel = new Kernel("1");
    let result: number[] | undefined;
    kernel.spawn(
      (function* () {
        result = yield* all([(function* (): Coroutine<number> { return 1; })(), (function* (): Coroutine<number> { return 2; })()]);
        result = [...result, ...(yield* all<number>([]))];
      })(),
      "parent",
    );
    kernel.runUntilIdle();
    expect(result).toEqual([1, 2]);
  });

  it("a child's exception is thrown into the parent, which may catch it", () => {
    const kernel = new Kernel("1");
    let caught: unknown;
    kernel.spawn(
      (function* () {
        try {
          yield* all([
            (function* (): Coroutine { yield* sleep(5); throw new Error("child failed"); })(),
            (function* (): Coroutine { yield* sleep(10); })(),
          ]);
        } catch (error) {
          caught = error;
        }
      })(),
      "parent",
    );
    kernel.runUntilIdle();
    expect(String(caught)).toMatch(/child failed/);
  });

  it("returns the process result to onDone", () => {
    const kernel = new Kernel("1");
    let value = 0;
    kernel.spawn((function* (): Coroutine<number> { yield* sleep(1); return 41 + 1; })(), "p", (v) => (value = v));
    kernel.runUntilIdle();
    expect(value).toBe(42);
  });

  it("a call step runs the nested coroutine in place: values come back, exceptions reach the caller, finally blocks run, also through yield* and inside all()", () => {
    const kernel = new Kernel("1");
    const log: string[] = [];
    const leaf = function* (label: string, delayNs: number, fail: boolean): Coroutine<string> {
      try {
        yield* sleep(delayNs);
        if (fail) throw new Error(`${label} failed`);
        return `${label}@${kernel.nowNs}`;
      } finally {
        log.push(`finally ${label}`);
      }
    };
    const middle = function* (label: string, fail: boolean): Coroutine<string> {
      // Two levels of calls: the leaf's resumptions skip this generator.
      const value = (yield callStep(leaf(label, 10, fail))) as string;
      yield* sleep(5);
      return `${value}+${kernel.nowNs}`;
    };
    const caller = function* (): Coroutine<string[]> {
      log.push((yield callStep(middle("a", false))) as string);
      try {
        yield callStep(middle("b", true));
        log.push("not reached");
      } catch (error) {
        log.push(`caught ${(error as Error).message} at ${kernel.nowNs}`);
      }
      return yield* all([middle("c", false), middle("d", false)]);
    };
    let result: string[] | undefined;
    // Through a yield*: the call is yielded up the delegation chain, and the value goes back down it.
    kernel.spawn(
      (function* () {
        result = yield* caller();
      })(),
      "caller",
    );
    kernel.runUntilIdle();
    expect(log).toEqual(["finally a", "a@10+15", "finally b", "caught b failed at 25", "finally c", "finally d"]);
    expect(result).toEqual(["c@35+40", "d@35+40"]);
  });
});
