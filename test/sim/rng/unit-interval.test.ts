import { describe, expect, it } from "vitest";
import { Rng } from "../../../sim/rng/streams.js";
import { openUnit53, unit53 } from "../../../sim/rng/unit-interval.js";
import { mean } from "./stats.js";

describe("53-bit uniforms", () => {
  it("carry bits below 2^-32 (a plain 32-bit draw would not)", () => {
    const rng = Rng.root(23);
    const values = Array.from({ length: 1000 }, () => unit53(rng));
    expect(values.every((u) => u >= 0 && u < 1)).toBe(true);
    expect(values.filter((u) => (u * 2 ** 32) % 1 !== 0).length).toBeGreaterThan(990);
    expect(Math.abs(mean(values) - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / 1000));
  });

  it("openUnit53 stays strictly inside (0, 1)", () => {
    const rng = Rng.root(24);
    for (let i = 0; i < 1000; i++) {
      const u = openUnit53(rng);
      expect(u > 0 && u < 1).toBe(true);
    }
  });
});
