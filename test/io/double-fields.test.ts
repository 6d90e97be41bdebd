import { describe, expect, it } from "vitest";
import { withDoubleFields } from "../../io/double-fields.js";

describe("withDoubleFields", () => {
  it("keeps every value and the object's fields as they were, and returns the object", () => {
    const object = { bytes: 0, count: 7, name: "x", big: 2 ** 40 };
    const returned = withDoubleFields(object, ["bytes", "count", "big"]);
    expect(returned).toBe(object);
    expect(object).toEqual({ bytes: 0, count: 7, name: "x", big: 2 ** 40 });
    expect(Object.is(object.bytes, 0)).toBe(true);
    expect(Object.keys(object)).toEqual(["bytes", "count", "name", "big"]);
  });

  it("refuses a name that is not a number field, rather than add a field", () => {
    const object = { bytes: 0, name: "x" };
    expect(() => withDoubleFields(object, ["byte"])).toThrow(/byte is not a number field/);
    expect(() => withDoubleFields(object, ["name"])).toThrow(/name is not a number field/);
    expect(Object.keys(object)).toEqual(["bytes", "name"]);
  });
});
