import { describe, expect, it } from "vitest";
import { Kernel } from "../../../sim/kernel.js";
import { Rng } from "../../../sim/rng/streams.js";
import { exponential } from "../../../sim/rng/distributions.js";
import { ExponentialModel, type ExponentialOptions } from "../../../sim/devices/models/exponential.js";
import { Recorder, flush, mean, read } from "./helpers.js";

/** Service times of `count` requests queued at time 0 on one server: the gaps between completions. */
function serviceTimes(options: ExponentialOptions, count: number, seed = 1): number[] {
  const kernel = new Kernel("exp");
  const model = new ExponentialModel(kernel, { ...options, parallelism: 1 }, Rng.root(seed).stream("device"));
  const recorder = new Recorder(kernel, model);
  for (let i = 0; i < count; i++) recorder.submit(read(0, 4096));
  kernel.runUntilIdle();
  const times = recorder.completions.map((c) => c.completedNs);
  return times.map((t, i) => t - (i === 0 ? 0 : (times[i - 1] as number)));
}

/** Mean response time (completion - arrival) under Poisson arrivals. */
function meanResponseNs(options: ExponentialOptions, arrivalsPerNs: number, count: number): number {
  const kernel = new Kernel("exp");
  const model = new ExponentialModel(kernel, options, Rng.root(2).stream("device"));
  const recorder = new Recorder(kernel, model);
  const arrivals = Rng.root(2).stream("arrivals");
  let atNs = 0;
  for (let i = 0; i < count; i++) {
    atNs += exponential(arrivals, 1 / arrivalsPerNs);
    recorder.submitAt(Math.round(atNs), read(0, 4096));
  }
  kernel.runUntilIdle();
  return mean(recorder.completions.map((c) => c.completedNs - c.submittedNs));
}

describe("ExponentialModel", () => {
  it("draws service times with the configured mean and an exponential spread", () => {
    const services = serviceTimes({ meanServiceNs: 100_000 }, 20_000);
    expect(services.every((s) => Number.isInteger(s) && s >= 0)).toBe(true);
    // Standard error of the mean is 0.7 % at n = 20 000: 3 % is over four of them.
    const average = mean(services);
    expect(Math.abs(average / 100_000 - 1)).toBeLessThan(0.03);
    // An exponential has standard deviation = mean (a constant service would have 0).
    const sd = Math.sqrt(mean(services.map((s) => (s - average) ** 2)));
    expect(Math.abs(sd / 100_000 - 1)).toBeLessThan(0.05);
    // And P(S > mean) = 1/e.
    expect(Math.abs(services.filter((s) => s > 100_000).length / services.length - Math.exp(-1))).toBeLessThan(0.015);
  });

  it("adds minServiceNs to every draw", () => {
    const services = serviceTimes({ meanServiceNs: 50_000, minServiceNs: 200_000 }, 20_000);
    expect(Math.min(...services)).toBeGreaterThanOrEqual(200_000);
    // The floor is tight: some draws land just above it.
    expect(Math.min(...services)).toBeLessThan(200_000 + 500);
    expect(Math.abs(mean(services) / 250_000 - 1)).toBeLessThan(0.01);
  });

  it("behaves as M/M/1 with one server: mean response = service / (1 - load)", () => {
    const response = meanResponseNs({ meanServiceNs: 10_000 }, 0.5 / 10_000, 40_000);
    expect(Math.abs(response / 20_000 - 1)).toBeLessThan(0.06);
  });

  it("behaves as M/M/2 with two servers (Erlang C: 4/3 of the service time at load 0.5)", () => {
    const response = meanResponseNs({ meanServiceNs: 10_000, parallelism: 2 }, 1 / 10_000, 40_000);
    expect(Math.abs(response / ((4 / 3) * 10_000) - 1)).toBeLessThan(0.06);
  });

  it("is reproducible from its stream and differs across streams", () => {
    expect(serviceTimes({ meanServiceNs: 1000 }, 50, 9)).toEqual(serviceTimes({ meanServiceNs: 1000 }, 50, 9));
    expect(serviceTimes({ meanServiceNs: 1000 }, 50, 9)).not.toEqual(serviceTimes({ meanServiceNs: 1000 }, 50, 10));
  });

  it("holds a server for exactly flushNs on a flush", () => {
    const kernel = new Kernel("exp");
    const model = new ExponentialModel(kernel, { meanServiceNs: 1000, flushNs: 777 }, Rng.root(1).stream("d"));
    const recorder = new Recorder(kernel, model);
    recorder.submit(flush);
    kernel.runUntilIdle();
    expect(recorder.completedNs(0)).toBe(777);
    expect(model.description).toBe("exponential mean 1us x1");
  });

  it("rejects bad options and a missing stream", () => {
    const kernel = new Kernel("exp");
    const rng = Rng.root(1);
    expect(() => new ExponentialModel(kernel, { meanServiceNs: 1000 })).toThrow(/Rng stream/);
    expect(() => new ExponentialModel(kernel, { meanServiceNs: 0 }, rng)).toThrow(/meanServiceNs/);
    expect(() => new ExponentialModel(kernel, { meanServiceNs: 1000, minServiceNs: -1 }, rng)).toThrow(/minServiceNs/);
    expect(() => new ExponentialModel(kernel, { meanServiceNs: 1000, parallelism: 0 }, rng)).toThrow(/parallelism/);
    expect(() => new ExponentialModel(kernel, { meanServiceNs: 1000, flushNs: 0.5 }, rng)).toThrow(/flushNs/);
  });
});
