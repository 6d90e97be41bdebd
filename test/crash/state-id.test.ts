import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { StateIdError, formatStateId, parseStateId, type CrashStateSpec } from "../../scenarios/crash/state-id.js";

const ids = fc.uniqueArray(fc.nat(5000), { minLength: 1, maxLength: 6 }).map((list) => [...list].sort((a, b) => a - b));
/** Plain devices' lists (s, c) and stripe members' (s0/, c1/, c12/...): a state lists only disks that kept a write. */
const lists = fc.record({ s: ids, c: ids, "s0/": ids, "s1/": ids, "c0/": ids, "c1/": ids, "c12/": ids }, { requiredKeys: [] });
const states: fc.Arbitrary<CrashStateSpec> = fc.record({ point: fc.nat(100000), surviving: lists }).chain((state) => {
  const survivors = Object.entries(state.surviving).flatMap(([disk, list]) => list.map((id) => [disk, id] as const));
  if (survivors.length === 0) return fc.constant(state);
  return fc.option(fc.tuple(fc.constantFrom(...survivors), fc.nat(64), fc.nat(64)), { nil: undefined }).map((tear) =>
    tear === undefined ? state : { ...state, tear: { disk: tear[0][0], writeId: tear[0][1], firstKept: Math.min(tear[1], tear[2]), lastKept: Math.max(tear[1], tear[2]) } },
  );
});

describe("crash state ids", () => {
  it("say the whole state: parse(format(s)) = s", () => {
    fc.assert(
      fc.property(states, (state) => {
        expect(parseStateId(formatStateId(state))).toEqual(state);
      }),
    );
  });

  it("read as documented", () => {
    expect(parseStateId("p57.s3,5.c12,14.tc14:0-3")).toEqual({ point: 57, surviving: { s: [3, 5], c: [12, 14] }, tear: { disk: "c", writeId: 14, firstKept: 0, lastKept: 3 } });
    expect(formatStateId({ point: 9, surviving: {} })).toBe("p9");
    expect(formatStateId({ point: 9, surviving: { s: [], c: [] } })).toBe("p9");
  });

  it("list a striped LU's writes per member, the Source LU's first, members in order", () => {
    expect(parseStateId("p57.c0/12,14.c1/3.tc1/3:0-3")).toEqual({ point: 57, surviving: { "c0/": [12, 14], "c1/": [3] }, tear: { disk: "c1/", writeId: 3, firstKept: 0, lastKept: 3 } });
    expect(formatStateId({ point: 57, surviving: { "c10/": [1], "c1/": [4], "s2/": [7], "c0/": [] } })).toBe("p57.s2/7.c1/4.c10/1");
    expect(parseStateId("p3.s1/2.c1/2")).toEqual({ point: 3, surviving: { "s1/": [2], "c1/": [2] } });
  });

  it.each([
    ["57", "not a crash state id"],
    ["p57.x3", "not a crash state id"],
    ["p57.c12.tc13:0-1", "the torn write 13 is not among the surviving cache writes"],
    ["p57.s1.ts1:4-2", "the torn range ends before it starts"],
    ["p57.c0/1.tc1/1:0-1", "the torn write 1 is not among the surviving cache member 1 writes"],
    ["p57.c1/1.c0/2", "the cache member 0 writes are listed after the cache member 1 writes"],
    ["p57.c1.s2", "the source writes are listed after the cache writes"],
    ["p57.c0/1.c0/2", "the cache member 0 writes are listed twice"],
    ["p57.c/1", "not a crash state id"],
  ])("refuse %s with the reason and the expected form", (id, why) => {
    expect(() => parseStateId(id)).toThrow(StateIdError);
    expect(() => parseStateId(id)).toThrow(why);
    expect(() => parseStateId(id)).toThrow("p<point>[.s<ids>]");
    expect(() => parseStateId(id)).toThrow("s<n>/ or c<n>/");
  });
});

describe("crash state ids that list a write twice", () => {
  it("are refused, naming the write", () => {
    expect(() => parseStateId("p50.s7,7")).toThrow(/source write 7 is listed twice/);
    expect(() => parseStateId("p50.s1.c3,4,3")).toThrow(/cache write 3 is listed twice/);
    expect(() => parseStateId("p50.c1/3,3")).toThrow(/cache member 1 write 3 is listed twice/);
  });
});
