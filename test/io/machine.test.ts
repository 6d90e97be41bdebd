import { describe, expect, it } from "vitest";
import { Kernel } from "../../sim/kernel.js";
import { all, allStep, callStep, sleep, type Coroutine, type Step } from "../../io/coroutine.js";
import { Machine } from "../../io/machine.js";

/** Sleeps `delayNs`, then returns `value`, or throws when `failWith` is given. */
class SleepThenReturn extends Machine<string> {
  private slept = false;
  resumes = 0;

  constructor(
    private readonly delayNs: number,
    private readonly value: string,
    private readonly failWith?: string,
  ) {
    super();
  }

  resume(isError: boolean, value: unknown): Step | undefined {
    this.resumes++;
    if (isError) throw value;
    if (!this.slept) {
      this.slept = true;
      return { kind: "sleep", durationNs: this.delayNs };
    }
    if (this.failWith !== undefined) throw new Error(this.failWith);
    this.result = this.value;
    return undefined;
  }
}

/**
 * Calls a generator, then a nested machine, then one that fails (catching
 * what it throws), then sleeps; returns what it heard, with the times.
 */
class Caller extends Machine<string[]> {
  private state = 0;
  private readonly heard: string[] = [];

  constructor(private readonly kernel: Kernel) {
    super();
  }

  resume(isError: boolean, value: unknown): Step | undefined {
    const now = this.kernel.nowNs;
    switch (this.state++) {
      case 0:
        return callStep(generatorLeaf(this.kernel, 10));
      case 1:
        this.heard.push(`generator ${String(value)} at ${now}`);
        return callStep(new SleepThenReturn(5, "machine"));
      case 2:
        this.heard.push(`machine ${String(value)} at ${now}`);
        return callStep(new SleepThenReturn(1, "never", "nested failure"));
      case 3:
        this.heard.push(`${isError ? "caught" : "returned"} ${(value as Error).message} at ${now}`);
        return { kind: "sleep", durationNs: 100 };
      case 4:
        this.result = this.heard;
        return undefined;
      default:
        throw new Error("resumed after it finished");
    }
  }
}

function* generatorLeaf(kernel: Kernel, delayNs: number): Coroutine<string> {
  yield* sleep(delayNs);
  return `leaf@${kernel.nowNs}`;
}

describe("machines (hand-written coroutines) on the runner", () => {
  it("a machine calls generators and machines, gets their values and their exceptions, and returns its own", () => {
    const kernel = new Kernel("1");
    let result: string[] | undefined;
    let doneAtNs = -1;
    kernel.spawn(
      (function* (): Coroutine {
        result = (yield callStep(new Caller(kernel))) as string[];
        doneAtNs = kernel.nowNs;
      })(),
      "caller",
    );
    kernel.runUntilIdle();
    expect(result).toEqual(["generator leaf@10 at 10", "machine machine at 15", "caught nested failure at 16"]);
    expect(doneAtNs).toBe(116);
  });

  it("what a machine throws reaches its caller, and the machine is not resumed after it", () => {
    const kernel = new Kernel("1");
    const failing = new SleepThenReturn(7, "never", "machine failure");
    const log: string[] = [];
    kernel.spawn(
      (function* (): Coroutine {
        try {
          yield callStep(failing);
          log.push("not reached");
        } catch (error) {
          log.push(`caught ${(error as Error).message} at ${kernel.nowNs}`);
        }
      })(),
      "caller",
    );
    kernel.runUntilIdle();
    expect(log).toEqual(["caught machine failure at 7"]);
    expect(failing.resumes).toBe(2);
  });

  it("machines run as children of all(), mixed with generators, and as processes of their own", () => {
    const kernel = new Kernel("1");
    let joined: string[] | undefined;
    kernel.spawn(
      (function* (): Coroutine {
        joined = yield* all<string>([new SleepThenReturn(30, "slow"), generatorLeaf(kernel, 20), new SleepThenReturn(10, "fast")]);
      })(),
      "joiner",
    );
    let alone: string | undefined;
    kernel.spawn(new SleepThenReturn(3, "alone"), "machine", (value) => (alone = `${value}@${kernel.nowNs}`));
    kernel.runUntilIdle();
    expect(joined).toEqual(["slow", "leaf@20", "fast"]);
    expect(alone).toBe("alone@3");
  });

  it("a failing child of an all() step fails the step, as a generator child does", () => {
    const kernel = new Kernel("1");
    let caught: unknown;
    kernel.spawn(
      (function* (): Coroutine {
        try {
          yield allStep([new SleepThenReturn(5, "ok"), new SleepThenReturn(2, "never", "child failure")]);
        } catch (error) {
          caught = error;
        }
      })(),
      "joiner",
    );
    kernel.runUntilIdle();
    expect(String(caught)).toMatch(/child failure/);
  });
});
