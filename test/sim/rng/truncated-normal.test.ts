import { describe, expect, it } from "vitest";
import { truncatedNormal } from "../../../sim/rng/distributions.js";
import { Rng } from "../../../sim/rng/streams.js";
import { mean } from "./stats.js";

const PHI = (z: number): number => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);

function draw(seed: string, count: number, mu: number, sigma: number, min: number, max: number): Float64Array {
  const rng = Rng.root(seed).stream("truncated");
  return Float64Array.from({ length: count }, () => truncatedNormal(rng, mu, sigma, min, max));
}

describe("truncatedNormal", () => {
  it("stays in bounds and has the truncated mean for an asymmetric interval", () => {
    // Standard normal cut to [-1, 2]: mean = (phi(-1) - phi(2)) / (Phi(2) - Phi(-1)), Phi from R's pnorm.
    const mass = 0.9772498680518208 - 0.15865525393145707;
    const expectedZ = (PHI(-1) - PHI(2)) / mass;
    const values = draw("asym", 100_000, 50, 10, 40, 70);
    expect(values.every((v) => v >= 40 && v <= 70)).toBe(true);
    // The truncated sd is below 10; 4 * 10 / sqrt(n) is a safe bound.
    expect(Math.abs(mean(values) - (50 + 10 * expectedZ))).toBeLessThan((4 * 10) / Math.sqrt(values.length));
    expect(Math.min(...values)).toBeLessThan(40.05);
    expect(Math.max(...values)).toBeGreaterThan(69.9);
  });

  it("gives the half-normal mean sqrt(2/pi) for [mean, +Infinity)", () => {
    const values = draw("half", 100_000, 0, 1, 0, Number.POSITIVE_INFINITY);
    expect(values.every((v) => v >= 0)).toBe(true);
    expect(Math.abs(mean(values) - Math.sqrt(2 / Math.PI))).toBeLessThan(4 / Math.sqrt(values.length));
  });

  it("samples an interval 5 to 6 standard deviations out in either tail", () => {
    // E[Z | 5 <= Z <= 6] = (phi(5) - phi(6)) / (Q(5) - Q(6)), Q from R's pnorm(lower = FALSE).
    const tailMass = 2.866515718791939e-7 - 9.865876450376946e-10;
    const expected = (PHI(5) - PHI(6)) / tailMass; // about 5.1831
    const upper = draw("upper-tail", 20_000, 0, 1, 5, 6);
    expect(upper.every((v) => v >= 5 && v <= 6)).toBe(true);
    // The conditional sd is about 0.18.
    expect(Math.abs(mean(upper) - expected)).toBeLessThan((4 * 0.2) / Math.sqrt(upper.length));
    const lower = draw("lower-tail", 20_000, 0, 1, -6, -5);
    expect(lower.every((v) => v >= -6 && v <= -5)).toBe(true);
    expect(Math.abs(mean(lower) + expected)).toBeLessThan((4 * 0.2) / Math.sqrt(lower.length));
  });

  it("samples 9 to 10 standard deviations out, where 1 - CDF is below double precision", () => {
    // E[Z | Z > 9] = phi(9) / Q(9) = 9 / (1 - 1/81 + 3/9^4 - 15/9^6 + ...) ~ 9.1085 (the cut at 10 is negligible).
    const expected = 9 / (1 - 1 / 81 + 3 / 9 ** 4 - 15 / 9 ** 6 + 105 / 9 ** 8);
    const upper = draw("far-upper", 20_000, 100, 10, 190, 200);
    expect(upper.every((v) => v >= 190 && v <= 200)).toBe(true);
    expect(Math.abs(mean(upper) - (100 + 10 * expected))).toBeLessThan(0.05);
    const lower = draw("far-lower", 20_000, 100, 10, 0, 10);
    expect(Math.abs(mean(lower) - (100 - 10 * expected))).toBeLessThan(0.05);
  });

  it("never leaves [min, max], even for a very narrow or absurdly far interval", () => {
    const narrow = draw("narrow", 10_000, 0, 1, 0.3, 0.3000001);
    expect(narrow.every((v) => v >= 0.3 && v <= 0.3000001)).toBe(true);
    const far = draw("far", 100, 0, 1, 40, 41);
    expect(far.every((v) => v >= 40 && v <= 41)).toBe(true);
    expect(truncatedNormal(Rng.root(1), 0, 1, 7, 7)).toBe(7);
    expect(truncatedNormal(Rng.root(1), 10, 0, 0, 5)).toBe(5);
  });

  it("rejects reversed bounds, NaN bounds and a negative stddev", () => {
    const rng = Rng.root(1);
    expect(() => truncatedNormal(rng, 0, 1, 2, 1)).toThrow(/truncatedNormal: max must be >= min \(2\), got 1/);
    expect(() => truncatedNormal(rng, 0, 1, Number.NaN, 1)).toThrow(/min/);
    expect(() => truncatedNormal(rng, 0, -1, 0, 1)).toThrow(/stddev/);
    expect(() => truncatedNormal(rng, 0, 1, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY)).toThrow(/min/);
  });
});
