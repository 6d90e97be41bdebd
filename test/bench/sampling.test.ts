import { describe, expect, it } from "vitest";
import { medianBy } from "../../bench/sampling.js";

describe("medianBy", () => {
  it("returns the run whose key is the median, whatever the order", () => {
    const runs = [{ wallMs: 30, id: "slow" }, { wallMs: 10, id: "fast" }, { wallMs: 20, id: "middle" }];
    expect(medianBy(runs, (run) => run.wallMs).id).toBe("middle");
    expect(medianBy([...runs].reverse(), (run) => run.wallMs).id).toBe("middle");
    expect(medianBy([runs[0]!], (run) => run.wallMs).id).toBe("slow");
    // The list given is left as it was.
    expect(runs.map((run) => run.id)).toEqual(["slow", "fast", "middle"]);
  });

  it("refuses an even number of items, whose median is none of them", () => {
    expect(() => medianBy([1, 2], (x) => x)).toThrow(/odd number/);
    expect(() => medianBy([], (x: number) => x)).toThrow(/odd number/);
  });
});
