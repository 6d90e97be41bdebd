import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Uint32Stack } from "../../io/uint32-stack.js";

describe("Uint32Stack", () => {
  it("pops what a plain array would, through growth, clears and the full u32 range", () => {
    // Mostly pushes, so the stack grows through several doublings before pops and the odd clear take it down.
    const command = fc.oneof(
      { arbitrary: fc.record({ push: fc.integer({ min: 0, max: 2 ** 32 - 1 }) }), weight: 12 },
      { arbitrary: fc.constant("pop" as const), weight: 4 },
      { arbitrary: fc.constant("clear" as const), weight: 1 },
    );
    fc.assert(
      fc.property(fc.array(command, { maxLength: 400, size: "max" }), (commands) => {
        const stack = new Uint32Stack();
        const model: number[] = [];
        for (const c of commands) {
          if (c === "pop") expect(stack.pop()).toBe(model.pop());
          else if (c === "clear") {
            stack.clear();
            model.length = 0;
          } else {
            stack.push(c.push);
            model.push(c.push);
          }
          expect(stack.size).toBe(model.length);
        }
      }),
    );
  });
});
