/**
 * The DiskSim, MSR Cambridge, blkparse and fio iolog parsers read plain
 * lines on a fast path (see scenarios/traces/line-scanner.ts) and leave
 * every other line to their general path. Here lines are drawn field by
 * field from plain values and from the values where a fast path must give
 * up (digits past what a double holds, hexadecimal prefixes and case,
 * control codes, blanks of every kind, a hostname with spaces), and each
 * text must read exactly as the general path alone reads it: the same
 * requests and notes, or the same problems.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { materialize, parseText, TraceParseError, type ParsedTrace } from "../../../scenarios/traces/common.js";
import { BlkparseParser } from "../../../scenarios/traces/blkparse.js";
import { DisksimParser } from "../../../scenarios/traces/disksim.js";
import { FIO_IOLOG_V2_HEADER, FIO_IOLOG_V3_HEADER, FioIologParser } from "../../../scenarios/traces/fio-iolog.js";
import { MsrCambridgeParser } from "../../../scenarios/traces/msr-cambridge.js";
import { BLKPARSE_SAMPLE, FIO_T0038, MSR_SAMPLE, TPCC, WSRCH } from "./samples.js";

type FastPathParser = DisksimParser | MsrCambridgeParser | BlkparseParser | FioIologParser;

/** What a parse gave: the trace as objects, or the problems' message. */
function outcome(parser: FastPathParser, text: string): { readonly parsed: ParsedTrace } | { readonly refused: string } {
  try {
    return { parsed: materialize(parseText(parser, text)) };
  } catch (error) {
    if (!(error instanceof TraceParseError)) throw error;
    return { refused: error.message };
  }
}

/** Reads `text` with and without the fast path, expects the same outcome, and returns the lines the fast path read. */
function expectSameReading(make: (generalOnly: boolean) => FastPathParser, text: string): number {
  const fast = make(false);
  expect(outcome(fast, text)).toEqual(outcome(make(true), text));
  return fast instanceof BlkparseParser ? fast.linesSkippedFast + fast.linesReadFast : fast.linesReadFast;
}

const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: min, maxLength: max });
const unsigned = fc.oneof({ weight: 6, arbitrary: fc.nat({ max: 2 ** 40 }).map(String) }, { weight: 1, arbitrary: digits(0, 20) });
/** A plain value `plainWeight` times in `plainWeight + 1`, else one of the edges. */
const oneOf = <T,>(plain: fc.Arbitrary<T>, edges: readonly T[], plainWeight = 4) => fc.oneof({ weight: plainWeight, arbitrary: plain }, { weight: 1, arbitrary: fc.constantFrom(...edges) });
const NUMBER_EDGES = ["999999999999999", "9999999999999999", "9007199254740993", "000000000000000000001", "", "-1", "+1", "1.0", "1e3", "0x10", "1\u0015", "\u00151", " 1", "1 "];

/** Blank where the fast path reads none, for the general path to trim (or not). */
const STRAY_BLANKS = ["", "", "", "", " ", "\t", "\u000b", "\u00a0", "\ufeff"];

function linesText(lines: readonly string[], crlf: boolean): string {
  return lines.join(crlf ? "\r\n" : "\n");
}

const msrLine = fc
  .record({
    time: oneOf(fc.bigInt({ min: 128166372003061629n, max: 128166372903061629n }).map(String), ["", "1", "1e3", "0x10", "9".repeat(24), "1".repeat(25), " 128166372003061629", "1281663720030616290000"]),
    host: oneOf(fc.constantFrom("hm", "src1", "prxy"), [" hm", "hm ", "h m", "", "\u00a0hm", "hm\u000b", "é", "hm,"]),
    disk: oneOf(fc.nat({ max: 8 }).map(String), NUMBER_EDGES),
    type: oneOf(fc.constantFrom("Read", "Write", "read", "write"), ["READ", "Writes", " Read", "Rea", "", "Write "]),
    offset: oneOf(unsigned, NUMBER_EDGES),
    size: oneOf(fc.constantFrom("512", "4096", "65536"), NUMBER_EDGES),
    response: oneOf(unsigned, NUMBER_EDGES),
    separator: oneOf(fc.constant(","), [", ", " ,", ",\t"]),
    fieldCount: oneOf(fc.constant(7), [6, 8]),
  })
  .map(({ separator, fieldCount, ...f }) => [f.time, f.host, f.disk, f.type, f.offset, f.size, f.response, "1"].slice(0, fieldCount).join(separator));

