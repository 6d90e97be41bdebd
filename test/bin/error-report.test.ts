import { describe, expect, it } from "vitest";
import { describeError, isBadInput } from "../../bin/error-report.js";
import { BadValueError } from "../../io/bad-value-error.js";
import { ScenarioError } from "../../scenarios/schema/load.js";
import { parseRandomDistribution } from "../../sim/rng/fio-random-distribution.js";
import { SimulationError } from "../../sim/errors.js";

/** The error a value out of range makes, as thrown by the code that judges it. */
function thrownBy(act: () => unknown): unknown {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

describe("which failures are the user's to fix (exit 2) and which are the program's (exit 1, with the stack)", () => {
  it("takes a value the project's code refused as bad input, also when the run failed on it", () => {
    const refused = thrownBy(() => parseRandomDistribution("zipf:-1"));
    expect(refused).toBeInstanceOf(BadValueError);
    expect(isBadInput(refused)).toBe(true);
    const failedRun = new SimulationError(5, "7", "job a", refused);
    expect(isBadInput(failedRun)).toBe(true);
    // The cause's own message and the seed, not the wrapper's stack.
    expect(describeError(failedRun)).toBe(`${(refused as Error).message} (seed 7)`);
  });

  it("keeps RangeError's name in messages, as before the class existed", () => {
    expect(String(new BadValueError("x"))).toBe("RangeError: x");
  });

  it("does not take V8's own RangeErrors, or the project's checks of its own calls, as bad input", () => {
    const overflow = thrownBy(() => {
      const recurse = (n: number): number => recurse(n + 1) + 1;
      return recurse(0);
    });
    expect(overflow).toBeInstanceOf(RangeError);
    expect(isBadInput(overflow)).toBe(false);
    expect(isBadInput(thrownBy(() => new Array(-1)))).toBe(false);
    expect(isBadInput(new SimulationError(5, "7", "job a", new RangeError("IntegerMap keys are non-negative safe integers, got -1")))).toBe(false);
    expect(isBadInput(new ScenarioError([]))).toBe(true);
  });
});
