import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { SweepError } from "../../../reports/sweep/errors.js";
import { parseVary, parseVaryList, pointCount, sweepPoints } from "../../../reports/sweep/points.js";
import { inShard, parseShard, selectShard } from "../../../reports/sweep/shard.js";

describe("--vary", () => {
  it("parses a path and its values, as --set would", () => {
    expect(parseVary("engine.chunkSize=16KiB,64KiB,256KiB")).toEqual({ path: "engine.chunkSize", values: ["16KiB", "64KiB", "256KiB"] });
    expect(parseVary("workloads[0].iodepth=1, 8 ,32")).toEqual({ path: "workloads[0].iodepth", values: ["1", "8", "32"] });
  });

  it("keeps commas inside YAML flow values and quotes", () => {
    expect(parseVary("sessions[0]={afterHostIos: 100, action: start, slot: 0},{atNs: 5, action: start, slot: 1}").values).toEqual([
      "{afterHostIos: 100, action: start, slot: 0}",
      "{atNs: 5, action: start, slot: 1}",
    ]);
    expect(parseVary('description="a, b",c').values).toEqual(['"a, b"', "c"]);
    expect(parseVary("x=[1, 2],[3]").values).toEqual(["[1, 2]", "[3]"]);
  });

  it("refuses malformed arguments with a message that says what was expected", () => {
    expect(() => parseVary("engine.chunkSize")).toThrow(SweepError);
    expect(() => parseVary("engine.chunkSize")).toThrow(/missing "=".*expected path=v1,v2/);
    expect(() => parseVary("engine.chunkSize=16KiB,,64KiB")).toThrow(/an empty value/);
    expect(() => parseVary("engine.chunkSize=16KiB,16KiB")).toThrow(/given twice/);
    expect(() => parseVaryList([])).toThrow(/at least one --vary/);
    expect(() => parseVaryList(["a=1,2", "a=3"])).toThrow(/a is given twice/);
  });
});

describe("sweep points", () => {
  const axes = parseVaryList(["engine.chunkSize=16KiB,64KiB,256KiB", "engine.regionSize=4KiB,64KiB"]);

  it("are the cartesian product, first --vary slowest, with stable ids", () => {
    const points = sweepPoints(axes);
    expect(points.map((p) => p.values)).toEqual([
      ["16KiB", "4KiB"],
      ["16KiB", "64KiB"],
      ["64KiB", "4KiB"],
      ["64KiB", "64KiB"],
      ["256KiB", "4KiB"],
      ["256KiB", "64KiB"],
    ]);
    expect(points.map((p) => p.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(points[3]).toEqual({ index: 3, id: "3_64KiB_64KiB", values: ["64KiB", "64KiB"], overrides: ["engine.chunkSize=64KiB", "engine.regionSize=64KiB"] });
  });

  it("pad the index in ids so they sort like the points, and slug odd characters", () => {
    const points = sweepPoints(parseVaryList(["a=1,2,3,4,5,6,7,8,9,10,11", "b={x: 1}"]));
    expect(points[0]!.id).toBe("00_1_x-1");
    expect(points[10]!.id).toBe("10_11_x-1");
    expect([...points.map((p) => p.id)].sort()).toEqual(points.map((p) => p.id));
  });

  it("cover every combination exactly once, for any axes", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }), (sizes) => {
        const list = sizes.map((size, axis) => `k${axis}=${Array.from({ length: size }, (_, v) => `v${v}`).join(",")}`);
        const points = sweepPoints(parseVaryList(list));
        expect(points.length).toBe(pointCount(parseVaryList(list)));
        expect(new Set(points.map((p) => p.values.join("|"))).size).toBe(points.length);
        expect(new Set(points.map((p) => p.id)).size).toBe(points.length);
      }),
    );
  });
});

describe("--shard", () => {
  it("parses i/n and refuses anything else with a clear message", () => {
    expect(parseShard("1/2")).toEqual({ index: 1, count: 2 });
    expect(parseShard(" 3 / 3 ")).toEqual({ index: 3, count: 3 });
    expect(() => parseShard("0/2")).toThrow(/from 1 to 2 \(shards are numbered from 1\)/);
    expect(() => parseShard("3/2")).toThrow(/from 1 to 2/);
    expect(() => parseShard("1/0")).toThrow(/at least 1/);
    expect(() => parseShard("half")).toThrow(/expected i\/n/);
    expect(() => parseShard("1.5/2")).toThrow(SweepError);
  });

  it("takes every n-th point from i-1, so shards split the sweep exactly", () => {
    const points = sweepPoints(parseVaryList(["a=1,2,3", "b=1,2,3"]));
    expect(selectShard(points, { index: 1, count: 2 }).map((p) => p.index)).toEqual([0, 2, 4, 6, 8]);
    expect(selectShard(points, { index: 2, count: 2 }).map((p) => p.index)).toEqual([1, 3, 5, 7]);
    expect(selectShard(points, undefined)).toHaveLength(9);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 8 }), (count, shards) => {
        for (let index = 0; index < count; index++) {
          const owners = Array.from({ length: shards }, (_, i) => i + 1).filter((i) => inShard(index, { index: i, count: shards }));
          expect(owners).toHaveLength(1);
        }
      }),
    );
  });
});