const disksimLine = fc
  .record({
    time: oneOf(fc.oneof(fc.nat({ max: 2 ** 40 }).map(String), fc.tuple(fc.nat(), digits(0, 9)).map(([whole, fraction]) => `${whole}.${fraction}`)), ["", ".5", "12.", "1e3", "2.14748e+09", "1.5e3", "9".repeat(16), "1".repeat(22), "-1"]),
    device: oneOf(fc.nat({ max: 8 }).map(String), NUMBER_EDGES),
    block: oneOf(unsigned, NUMBER_EDGES),
    sectors: oneOf(fc.constantFrom("1", "8", "16", "128"), NUMBER_EDGES),
    flags: oneOf(fc.constantFrom("0", "1", "3", "0x1", "0X1F", "1f", "F"), ["0x", "x1", "0xx1", "00x1", "f".repeat(13), "f".repeat(14), `0x${"f".repeat(13)}`, `0X${"F".repeat(14)}`, "\u00151", "\u00101", "g", "0x\u0015"]),
    separators: fc.array(oneOf(fc.constantFrom(" ", "  ", "\t"), [" \t", "\u000b", "\u00a0", ",", ""]), { minLength: 4, maxLength: 4 }),
    lead: fc.constantFrom(...STRAY_BLANKS),
    trail: fc.constantFrom(...STRAY_BLANKS),
  })
  .map(({ time, device, block, sectors, flags, separators, lead, trail }) => {
    const fields = [time, device, block, sectors, flags];
    return lead + fields.map((field, i) => field + (separators[i] ?? "")).join("") + trail;
  });

/**
 * blkparse event lines, "%3d,%-3d %2d %8d %5d.%09lu %5u %2s %3s" and a
 * payload, with every field at times off its format; of the actions and
 * plain payloads given.
 */
const blkparseLineOf = (actions: readonly string[], payloads: readonly string[], plainWeight = 4) =>
  fc
    .record({
      device: oneOf(fc.constantFrom("8,0", "253,0", "259,1"), ["8 ,0", "8,", ",0", "8,0x", "8.0"], plainWeight),
      cpu: oneOf(fc.nat({ max: 7 }).map(String), ["", "x", "-1"], plainWeight),
      sequence: oneOf(fc.nat({ max: 10_000_000 }).map(String), ["", "1.5"], plainWeight),
      seconds: oneOf(fc.nat({ max: 10_000 }).map(String), ["", "9".repeat(20)], plainWeight),
      nanoseconds: oneOf(fc.nat({ max: 999_999_999 }).map((n) => String(n).padStart(9, "0")), ["12345678", "1234567890", "", "12345678x"], plainWeight),
      pid: oneOf(fc.nat({ max: 40_000 }).map(String), ["", "p"], plainWeight),
      action: oneOf(fc.constantFrom(...actions), ["CC", "", "\u00e9", "\u00a0", "Q1", "1"], plainWeight),
      rwbs: oneOf(fc.constantFrom("W", "R", "WS", "RA", "FWS", "N", "D", "WFS"), ["", "\u00e9", "\u00a0W", "\rW"], plainWeight),
      payload: oneOf(fc.constantFrom(...payloads), ["4096 + 8 [f\rio]", "[x\u2028y]", "4096 + [fio]", "\u00e9", "1 + 1 [a]\u2029", "1 + 1 [a] ", "1 +  1 [a]", "1 + 1 [a]]x", "9".repeat(16) + " + 8 [a]", "1 + 1 [a\u00a0]"], plainWeight),
      gaps: fc.array(oneOf(fc.constantFrom(" ", "  ", "     ", "\t"), ["", "\u00a0", "\u000b", " \u3000"], plainWeight), { minLength: 8, maxLength: 8 }),
      lead: fc.constantFrom(...STRAY_BLANKS),
      trail: fc.constantFrom(...STRAY_BLANKS, "\u2028"),
    })
    .map(({ device, cpu, sequence, seconds, nanoseconds, pid, action, rwbs, payload, gaps, lead, trail }) => {
      const fields = [device, cpu, sequence, `${seconds}.${nanoseconds}`, pid, action, rwbs, payload];
      return lead + fields.map((field, i) => (i === 0 ? "" : (gaps[i] ?? " ")) + field).join("") + trail;
    });
const blkparseLine = fc.oneof(
  blkparseLineOf(["Q", "G", "I", "D", "C", "M", "F", "P", "U", "m", "A", "R"], ["4096 + 8 [fio]", "[fio]", "4096 + 8 <- (253,0) 2048", "4096 + 8 (   12) [0]", "cfq1021A / dispatch_insert", ""]),
  // The Q and D events of data the fast path reads, most fields plain: a line of eighteen drawn fields is otherwise rarely plain.
  blkparseLineOf(["Q", "D"], ["4096 + 8 [fio]", "0 + 1 [kworker/1:1H]", "123456789 + 2048 [fstrim]", "8 + 0 [jbd2/dm-0-8]"], 40),
);

