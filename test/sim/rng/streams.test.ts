import { describe, expect, it } from "vitest";
import { exponential } from "../../../sim/rng/distributions.js";
import { makeOffsetDistribution } from "../../../sim/rng/offset-distribution.js";
import { Rng } from "../../../sim/rng/streams.js";

function draws(rng: Rng, count: number): number[] {
  return Array.from({ length: count }, () => rng.next());
}

describe("Rng streams", () => {
  it("repeat the same sequence for the same seed", () => {
    expect(draws(Rng.root(42), 50)).toEqual(draws(Rng.root(42), 50));
    expect(draws(Rng.root("42").stream("disk0"), 50)).toEqual(draws(Rng.root(42).stream("disk0"), 50));
  });

  it("give a different sequence for a different seed or stream name", () => {
    const base = draws(Rng.root(42), 20);
    expect(draws(Rng.root(43), 20)).not.toEqual(base);
    expect(draws(Rng.root(42).stream("a"), 20)).not.toEqual(draws(Rng.root(42).stream("b"), 20));
  });

  it("clone and continue identically from the point of cloning", () => {
    const rng = Rng.root(7).stream("workload/job1");
    draws(rng, 13);
    const copy = rng.clone();
    expect(draws(copy, 100)).toEqual(draws(rng, 100));
    expect(copy.path).toBe("workload/job1");
  });

  it("keep stream b's numbers when stream a draws more (raw draws and distributions)", () => {
    const quiet = Rng.root(99);
    const busy = Rng.root(99);
    const busyA = busy.stream("a");
    const quietA = quiet.stream("a");
    draws(quietA, 3);
    draws(busyA, 1000); // extra draws in a...
    const zipf = makeOffsetDistribution({ kind: "zipf", theta: 1.2 }, 2 ** 32);
    for (let i = 0; i < 100; i++) zipf.sample(busyA);
    // ...leave b untouched, whether b is derived before or after them.
    const quietB = quiet.stream("b");
    const busyB = busy.stream("b");
    expect(draws(busyB, 20)).toEqual(draws(quietB, 20));
    const latenciesBusy = Array.from({ length: 20 }, () => exponential(busyB, 1000));
    const latenciesQuiet = Array.from({ length: 20 }, () => exponential(quietB, 1000));
    expect(latenciesBusy).toEqual(latenciesQuiet);
  });
});
