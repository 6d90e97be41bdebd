import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ScriptOp } from "../../../scenarios/model.js";
import { formatScriptOp, parseScriptOp } from "../../../scenarios/schema/script-ops.js";
import { UnitError } from "../../../scenarios/schema/units.js";

const ops: fc.Arbitrary<ScriptOp> = fc.oneof(
  fc.record({ kind: fc.constantFrom("read" as const, "write" as const), offsetBytes: fc.nat(2 ** 40), lengthBytes: fc.integer({ min: 1, max: 2 ** 30 }) }),
  fc.constant({ kind: "flush" as const }),
  fc.record({ kind: fc.constant("session" as const), action: fc.constantFrom("start" as const, "stop" as const, "replace" as const, "rollback" as const), slot: fc.integer({ min: 0, max: 7 }) }),
);

describe("script operations", () => {
  it("read back as written: parse(format(op)) = op", () => {
    fc.assert(
      fc.property(ops, (op) => {
        expect(parseScriptOp(formatScriptOp(op))).toEqual(op);
      }),
    );
  });

  it("take sizes with units and spaces around", () => {
    expect(parseScriptOp("  write 256KiB   4k ")).toEqual({ kind: "write", offsetBytes: 262144, lengthBytes: 4096 });
    expect(parseScriptOp("replace 7")).toEqual({ kind: "session", action: "replace", slot: 7 });
    expect(formatScriptOp({ kind: "write", offsetBytes: 1536, lengthBytes: 512 })).toBe("write 1536 512");
  });

  it.each([
    ["write 4k", '"write" takes 2 arguments, found 1'],
    ["flush now", '"flush" takes no arguments, found 1'],
    ["stop", '"stop" takes one argument, found 0'],
    ["start -1", '"start" needs a session slot'],
    ["start 8", '"start" needs a session slot'],
    ["read 4q 4k", "read's offset: unknown size unit \"q\""],
    ["write 0 0", "write's length is zero"],
    ["strat 1", 'unknown script operation "strat" (did you mean "start"?)'],
    ["trim 0 4k", 'unknown script operation "trim"'],
  ])("refuse %j: %s", (text, problem) => {
    let caught: unknown;
    try {
      parseScriptOp(text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UnitError);
    expect((caught as UnitError).problem).toBe(problem);
    expect((caught as UnitError).found).toBe(JSON.stringify(text));
  });

  it("refuse what is not a string", () => {
    expect(() => parseScriptOp({ write: 0 })).toThrow(UnitError);
  });
});