/** fio iolog I/O lines, "%llu %s %s %llu %llu" (v2 without the time), fields at times off their format, of the files the texts add and one they do not. */
const fioIologLine = fc
  .record({
    time: oneOf(fc.nat({ max: 2 ** 40 }).map(String), NUMBER_EDGES, 8),
    file: oneOf(fc.constantFrom("/dev/nvme0n1", "/dev/sdb"), ["/dev/nvme0n1x", "", "/dev/sdc", "/dev/\u00a0sdb", "/dev/sdb\u000b"], 8),
    action: oneOf(fc.constantFrom("read", "write", "trim"), ["sync", "datasync", "wait", "sync_file_range", "Write", "writes", "add", "close", ""], 8),
    offset: oneOf(unsigned, NUMBER_EDGES, 8),
    length: oneOf(fc.constantFrom("512", "4096", "131072"), NUMBER_EDGES, 8),
    gaps: fc.array(oneOf(fc.constant(" "), ["  ", "\t", "\u00a0", "\u000b", ""], 16), { minLength: 4, maxLength: 4 }),
    lead: oneOf(fc.constant(""), STRAY_BLANKS, 8),
    trail: oneOf(fc.constant(""), STRAY_BLANKS, 8),
  })
  .map(({ time, file, action, offset, length, gaps, lead, trail }) => lead + [time, file, action, offset, length].map((field, i) => (i === 0 ? "" : (gaps[i - 1] ?? " ")) + field).join("") + trail);
const FIO_IOLOG_FILE_LINES = ["0 /dev/nvme0n1 add", "0 /dev/sdb add", "5 /dev/nvme0n1 open", "9 /dev/sdb close"];

const text = (line: fc.Arbitrary<string>, extra: readonly string[]) =>
  fc.record({ lines: fc.array(fc.oneof({ weight: 8, arbitrary: line }, { weight: 1, arbitrary: fc.constantFrom(...extra) }), { minLength: 1, maxLength: 8 }), crlf: fc.boolean() }).map(({ lines, crlf }) => linesText(lines, crlf));

