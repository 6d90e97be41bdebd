/**
 * The columns a trace's requests are read into: a trace of tens of millions
 * of requests must cost a few bytes each, whatever its values need.
 */
import { describe, expect, it } from "vitest";
import { BLOCK_ENTRIES, NumberColumn } from "../../../scenarios/traces/number-column.js";
import { TraceColumns } from "../../../scenarios/traces/trace-columns.js";
import { DisksimParser } from "../../../scenarios/traces/disksim.js";
import { parseText } from "../../../scenarios/traces/common.js";

describe("NumberColumn", () => {
  it("keeps values across block boundaries and widens, keeping what it held, when a value does not fit", () => {
    const column = new NumberColumn("u8");
    const count = BLOCK_ENTRIES + 5;
    for (let i = 0; i < count; i++) column.set(i, i % 251);
    expect(column.bytes).toBeLessThanOrEqual(2 * BLOCK_ENTRIES);
    column.set(count, 70_000);
    column.set(count + 1, 2 ** 40 + 0.5);
    expect(column.get(count)).toBe(70_000);
    expect(column.get(count + 1)).toBe(2 ** 40 + 0.5);
    expect(column.get(BLOCK_ENTRIES + 1)).toBe((BLOCK_ENTRIES + 1) % 251);
    expect(column.get(count - 1)).toBe((count - 1) % 251);
    column.truncate(3);
    expect(column.bytes).toBe(BLOCK_ENTRIES * 8);
    expect([column.get(0), column.get(1), column.get(2)]).toEqual([0, 1, 2]);
  });

  it("a small column holds a small block, not a whole one", () => {
    const column = new NumberColumn("f64");
    for (let i = 0; i < 10; i++) column.set(i, i);
    expect(column.bytes).toBeLessThanOrEqual(1024 * 8);
  });
});

describe("TraceColumns", () => {
  it("a DiskSim request costs 26 bytes: 8 each for time and offset, 4 each for length and line, 1 each for device and kind", () => {
    // Whole blocks, so that no block is partly empty; offsets past 4 GiB, as a real trace's are.
    const requests = BLOCK_ENTRIES;
    const lines: string[] = [];
    for (let i = 0; i < requests; i++) lines.push(`${i * 1000} 0 ${(i * 104_729) % 100_000_000} 8 ${i % 3 === 0 ? 1 : 0}`);
    const { columns } = parseText(new DisksimParser("big.trace"), lines.join("\n"));
    expect(columns.count).toBe(requests);
    expect(columns.offsetBytes.get(requests - 1)).toBeGreaterThan(2 ** 32);
    const bytes = [columns.timeNs, columns.offsetBytes, columns.lengthBytes, columns.line, columns.deviceIndex, columns.flags].reduce((sum, c) => sum + c.bytes, 0);
    expect(bytes).toBe(26 * requests);
    expect(columns.request(requests - 1)).toEqual({ timeNs: (requests - 1) * 1000, device: 0, kind: "read", offsetBytes: (((requests - 1) * 104_729) % 100_000_000) * 512, lengthBytes: 4096, line: requests });
  });

  it("retain keeps the chosen requests in order; reorder puts them in the order given; remaps and FUA survive both", () => {
    const columns = new TraceColumns();
    columns.push(30, 8, "write", 0, 512, 1);
    columns.push(10, 9, "write", 512, 512, 2, true, 8);
    columns.push(20, 8, "flush", 0, 0, 3);
    columns.push(5, 8, "read", 1024, 1024, 4);
    columns.retain((i) => columns.kind(i) !== "flush");
    expect(columns.toRequests().map((r) => r.line)).toEqual([1, 2, 4]);
    columns.reorder(Uint32Array.from([2, 1, 0]));
    expect(columns.toRequests()).toEqual([
      { timeNs: 5, device: 8, kind: "read", offsetBytes: 1024, lengthBytes: 1024, line: 4 },
      { timeNs: 10, device: 9, kind: "write", offsetBytes: 512, lengthBytes: 512, fua: true, remappedFrom: 8, line: 2 },
      { timeNs: 30, device: 8, kind: "write", offsetBytes: 0, lengthBytes: 512, line: 1 },
    ]);
  });
});
