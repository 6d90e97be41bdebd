import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  MAX_LISTED_PROBLEMS,
  TraceParseError,
  blkparseDevice,
  parseBlkparse,
  parseBlkparseDetailed,
  parseDisksim,
  parseDisksimDetailed,
  parseFioIolog,
  parseFioIologDetailed,
  parseMsrCambridge,
  parseMsrCambridgeDetailed,
  type TraceRequest,
} from "../../../scenarios/traces/index.js";
import { BLKPARSE_SAMPLE, FIO_T0038, MSR_SAMPLE, TPCC, WSRCH } from "./samples.js";

function parseError(parse: () => unknown): TraceParseError {
  try {
    parse();
  } catch (error) {
    if (error instanceof TraceParseError) return error;
    throw error;
  }
  throw new Error("expected a TraceParseError");
}

const count = (requests: readonly TraceRequest[], kind: TraceRequest["kind"]): number => requests.filter((r) => r.kind === kind).length;

describe("DiskSim / MQSim ASCII", () => {
  it("parses tpcc-small with the counts read from the file", () => {
    const requests = parseDisksim(readFileSync(TPCC, "utf8"), "tpcc");
    expect(requests).toHaveLength(6999);
    expect(count(requests, "write")).toBe(2618);
    expect(count(requests, "read")).toBe(4381);
    expect([...new Set(requests.map((r) => r.device))].sort((a, b) => a - b)).toEqual([...Array(16).keys()]);
    // First line "938513000 4 264719034 16 0": ns, device, 512-byte sectors, 0 = write.
    expect(requests[0]).toEqual({ timeNs: 938_513_000, device: 4, kind: "write", offsetBytes: 264_719_034 * 512, lengthBytes: 16 * 512, line: 1 });
    const last = requests[requests.length - 1] as TraceRequest;
    expect(last.timeNs - (requests[0] as TraceRequest).timeNs).toBe(136_489_000); // ~0.14 s of arrivals
    expect(Math.max(...requests.map((r) => r.offsetBytes + r.lengthBytes))).toBe(232_713_410_560); // ~217 GiB
  });

  it("parses wsrch-small (no final newline) with the counts read from the file", () => {
    const requests = parseDisksim(readFileSync(WSRCH, "utf8"), "wsrch");
    expect(requests).toHaveLength(24_783);
    expect(count(requests, "write")).toBe(4);
    expect(requests[0]).toEqual({ timeNs: 11_413_000, device: 0, kind: "read", offsetBytes: 657_728 * 512, lengthBytes: 16 * 512, line: 1 });
    expect((requests[requests.length - 1] as TraceRequest).timeNs - 11_413_000).toBe(60_055_212_000); // ~60 s
    expect([...new Set(requests.map((r) => r.device))].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("skips blank lines, reads CRLF, and converts a millisecond DiskSim trace when asked", () => {
    const requests = parseDisksim("\n0.5 2 100 8 1\r\n\n  12.25   2 108 8 0  \n", "ms.trace", "ms");
    expect(requests).toEqual([
      { timeNs: 500_000, device: 2, kind: "read", offsetBytes: 51_200, lengthBytes: 4096, line: 2 },
      { timeNs: 12_250_000, device: 2, kind: "write", offsetBytes: 55_296, lengthBytes: 4096, line: 4 },
    ]);
  });

  it("reads times in exponent notation and without a leading digit, as DiskSim's %lf does", () => {
    const requests = parseDisksim(["2.14748e+09 0 8 8 1", "2.5E3 0 8 8 0", ".5 0 8 8 0"].join("\n"), "exp.trace", "ms");
    expect(requests.map((r) => r.timeNs)).toEqual([2.14748e15, 2_500_000_000, 500_000]);
    expect(parseError(() => parseDisksim("1e 0 8 8 1", "bad.trace")).problems.map((p) => p.lineNumber)).toEqual([1]);
  });

  it("reads flags as hexadecimal, as DiskSim's %x does: bit 0 says read", () => {
    const parsed = parseDisksimDetailed(["1 0 8 8 0x1", "2 0 8 8 1a", "3 0 8 8 0X3", "4 0 8 8 10", "5 0 8 8 0"].join("\n"), "hex.trace");
    expect(parsed.requests.map((r) => r.kind)).toEqual(["read", "write", "read", "write", "write"]);
    // Three lines carry other bits; the note says how those were read, and where MQSim reads them otherwise.
    expect(parsed.notes.join("\n")).toContain("3 requests had flag bits besides bit 0 (read/write); they were ignored, so an even value is a write as DiskSim reads it (MQSim would read any value but 0 as a read)");
  });

  it("lists every malformed line with file:line:column, at the offending field, and what was expected", () => {
    const text = ["100 0 8 8 1", "200 0 8 8", "", "abc 0 8 8 1", "300 -1 8 8 0", "400 0 8 8 0xg", "500 0 16 8 0", "  600 0 24 8 0 7"].join("\n");
    const error = parseError(() => parseDisksim(text, "bad.trace"));
    expect(error.format).toBe("disksim");
    expect(error.problems.map((p) => p.lineNumber)).toEqual([2, 4, 5, 6, 8]);
    // A missing field just past the line's end; a bad one where it starts; a field too many where it starts.
    expect(error.problems.map((p) => p.column)).toEqual([10, 1, 5, 11, 16]);
    expect(error.badLineCount).toBe(5);
    expect(error.problems[0]?.expected).toMatch(/5 whitespace-separated numbers.*found 4 fields/);
    expect(error.message).toContain("bad.trace:2:10: expected");
    expect(error.message).toContain("bad.trace:6:11:");
    expect(error.message).not.toContain("bad.trace:7:");
  });

  it("gives the column of the offending field in the other formats too", () => {
    const columns = (parse: () => unknown) => parseError(parse).problems.map((p) => [p.lineNumber, p.column]);
    // MSR: a field too few (past the end), a bad Type (trimmed: where its text starts), a bad Size.
    const msr = ["128166372003061629,wdev,0,Write,4096,4096", "128166372003061630,wdev,0, Erase,8192,4096,1", "128166372003061631,wdev,0,Read,0,4k,1"].join("\n");
    expect(columns(() => parseMsrCambridge(msr, "m.csv"))).toEqual([
      [1, 42],
      [2, 28],
      [3, 34],
    ]);
    // fio: a bad timestamp, an unknown action, a file never added, a bad length, a v2 log's field too many.
    const fio = ["fio version 3 iolog", "0 f add", "x f read 0 4096", "1 f erase 0 4096", "2 g read 0 4096", "3 f read 0 4k"].join("\n");
    expect(columns(() => parseFioIolog(fio, "f.iolog"))).toEqual([
      [3, 1],
      [4, 5],
      [5, 3],
      [6, 12],
    ]);
    expect(columns(() => parseFioIolog("fio version 2 iolog\nf add\nf write 0 4096 9\n", "v2.iolog"))).toEqual([[3, 16]]);
    expect(columns(() => parseFioIolog("fio version 9 iolog\n", "v9.iolog"))).toEqual([[1, 1]]);
    // blkparse: a time without 9 digits, an RWBS it does not know, a payload that is neither data nor a process.
    const blk = ["  8,0    1        1     0.00001  1021  Q   W 4096 + 8 [dd]", "  8,0    1        2     0.000020000  1021  Q   X 4112 + 8 [dd]", "  8,0    1        3     0.000030000  1021  D   W 4112 - 8 [dd]"].join("\n");
    expect(columns(() => parseBlkparse(blk, "b.txt"))).toEqual([
      [1, 25],
      [2, 48],
      [3, 50],
    ]);
  });

  it(`lists at most ${MAX_LISTED_PROBLEMS} bad lines and counts the rest`, () => {
    const text = Array.from({ length: 30 }, (_, i) => `${i} x`).join("\n");
    const error = parseError(() => parseDisksim(text, "many.trace"));
    expect(error.problems).toHaveLength(MAX_LISTED_PROBLEMS);
    expect(error.badLineCount).toBe(30);
    expect(error.message).toContain("(10 more not listed)");
  });
});

describe("fio iolog v3", () => {
  it("skips sync_file_range lines, which fio logs and its own replay skips", () => {
    const text = ["fio version 3 iolog", "0 /dev/sdb add", "0 /dev/sdb open", "100 /dev/sdb write 0 4096", "150 /dev/sdb sync_file_range 0 0", "200 /dev/sdb write 4096 4096"].join("\n");
    const parsed = parseFioIologDetailed(text, "sfr.iolog");
    expect(parsed.requests.map((r) => r.kind)).toEqual(["write", "write"]);
    expect(parsed.notes.join("\n")).toContain('1 "sync_file_range" lines not replayed');
  });

  it("parses t0038.iolog: trims and writes on /dev/null, timestamps in µs", () => {
    const parsed = parseFioIologDetailed(readFileSync(FIO_T0038, "utf8"), "t0038.iolog");
    const { requests } = parsed;
    expect(requests).toHaveLength(20);
    expect(count(requests, "trim")).toBe(10);
    expect(count(requests, "write")).toBe(10);
    expect(parsed.deviceNames).toEqual(new Map([[0, "/dev/null"]]));
    const writes = requests.filter((r) => r.kind === "write");
    expect(writes.map((w) => w.offsetBytes)).toEqual(Array.from({ length: 10 }, (_, i) => i * 4096));
    expect(writes.every((w) => w.lengthBytes === 4096 && w.device === 0)).toBe(true);
    // "10752 /dev/null write 0 4096" on line 5: fio writes utime_since_now(), so 10752 µs.
    expect(writes[0]).toEqual({ timeNs: 10_752_000, device: 0, kind: "write", offsetBytes: 0, lengthBytes: 4096, line: 5 });
    expect(requests[0]).toEqual({ timeNs: 10_736_000, device: 0, kind: "trim", offsetBytes: 0, lengthBytes: 2_147_483_648, line: 4 });
    expect(parsed.notes.join("\n")).toContain("µs");
  });

  it("turns sync and datasync into flushes, numbers files by add order and ignores v3 waits as fio does", () => {
    const text = [
      "fio version 3 iolog",
      "0 /dev/sdb add",
      "1 /dev/sdc add",
      "2 /dev/sdb open",
      "3 /dev/sdc open",
      "10 /dev/sdc read 8192 4096",
      "20 /dev/sdb sync 0 0",
      "30 /dev/sdb wait 0 1000",
      // fio's read_iolog drops a v3 wait before it counts the fields, so one with a delay and no length is ignored too.
      "35 /dev/sdb wait 1000",
      "40 /dev/sdc datasync 0 0",
      "50 /dev/sdb close",
      "",
    ].join("\n");
    const parsed = parseFioIologDetailed(text, "two.iolog");
    expect(parsed.requests).toEqual([
      { timeNs: 10_000, device: 1, kind: "read", offsetBytes: 8192, lengthBytes: 4096, line: 6 },
      { timeNs: 20_000, device: 0, kind: "flush", offsetBytes: 0, lengthBytes: 0, line: 7 },
      { timeNs: 40_000, device: 1, kind: "flush", offsetBytes: 0, lengthBytes: 0, line: 10 },
    ]);
    expect(parsed.notes.join("\n")).toContain('2 "wait" lines ignored');
  });

  it("refuses a missing header, naming both versions it reads", () => {
    expect(parseError(() => parseFioIolog("0 /dev/null add\n", "x.iolog")).problems[0]).toMatchObject({ lineNumber: 1, expected: expect.stringContaining("fio version 3 iolog") });
    expect(parseError(() => parseFioIolog("", "empty.iolog")).problems[0]?.expected).toContain('"fio version 2 iolog"');
  });

  it("reads a version 2 iolog as fio does: no timestamps (every request at 0), files by add order, waits counted", () => {
    const text = [
      "fio version 2 iolog",
      "/dev/sdb add",
      "/dev/sdc add",
      "/dev/sdb open",
      "/dev/sdb write 0 4096",
      "/dev/sdb wait 5000 0",
      "/dev/sdc read 4096 8192",
      "/dev/sdb sync 0 0",
      "/dev/sdc trim 0 65536",
      "/dev/sdb close",
      "",
    ].join("\n");
    const parsed = parseFioIologDetailed(text, "v2.iolog");
    expect(parsed.requests).toEqual([
      { timeNs: 0, device: 0, kind: "write", offsetBytes: 0, lengthBytes: 4096, line: 5 },
      { timeNs: 0, device: 1, kind: "read", offsetBytes: 4096, lengthBytes: 8192, line: 7 },
      { timeNs: 0, device: 0, kind: "flush", offsetBytes: 0, lengthBytes: 0, line: 8 },
      { timeNs: 0, device: 1, kind: "trim", offsetBytes: 0, lengthBytes: 65536, line: 9 },
    ]);
    expect(parsed.deviceNames).toEqual(new Map([[0, "/dev/sdb"], [1, "/dev/sdc"]]));
    expect(parsed.notes.join("\n")).toContain("fio iolog v2: no timestamps");
    expect(parsed.notes.join("\n")).toContain('1 "wait" lines not replayed');
    // A v3 line (with its timestamp) in a v2 log has a field too many.
    const mixed = parseError(() => parseFioIolog("fio version 2 iolog\n/dev/sdb add\n10 /dev/sdb write 0 4096\n", "mixed.iolog"));
    expect(mixed.problems).toMatchObject([{ lineNumber: 3, expected: expect.stringContaining("`filename read|write|sync|datasync|trim|wait offset length`") }]);
  });

  it("reports bad actions, fields and files with line numbers", () => {
    const text = ["fio version 3 iolog", "0 f add", "1 f open", "2 f write 0", "3 f erase 0 4096", "x f read 0 4096", "5 g read 0 4096", "6 f read 0 -4", "7 f write 4096 4096"].join("\n");
    const error = parseError(() => parseFioIolog(text, "bad.iolog"));
    expect(error.problems.map((p) => p.lineNumber)).toEqual([4, 5, 6, 7, 8]);
    expect(error.problems[3]?.expected).toContain('"add" of g');
  });
});

describe("MSR Cambridge CSV", () => {
  it("parses the sample: FILETIME ticks relative to the first record, bytes, Read/Write, DiskNumber as device", () => {
    const parsed = parseMsrCambridgeDetailed(MSR_SAMPLE, "hm_0.csv");
    const { requests } = parsed;
    expect(requests).toHaveLength(12);
    expect(count(requests, "read")).toBe(6);
    expect(count(requests, "write")).toBe(6);
    expect(requests[0]).toEqual({ timeNs: 0, device: 0, kind: "read", offsetBytes: 3_221_225_472, lengthBytes: 4096, line: 1 });
    // 128166372003073752 - 128166372003061629 = 12123 ticks of 100 ns.
    expect(requests[1]).toEqual({ timeNs: 1_212_300, device: 0, kind: "write", offsetBytes: 1_073_152_000, lengthBytes: 8192, line: 2 });
    expect(requests[6]).toEqual({ timeNs: 45_541_000, device: 1, kind: "write", offsetBytes: 9_121_792, lengthBytes: 512, line: 7 });
    expect(requests[11]).toEqual({ timeNs: 1_000_000_000, device: 1, kind: "write", offsetBytes: 10_737_418_240, lengthBytes: 4096, line: 12 });
    expect(parsed.notes.join("\n")).toContain("hosts in the trace: hm");
  });

  it("keeps single-tick differences that a float of the whole FILETIME would lose", () => {
    // Both exceed 2^53: as JS numbers they are the same value.
    expect(Number("128166372999999999")).toBe(Number("128166373000000000"));
    const requests = parseMsrCambridge("128166372999999999,src1,2,Write,0,4096,10\n128166373000000000,src1,2,Write,4096,4096,10\n", "src1_2.csv");
    expect(requests.map((r) => r.timeNs)).toEqual([0, 100]);
  });

  it("accepts a column header and reports malformed records", () => {
    expect(parseMsrCambridge("Timestamp,Hostname,DiskNumber,Type,Offset,Size,ResponseTime\n" + MSR_SAMPLE, "h.csv")).toHaveLength(12);
    const text = ["128166372003061629,hm,0,Read,0,4096,5166", "128166372003061630,hm,0,Flush,0,0,10", "128166372003061631,hm,0,Read,0,4096", "128166372003061632,hm,zero,Read,0,4096,1"].join("\n");
    const error = parseError(() => parseMsrCambridge(text, "bad.csv"));
    expect(error.problems.map((p) => p.lineNumber)).toEqual([2, 3, 4]);
    expect(error.problems[1]?.expected).toContain("found 6");
  });
});

describe("blkparse text", () => {
  const sda = blkparseDevice(8, 0);
  const dm0 = blkparseDevice(253, 0);

  it("replays D events where a device has them, else Q, with flush, FUA and discard", () => {
    const parsed = parseBlkparseDetailed(BLKPARSE_SAMPLE, "sda.txt");
    expect(sda).toBe(8 * 2 ** 20);
    expect(parsed.requests).toEqual([
      { timeNs: 0, device: dm0, kind: "write", offsetBytes: 2048 * 512, lengthBytes: 8 * 512, line: 1 },
      // Remapped from 253,0 (its A events): the same I/Os as 253,0's Q events, marked so that a replay of both counts them once.
      { timeNs: 9137, device: sda, kind: "write", offsetBytes: 4096 * 512, lengthBytes: 8 * 512, line: 8, remappedFrom: dm0 },
      { timeNs: 1_000_000, device: dm0, kind: "read", offsetBytes: 8192 * 512, lengthBytes: 32 * 512, line: 10 },
      { timeNs: 1_003_000, device: sda, kind: "read", offsetBytes: 10_240 * 512, lengthBytes: 32 * 512, line: 13, remappedFrom: dm0 },
      { timeNs: 1_500_004_000, device: sda, kind: "flush", offsetBytes: 0, lengthBytes: 0, line: 16 },
      { timeNs: 1_500_102_000, device: sda, kind: "write", offsetBytes: 16_384 * 512, lengthBytes: 8 * 512, fua: true, line: 18 },
      { timeNs: 2_000_001_500, device: sda, kind: "trim", offsetBytes: 20_480 * 512, lengthBytes: 2048 * 512, line: 20 },
    ]);
    expect(parsed.deviceNames).toEqual(new Map([[dm0, "253,0"], [sda, "8,0"]]));
    const notes = parsed.notes.join("\n");
    expect(notes).toContain("replayed D (issued) events of 8,0");
    expect(notes).toContain("replayed Q (queued) events of 253,0");
    expect(notes).toContain("statistics from line 22 on ignored");
  });

  it("replays a requeued request once: the D that reissues it after its R is the same I/O", () => {
    const text = [
      "  8,0    0        1     0.000000000  1201  Q  WS 2048 + 8 [dd]",
      "  8,0    0        2     0.000001000  1201  G  WS 2048 + 8 [dd]",
      "  8,0    0        3     0.000002000  1201  I  WS 2048 + 8 [dd]",
      "  8,0    0        4     0.000003000  1201  D  WS 2048 + 8 [dd]",
      "  8,0    0        5     0.000005000     0  R  WS 2048 + 8 [0]",
      "  8,0    0        6     0.000006000     0  I  WS 2048 + 8 [0]",
      "  8,0    0        7     0.000009000     0  D  WS 2048 + 8 [0]",
      "  8,0    0        8     0.000020000     0  C  WS 2048 + 8 [0]",
      "  8,0    0        9     0.000030000  1201  D  WS 2048 + 8 [dd]",
    ].join("\n");
    const parsed = parseBlkparseDetailed(text, "requeue.txt");
    // The D at line 7 reissues the requeued request; line 9 is a new I/O to the same place.
    expect(parsed.requests.map((r) => r.line)).toEqual([4, 9]);
    expect(parsed.notes.join("\n")).toContain("1 D events were reissues of requeued (R) requests");
  });

  it("marks an I/O a stacked device passed down (A, remap) with the device above", () => {
    const text = [
      "253,0    1        1     0.000000000  3301  Q   W 1000 + 8 [dd]",
      "  8,0    1        1     0.000001000  3301  A   W 3048 + 8 <- (253,0) 1000",
      "  8,0    1        2     0.000001500  3301  Q   W 3048 + 8 [dd]",
      "  8,0    1        3     0.000002000  3301  D   W 3048 + 8 [dd]",
      "  8,0    1        4     0.000004000  3301  D   W 9000 + 8 [dd]",
    ].join("\n");
    expect(parseBlkparse(text, "stack.txt")).toEqual([
      { timeNs: 0, device: dm0, kind: "write", offsetBytes: 1000 * 512, lengthBytes: 4096, line: 1 },
      { timeNs: 2000, device: sda, kind: "write", offsetBytes: 3048 * 512, lengthBytes: 4096, line: 4, remappedFrom: dm0 },
      { timeNs: 4000, device: sda, kind: "write", offsetBytes: 9000 * 512, lengthBytes: 4096, line: 5 },
    ]);
  });

  it("marks a D that merged or split I/Os passed down with the device above: its sectors, not its length, match the remaps", () => {
    const text = [
      // Two 4 KiB writes of dd through 253,0, merged by sda's scheduler into one 8 KiB request.
      "253,0    1        1     0.000000000  3301  Q   W 1000 + 8 [dd]",
      "  8,0    1        1     0.000001000  3301  A   W 3048 + 8 <- (253,0) 1000",
      "  8,0    1        2     0.000001500  3301  Q   W 3048 + 8 [dd]",
      "253,0    1        2     0.000002000  3301  Q   W 1008 + 8 [dd]",
      "  8,0    1        3     0.000002500  3301  A   W 3056 + 8 <- (253,0) 1008",
      "  8,0    1        4     0.000003000  3301  Q   W 3056 + 8 [dd]",
      "  8,0    1        5     0.000003500  3301  M   W 3056 + 8 [dd]",
      "  8,0    1        6     0.000004000  3301  D   W 3048 + 16 [dd]",
      // A 16 KiB read through 253,0, split by sda into two requests.
      "253,0    1        3     0.000010000  3301  Q   R 2000 + 32 [dd]",
      "  8,0    1        7     0.000010500  3301  A   R 4048 + 32 <- (253,0) 2000",
      "  8,0    1        8     0.000011000  3301  Q   R 4048 + 32 [dd]",
      "  8,0    1        9     0.000011500  3301  X   R 4048 / 4064 [dd]",
      "  8,0    1       10     0.000012000  3301  D   R 4048 + 16 [dd]",
      "  8,0    1       11     0.000012500  3301  D   R 4064 + 16 [dd]",
      // sda's own I/O, next to the remapped sectors but not one of them.
      "  8,0    1       12     0.000020000  3301  D   W 3040 + 16 [dd]",
    ].join("\n");
    expect(parseBlkparse(text, "stack.txt").map((r) => [r.line, r.device, r.offsetBytes / 512, r.lengthBytes / 512, r.remappedFrom])).toEqual([
      [1, dm0, 1000, 8, undefined],
      [4, dm0, 1008, 8, undefined],
      [8, sda, 3048, 16, dm0],
      [9, dm0, 2000, 32, undefined],
      [13, sda, 4048, 16, dm0],
      [14, sda, 4064, 16, dm0],
      [15, sda, 3040, 16, undefined],
    ]);
  });

  it("uses Q events when the trace has no D events at all, and splits a preflush write into flush + write", () => {
    const text = [
      "  8,16   0        1     0.000000000  2201  Q FWS 1024 + 8 [jbd2/sdb1-8]",
      "  8,16   0        2     0.000001000  2201  G FWS 1024 + 8 [jbd2/sdb1-8]",
      "  8,16   0        3     0.250000000  2201  Q   R 0 + 8 [blkid]",
    ].join("\n");
    expect(parseBlkparse(text, "sdb.txt")).toEqual([
      { timeNs: 0, device: blkparseDevice(8, 16), kind: "flush", offsetBytes: 0, lengthBytes: 0, line: 1 },
      { timeNs: 0, device: blkparseDevice(8, 16), kind: "write", offsetBytes: 1024 * 512, lengthBytes: 4096, line: 1 },
      { timeNs: 250_000_000, device: blkparseDevice(8, 16), kind: "read", offsetBytes: 0, lengthBytes: 4096, line: 3 },
    ]);
  });

  it("reads the zone operations of blkparse's zoned-device RWBS: ZA replayed as a write, ZR/ZRA/ZF/ZO/ZC counted and skipped, DE a discard", () => {
    const text = [
      "259,0    3        1     0.000000000  4100  D  ZA 524288 + 8 [f2fs]",
      "259,0    3        2     0.000010000  4100  D ZAF 1048576 + 16 [f2fs]",
      "259,0    3        3     0.000020000  4100  D  ZR 524288 + 0 [f2fs]",
      "259,0    3        4     0.000030000  4100  D ZRA 0 + 0 [blkzone]",
      "259,0    3        5     0.000040000  4100  D  ZF 1048576 + 0 [f2fs]",
      "259,0    3        6     0.000050000  4100  D  ZO 1572864 + 0 [f2fs]",
      "259,0    3        7     0.000060000  4100  D  ZC 1572864 + 0 [f2fs]",
      "259,0    3        8     0.000070000  4100  D  DE 2048 + 8 [blkdiscard]",
      "259,0    3        9     0.000080000  4100  D  WS 8 + 8 [dd]",
    ].join("\n");
    const parsed = parseBlkparseDetailed(text, "zns.txt");
    const device = blkparseDevice(259, 0);
    expect(parsed.requests).toEqual([
      { timeNs: 0, device, kind: "write", offsetBytes: 524_288 * 512, lengthBytes: 4096, line: 1 },
      { timeNs: 10_000, device, kind: "write", offsetBytes: 1_048_576 * 512, lengthBytes: 8192, fua: true, line: 2 },
      { timeNs: 70_000, device, kind: "trim", offsetBytes: 2048 * 512, lengthBytes: 4096, line: 8 },
      { timeNs: 80_000, device, kind: "write", offsetBytes: 8 * 512, lengthBytes: 4096, line: 9 },
    ]);
    const notes = parsed.notes.join("\n");
    expect(notes).toContain("5 Q/D events of zone management (1 ZR, 1 ZRA, 1 ZF, 1 ZO, 1 ZC; ");
    expect(notes).toContain("2 zone append (ZA) Q/D events replayed as writes");
  });

  it("reports lines that are not blkparse events", () => {
    const text = [
      "  8,0    1        1     0.000000000  1021  Q   W 4096 + 8 [dd]",
      "Input file sda.blktrace.1 added",
      "  8,0    1        2     0.00001  1021  Q   W 4104 + 8 [dd]",
      "  8,0    1        3     0.000020000  1021  Q   X 4112 + 8 [dd]",
      "  8,0    1        4     0.000030000  1021  D   W 4112 - 8 [dd]",
    ].join("\n");
    const error = parseError(() => parseBlkparse(text, "bad.txt"));
    expect(error.problems.map((p) => p.lineNumber)).toEqual([2, 3, 4, 5]);
    expect(error.problems[2]?.expected).toContain("RWBS");
  });
});

describe("times and addresses past 2^53", () => {
  // Beyond Number.MAX_SAFE_INTEGER a double skips integers: these were rounded silently (a 4 KiB write at sector 2^53-1
  // came out 4.5 KiB long once wrapped; a time of 1.7e308 ms became Infinity ns).
  it.each([
    ["disksim in ms, a time that overflows", () => parseDisksim("0 0 0 8 0\n1.7e308 0 0 8 0\n", "big.trace", "ms"), 2, 1, "a time of at most 9007199254740991 ns"],
    ["disksim, a time of 10^26 ns", () => parseDisksim("99999999999999999999999999 0 0 8 0\n", "big.trace"), 1, 1, "a time of at most"],
    ["disksim, a block whose byte address is past 2^53", () => parseDisksim("0 0 9007199254740991 8 0\n", "big.trace"), 1, 5, "whose end is at most 9007199254740991 bytes"],
    ["fio iolog, a time past 2^53 ns", () => parseFioIolog("fio version 3 iolog\n0 f add\n9007199254740991 f write 0 4096\n", "big.iolog"), 3, 1, "a time of at most"],
    ["fio iolog, an end past 2^53 bytes", () => parseFioIolog("fio version 3 iolog\n0 f add\n1 f write 9007199254740991 4096\n", "big.iolog"), 3, 11, "whose end is at most"],
    ["MSR, a timestamp 10^20 ticks after the first", () => parseMsrCambridge("0,hm,0,Read,0,4096,1\n99999999999999999999,hm,0,Read,0,4096,1\n", "big.csv"), 2, 1, "a time of at most"],
    ["MSR, an end past 2^53 bytes", () => parseMsrCambridge("0,hm,0,Read,9007199254740991,4096,1\n", "big.csv"), 1, 13, "whose end is at most"],
    ["blkparse, a time past 2^53 ns", () => parseBlkparse("  8,0    1        7 99999999999.000009137  1021  D   W 0 + 8 [dd]\n", "big.blktrace"), 1, 21, "a time of at most"],
  ])("%s is refused at its field", (_what, parse, lineNumber, column, expected) => {
    const [problem] = parseError(parse).problems;
    expect(problem).toMatchObject({ lineNumber, column });
    expect(problem?.expected).toContain(expected);
  });
});