describe("the trace parsers' fast paths", () => {
  test("MSR Cambridge: every line reads as the general path reads it", () => {
    let fastLines = 0;
    fc.assert(
      fc.property(text(msrLine, ["", "   ", "Timestamp,Hostname,DiskNumber,Type,Offset,Size,ResponseTime"]), (trace) => {
        fastLines += expectSameReading((generalOnly) => new MsrCambridgeParser("fast.csv", { generalOnly }), trace);
      }),
      { numRuns: 3000 },
    );
    // The property says something only if the fast path read lines, and it must not read them all: the edges are there.
    expect(fastLines).toBeGreaterThan(500);
  });

  test("DiskSim: every line reads as the general path reads it, in ns and in ms", () => {
    let fastLines = 0;
    fc.assert(
      fc.property(text(disksimLine, ["", "  ", "\t"]), fc.constantFrom("ns" as const, "ms" as const), (trace, timeUnit) => {
        fastLines += expectSameReading((generalOnly) => new DisksimParser("fast.trace", timeUnit, { generalOnly }), trace);
      }),
      { numRuns: 3000 },
    );
    expect(fastLines).toBeGreaterThan(500);
  });

  test("fio iolog: every line reads as the general path reads it, in versions 3 and 2", () => {
    let fastLines = 0;
    // A version 2 line is a version 3 line without its time; "add" lines first, else no I/O line is of a known file.
    const v2Line = (line: string) => line.replace(/^\S*\s/, "");
    const iolog = fc.record({ v2: fc.boolean(), adds: fc.subarray(FIO_IOLOG_FILE_LINES.slice(0, 2), { minLength: 1 }), body: text(fioIologLine, ["", " ", ...FIO_IOLOG_FILE_LINES]), crlf: fc.boolean() });
    fc.assert(
      fc.property(iolog, ({ v2, adds, body, crlf }) => {
        const lines = [...adds, ...body.split(/\r?\n/)].map((line) => (v2 ? v2Line(line) : line));
        const trace = linesText([v2 ? FIO_IOLOG_V2_HEADER : FIO_IOLOG_V3_HEADER, ...lines], crlf);
        fastLines += expectSameReading((generalOnly) => new FioIologParser("fast.iolog", { generalOnly }), trace);
      }),
      { numRuns: 3000 },
    );
    expect(fastLines).toBeGreaterThan(500);
  });

  test("blkparse: every line the fast paths pass over or read is one the general path passes over or reads the same way", () => {
    let skipped = 0;
    let read = 0;
    fc.assert(
      fc.property(text(blkparseLine, ["", "  ", "CPU0 (8,0):", "Total (8,0):", " Reads Queued:           0,        0KiB"]), (trace) => {
        expectSameReading((generalOnly) => new BlkparseParser("fast.blk", { generalOnly }), trace);
        const fast = new BlkparseParser("fast.blk");
        outcome(fast, trace);
        skipped += fast.linesSkippedFast;
        read += fast.linesReadFast;
      }),
      { numRuns: 3000 },
    );
    // Fewer than the other formats': a line has eight fields, any of which may be drawn off its format.
    expect(skipped).toBeGreaterThan(75);
    expect(read).toBeGreaterThan(500);
  });

  test("blkparse: requeues and remaps are matched by the Q and D events the fast path reads", () => {
    // A requeued D issued again, and an I/O a device-mapper volume passed down (its Q and D there carry the volume).
    const trace = [
      "  8,0    1        1     0.000001000  1021  Q   W 4096 + 8 [dd]",
      "  8,0    1        2     0.000002000  1021  D   W 4096 + 8 [dd]",
      "  8,0    1        3     0.000003000  1021  R   W 4096 + 8 [0]",
      "  8,0    1        4     0.000004000  1021  D   W 4096 + 8 [dd]",
      "253,0    1        5     0.000005000  1021  Q   R 2048 + 8 [dd]",
      "  8,0    1        6     0.000006000  1021  A   R 8192 + 8 <- (253,0) 2048",
      "  8,0    1        7     0.000007000  1021  Q   R 8192 + 8 [dd]",
      "  8,0    1        8     0.000008000  1021  D   R 8192 + 8 [dd]",
      "",
    ].join("\n");
    const parser = new BlkparseParser("requeue.blk");
    const parsed = materialize(parseText(parser, trace));
    expect(parser.linesReadFast).toBe(6);
    expect(parsed).toEqual(materialize(parseText(new BlkparseParser("requeue.blk", { generalOnly: true }), trace)));
    expect(parsed.notes.join("\n")).toContain("1 D events were reissues of requeued (R) requests");
    expect(parsed.requests.filter((request) => request.remappedFrom !== undefined).map((request) => request.line)).toEqual([8]);
    // Two bio-based device-mapper volumes, one on the other, and no requeue: the lower one's Q carries the upper one.
    const stacked = ["253,0    1        1     0.000001000  1021  Q   W 2048 + 8 [dd]", "253,1    1        1     0.000002000  1021  A   W 4096 + 8 <- (253,0) 2048", "253,1    1        2     0.000003000  1021  Q   W 4096 + 8 [dd]", ""].join("\n");
    const lower = new BlkparseParser("stacked.blk");
    const stackedParsed = materialize(parseText(lower, stacked));
    expect(lower.linesReadFast).toBe(2);
    expect(stackedParsed.requests.map((request) => [request.line, request.remappedFrom])).toEqual([
      [1, undefined],
      [3, 253 * 2 ** 20],
    ]);
  });

  test("the shipped traces and the samples are read on the fast path, line for line", () => {
    for (const path of [TPCC, WSRCH]) {
      const parser = new DisksimParser(path);
      const parsed = parseText(parser, readFileSync(path, "utf8"));
      expect(parsed.columns.count).toBeGreaterThan(1000);
      expect(parser.linesReadFast).toBe(parsed.columns.count);
      expectSameReading((generalOnly) => new DisksimParser(path, "ns", { generalOnly }), readFileSync(path, "utf8"));
    }
    // fio's own t0038 log: its twelve writes and trims, not its add, open and close.
    const fioLog = new FioIologParser(FIO_T0038);
    expect(parseText(fioLog, readFileSync(FIO_T0038, "utf8")).columns.count).toBe(fioLog.linesReadFast);
    expect(fioLog.linesReadFast).toBeGreaterThan(10);
    expectSameReading((generalOnly) => new FioIologParser(FIO_T0038, { generalOnly }), readFileSync(FIO_T0038, "utf8"));
    const msr = new MsrCambridgeParser("sample.csv");
    expect(parseText(msr, MSR_SAMPLE).columns.count).toBe(12);
    expect(msr.linesReadFast).toBe(12);
    // The sample's G, P, I, U, C and m events, and its ten Q and D events of data (not the two of a flush alone).
    const blkparse = new BlkparseParser("sample.blk");
    parseText(blkparse, BLKPARSE_SAMPLE);
    expect(blkparse.linesSkippedFast).toBe(6);
    expect(blkparse.linesReadFast).toBe(10);
    expectSameReading((generalOnly) => new BlkparseParser("sample.blk", { generalOnly }), BLKPARSE_SAMPLE);
  });
});
