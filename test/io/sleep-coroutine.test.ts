import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Kernel } from "../../sim/kernel.js";
import { all, callStep, sleep, type Coroutine, type Step } from "../../io/coroutine.js";

/** The generator sleep() used to be: the oracle for the iterator protocol of what it returns now. */
function* generatorSleep(durationNs: number): Coroutine {
  yield { kind: "sleep", durationNs };
}

type Call = { readonly method: "next" } | { readonly method: "return"; readonly value: unknown } | { readonly method: "throw"; readonly error: string };

/** What a call answered, as plain data: the step's fields rather than the step object, or what it threw. */
function observe(coroutine: Coroutine, call: Call): unknown {
  try {
    const result =
      call.method === "next" ? coroutine.next() : call.method === "return" ? coroutine.return(call.value as void) : coroutine.throw(new Error(call.error));
    const value = result.value as Step | undefined;
    const shown = typeof value === "object" && value !== null && "kind" in value ? { kind: value.kind, durationNs: "durationNs" in value ? value.durationNs : undefined } : value;
    return { done: result.done, value: shown };
  } catch (error) {
    return { threw: (error as Error).message };
  }
}

describe("sleep()", () => {
  it("answers any sequence of next, return and throw as a generator function's sleep does", () => {
    const call = fc.oneof(
      fc.constant<Call>({ method: "next" }),
      fc.integer().map<Call>((value) => ({ method: "return", value })),
      fc.string({ maxLength: 3 }).map<Call>((error) => ({ method: "throw", error })),
    );
    fc.assert(
      fc.property(fc.nat(1000), fc.array(call, { maxLength: 6 }), (durationNs, calls) => {
        const ours = sleep(durationNs);
        const oracle = generatorSleep(durationNs);
        expect(calls.map((c) => observe(ours, c))).toEqual(calls.map((c) => observe(oracle, c)));
      }),
      { numRuns: 500 },
    );
  });

  it("resumes at its time through yield*, as a call step, as a child of all() and as a process of its own", () => {
    const kernel = new Kernel("1");
    const seen: Array<[string, number]> = [];
    kernel.spawn(
      (function* (): Coroutine {
        yield* sleep(10);
        seen.push(["yield*", kernel.nowNs]);
        yield callStep(sleep(5));
        seen.push(["call", kernel.nowNs]);
        const results = yield* all([sleep(7), sleep(3)]);
        seen.push([`all ${results.length}`, kernel.nowNs]);
      })(),
      "parent",
    );
    kernel.spawn(sleep(12), "alone", () => seen.push(["process", kernel.nowNs]));
    kernel.runUntilIdle();
    expect(seen).toEqual([
      ["yield*", 10],
      ["process", 12],
      ["call", 15],
      ["all 2", 22],
    ]);
  });

  it("the same sleep object is never handed out twice: each call of sleep() is a new step", () => {
    expect(sleep(5)).not.toBe(sleep(5));
  });
});
