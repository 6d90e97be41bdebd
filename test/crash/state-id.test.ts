import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { StateIdError, formatStateId, parseStateId, type CrashStateSpec } from "../../scenarios/crash/state-id.js";

const ids = fc.uniqueArray(fc.nat(5000), { maxLength: 6 }).map((list) => [...list].sort((a, b) => a - b));
const states: fc.Arbitrary<CrashStateSpec> = fc.record({ point: fc.nat(100000), source: ids, cache: ids }).chain((state) => {
  const survivors = [...state.source.map((id) => ["source", id] as const), ...state.cache.map((id) => ["cache", id] as const)];
  if (survivors.length === 0) return fc.constant(state);
  return fc.option(fc.tuple(fc.constantFrom(...survivors), fc.nat(64), fc.nat(64)), { nil: undefined }).map((tear) =>
    tear === undefined ? state : { ...state, tear: { device: tear[0][0], writeId: tear[0][1], firstKept: Math.min(tear[1], tear[2]), lastKept: Math.max(tear[1], tear[2]) } },
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
    expect(parseStateId("p57.s3,5.c12,14.tc14:0-3")).toEqual({ point: 57, source: [3, 5], cache: [12, 14], tear: { device: "cache", writeId: 14, firstKept: 0, lastKept: 3 } });
    expect(formatStateId({ point: 9, source: [], cache: [] })).toBe("p9");
  });

  it.each([
    ["57", "not a crash state id"],
    ["p57.x3", "not a crash state id"],
    ["p57.c12.tc13:0-1", "the torn write 13 is not among the surviving cache writes"],
    ["p57.s1.ts1:4-2", "the torn range ends before it starts"],
  ])("refuse %s with the reason and the expected form", (id, why) => {
    expect(() => parseStateId(id)).toThrow(StateIdError);
    expect(() => parseStateId(id)).toThrow(why);
    expect(() => parseStateId(id)).toThrow("p<point>[.s<ids>]");
  });
});

describe("crash state ids that list a write twice", () => {
  it("are refused, naming the write", () => {
    expect(() => parseStateId("p50.s7,7")).toThrow(/source write 7 is listed twice/);
    expect(() => parseStateId("p50.s1.c3,4,3")).toThrow(/cache write 3 is listed twice/);
  });
});
