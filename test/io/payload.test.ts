import { describe, expect, it } from "vitest";
import { Payload } from "../../io/payload.js";

describe("Payload.copyTo", () => {
  it("writes what toBytes gives at the offset, over whatever the buffer held, and nothing else", () => {
    const payload = new Payload([
      ...Payload.bytes(new Uint8Array([1, 2, 3, 4])).segments,
      ...Payload.zero(5).segments,
      ...Payload.stamp(77, 6, 3).segments,
      ...Payload.handedOver(new Uint8Array([9, 8])).segments,
    ]);
    const out = new Uint8Array(3 + payload.lengthBytes + 2).fill(0xff);
    expect(payload.copyTo(out, 3)).toBe(out);
    expect([...out.subarray(3, 3 + payload.lengthBytes)]).toEqual([...payload.toBytes()]);
    expect([...out.subarray(0, 3), ...out.subarray(3 + payload.lengthBytes)]).toEqual([0xff, 0xff, 0xff, 0xff, 0xff]);
    // The zero run is written, not left as the buffer held it.
    expect([...out.subarray(7, 12)]).toEqual([0, 0, 0, 0, 0]);
  });
});
