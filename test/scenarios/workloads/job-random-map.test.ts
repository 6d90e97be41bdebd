import { describe, expect, it } from "vitest";
import { JobRandomMap } from "../../../scenarios/workloads/job-random-map.js";
import { Rng } from "../../../sim/rng/streams.js";

function pass(map: JobRandomMap, rng: Rng): number[] {
  const items: number[] = [];
  for (let i = 0; i < map.itemCount; i++) items.push(map.next(rng));
  return items;
}

describe("JobRandomMap (fio's random map without a bitmap)", () => {
  it.each([1, 2, 3, 5, 64, 1000, 4097, 65_537])("hands out each of %i items exactly once per pass", (itemCount) => {
    const map = new JobRandomMap(itemCount);
    const rng = Rng.root("map").stream("test");
    for (let p = 1; p <= 2; p++) {
      const items = pass(map, rng);
      expect(map.passes).toBe(p);
      expect(new Set(items).size).toBe(itemCount);
      expect(Math.min(...items)).toBe(0);
      expect(Math.max(...items)).toBe(itemCount - 1);
    }
  });

  it("orders each pass differently and not in sequence", () => {
    const map = new JobRandomMap(10_000);
    const rng = Rng.root("map").stream("order");
    const first = pass(map, rng);
    const second = pass(map, rng);
    expect(second).not.toEqual(first);
    // A shuffled order has about n/2 ascents, never a run of sorted items.
    const ascents = first.slice(1).filter((item, i) => item > (first[i] as number)).length;
    expect(ascents).toBeGreaterThan(4_500);
    expect(ascents).toBeLessThan(5_500);
    // The first tenth of a pass is spread over the whole range, not a corner of it.
    const early = first.slice(0, 1000);
    expect(early.filter((item) => item < 5000).length).toBeGreaterThan(400);
    expect(early.filter((item) => item < 5000).length).toBeLessThan(600);
  });

  it("is deterministic for a stream and differs between streams", () => {
    const a = pass(new JobRandomMap(500), Rng.root("s").stream("x"));
    const b = pass(new JobRandomMap(500), Rng.root("s").stream("x"));
    const c = pass(new JobRandomMap(500), Rng.root("s").stream("y"));
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it("stays exact and in range for a 16 TiB volume in 512-byte blocks (2^35 items)", () => {
    const map = new JobRandomMap(2 ** 35);
    const rng = Rng.root("map").stream("large");
    const items = Array.from({ length: 5000 }, () => map.next(rng));
    for (const item of items) {
      expect(Number.isSafeInteger(item)).toBe(true);
      expect(item).toBeGreaterThanOrEqual(0);
      expect(item).toBeLessThan(2 ** 35);
    }
    expect(new Set(items).size).toBe(5000);
    // Spread over the range: about half in the lower half.
    expect(items.filter((item) => item < 2 ** 34).length / 5000).toBeCloseTo(0.5, 1);
  });

  it("rejects item counts it cannot permute exactly", () => {
    expect(() => new JobRandomMap(0)).toThrow(RangeError);
    expect(() => new JobRandomMap(1.5)).toThrow(RangeError);
    expect(() => new JobRandomMap(2 ** 52 + 1)).toThrow(RangeError);
    expect(new JobRandomMap(2 ** 52).itemCount).toBe(2 ** 52);
  });
});
