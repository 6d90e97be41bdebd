/**
 * The trace parsers and the trace source on damaged traces: whatever the text,
 * a trace parses (and replays) or is refused with TraceParseError problems at a
 * line and column of the file, or a TraceSourceError; never an internal error.
 * Starts from the shipped traces (their first 200 lines) and the samples.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, test } from "vitest";
import type { TraceFormat, TraceSpec } from "../../../scenarios/model.js";
import { detectTraceFormat, parseBlkparseDetailed, parseDisksimDetailed, parseFioIologDetailed, parseMsrCambridgeDetailed, TraceParseError, TraceSourceError, traceSource, traceSourceFromText, type ParsedTrace } from "../../../scenarios/traces/index.js";
import { BLKPARSE_SAMPLE, FIO_T0038, MSR_SAMPLE, TPCC, WSRCH } from "./samples.js";
import { applyTextEdit, textEdit, type TextEdit } from "../text-edits.js";

const head = (path: string): string => readFileSync(path, "utf8").split("\n").slice(0, 200).join("\n");

const SOURCES: ReadonlyArray<{ readonly format: TraceFormat; readonly text: string }> = [
  { format: "disksim", text: head(TPCC) },
  { format: "disksim", text: head(WSRCH) },
  { format: "fio-iolog", text: head(FIO_T0038) },
  { format: "fio-iolog", text: "fio version 2 iolog\n/dev/sda add\n/dev/sda open\n/dev/sda write 0 4096\n/dev/sda wait 100 0\n/dev/sda read 8192 512\n/dev/sda close\n" },
  { format: "msr-cambridge", text: MSR_SAMPLE },
  { format: "msr-cambridge", text: `Timestamp,Hostname,DiskNumber,Type,Offset,Size,ResponseTime\n${MSR_SAMPLE}` },
  { format: "blkparse", text: BLKPARSE_SAMPLE },
];

const PARSERS: Readonly<Record<TraceFormat, (text: string, fileName: string) => ParsedTrace>> = {
  disksim: (text, fileName) => parseDisksimDetailed(text, fileName),
  "fio-iolog": parseFioIologDetailed,
  "msr-cambridge": parseMsrCambridgeDetailed,
  blkparse: parseBlkparseDetailed,
};

const NUMBERS = ["0", "-1", "-0", "1.5", ".5", "1e3", "1e400", "2.14748e+09", "NaN", "Infinity", "0x10", "18446744073709551616", "9007199254740993", "9007199254740991", "4294967296", "99999999999999999999999999", "", "00000000000000000001", "1,0", "+1"];
const WORDS = ["read", "write", "Read", "WRITE", "trim", "sync", "wait", "add", "open", "close", "Q", "D", "C", "A", "RA", "WFS", "FN", "N", "<-", "(8,0)", "(253,0", "+", "[dd]", "hm", "/dev/null", "é", "\u0000"];
const SLIPS = [" ", "\t", ",", "\n", "\r", "\r\n", "-", "+", ".", "0", "9", "e", ":", "(", ")", "[", "]", "\u00a0", "\ufeff", "\ud800", "é"];

type Edit =
  | TextEdit
  | { readonly kind: "truncate" | "empty-line" | "drop-field"; readonly at: number }
  | { readonly kind: "field"; readonly at: number; readonly field: number; readonly value: string }
  | { readonly kind: "extra-field"; readonly at: number; readonly value: string };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  textEdit(SLIPS),
  fc.record({ kind: fc.constantFrom("truncate" as const, "empty-line" as const, "drop-field" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("field" as const), at: fc.nat(), field: fc.nat(), value: fc.constantFrom(...NUMBERS, ...WORDS) }),
  fc.record({ kind: fc.constant("field" as const), at: fc.nat(), field: fc.nat(), value: fc.constantFrom(...NUMBERS) }),
  fc.record({ kind: fc.constant("extra-field" as const), at: fc.nat(), value: fc.constantFrom(...NUMBERS, ...WORDS) }),
);

/** A line's fields and what separates them: commas in MSR CSV, whitespace elsewhere. */
function splitFields(line: string): { readonly fields: string[]; readonly separator: string } {
  return line.includes(",") && !line.includes(" ") ? { fields: line.split(","), separator: "," } : { fields: line.split(" "), separator: " " };
}

function applyEdit(text: string, e: Edit): string {
  const lines = text.split("\n");
  const i = e.at % lines.length;
  switch (e.kind) {
    case "truncate":
      return text.slice(0, e.at % (text.length + 1));
    case "empty-line":
      lines.splice(i, 0, e.at % 2 === 0 ? "" : "   ");
      return lines.join("\n");
    case "drop-field":
    case "field":
    case "extra-field": {
      const { fields, separator } = splitFields(lines[i] ?? "");
      if (e.kind === "field") fields[e.field % Math.max(1, fields.length)] = e.value;
      else if (e.kind === "extra-field") fields.push(e.value);
      else fields.splice(e.at % Math.max(1, fields.length), 1);
      lines[i] = fields.join(separator);
      return lines.join("\n");
    }
    default:
      return applyTextEdit(text, e);
  }
}

const SPEC_VARIANTS = fc.record({
  timing: fc.constantFrom("honor" as const, "ignore" as const),
  iodepth: fc.constantFrom(1, 8),
  addressMapping: fc.constantFrom("wrap" as const, "scale" as const, "reject" as const),
  device: fc.option(fc.constantFrom(0, 1, 4, 2049), { nil: undefined }),
  maxRequests: fc.option(fc.constantFrom(1, 50), { nil: undefined }),
  timeUnit: fc.option(fc.constantFrom("ns" as const, "ms" as const), { nil: undefined }),
  capacityBytes: fc.constantFrom(2 ** 20, 64 * 2 ** 30),
  sectorSizeBytes: fc.constantFrom(512, 4096),
});
type SpecVariant = typeof SPEC_VARIANTS extends fc.Arbitrary<infer T> ? T : never;

function spec(format: TraceFormat, path: string, variant: SpecVariant): TraceSpec {
  const { timing, iodepth, addressMapping, device, maxRequests, timeUnit } = variant;
  return {
    kind: "trace",
    name: "fuzz",
    path,
    format,
    timing,
    iodepth,
    addressMapping,
    ...(device === undefined ? {} : { device }),
    ...(maxRequests === undefined ? {} : { maxRequests }),
    ...(timeUnit === undefined || format !== "disksim" ? {} : { timeUnit }),
  };
}

/** Lines as the parsers count them: split at "\n", a "\r" before it dropped. */
function linesOf(text: string): string[] {
  return text.split("\n").map((line) => (line.endsWith("\r") ? line.slice(0, -1) : line));
}

/** What a message shows when it printed a value it did not have. */
const JUNK = ["undefined", "NaN", "[object", "Infinity"];

/** Runs `use`; it may succeed, or throw a TraceParseError located in `text`, or a TraceSourceError; anything else fails the test. */
function expectParsesOrLocatedProblems(text: string, use: () => unknown): void {
  try {
    use();
  } catch (error) {
    if (error instanceof TraceSourceError) {
      for (const junk of JUNK) if (!text.includes(junk)) expect(error.message).not.toContain(junk);
      return;
    }
    if (!(error instanceof TraceParseError)) throw error;
    const lines = linesOf(text);
    expect(error.problems.length).toBeGreaterThan(0);
    expect(error.badLineCount).toBeGreaterThanOrEqual(error.problems.length);
    for (const problem of error.problems) {
      const where = `${problem.lineNumber}:${problem.column} expected ${problem.expected}, got ${JSON.stringify(problem.text)}`;
      expect(Number.isInteger(problem.lineNumber) && Number.isInteger(problem.column), where).toBe(true);
      expect(problem.lineNumber, where).toBeGreaterThanOrEqual(1);
      expect(problem.lineNumber, where).toBeLessThanOrEqual(lines.length);
      expect(problem.column, where).toBeGreaterThanOrEqual(1);
      expect(problem.column, where).toBeLessThanOrEqual((lines[problem.lineNumber - 1] ?? "").length + 1);
      expect(problem.text, where).toBe(lines[problem.lineNumber - 1]);
      for (const junk of JUNK) if (!text.includes(junk)) expect(problem.expected, where).not.toContain(junk);
    }
  }
}

/** Times and addresses a parse gives are exact integers: past 2^53 they would have been rounded. */
function expectSafeRequests(parsed: ParsedTrace): void {
  for (const { timeNs, offsetBytes, lengthBytes, line } of parsed.requests) {
    expect([timeNs, offsetBytes, lengthBytes, offsetBytes + lengthBytes].every(Number.isSafeInteger), `line ${line}: ${timeNs} ns, ${offsetBytes} + ${lengthBytes} bytes`).toBe(true);
  }
}

/** Every request of the source, as the runner takes them. */
function drain(source: { next(): unknown }): void {
  while (source.next() !== undefined);
}

const FORMATS: readonly TraceFormat[] = ["disksim", "fio-iolog", "msr-cambridge", "blkparse"];

/** A fixed seed, so that a suite does not fail at random on an input no change made; FUZZ_SEED draws others. */
const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 1);

describe("the trace parsers on damaged traces", () => {
  test("every source parses as it is", () => {
    for (const { format, text } of SOURCES) expect(() => PARSERS[format](text, "t")).not.toThrow();
  });

  test("edited traces parse or are refused with located problems, in their own format and in every other", () => {
    fc.assert(
      fc.property(fc.constantFrom(...SOURCES), fc.array(edit, { minLength: 1, maxLength: 5 }), fc.constantFrom(...FORMATS), (source, edits, other) => {
        const text = edits.reduce(applyEdit, source.text);
        expect(() => detectTraceFormat(text)).not.toThrow();
        expectParsesOrLocatedProblems(text, () => expectSafeRequests(PARSERS[source.format](text, "fuzz.trace")));
        expectParsesOrLocatedProblems(text, () => expectSafeRequests(PARSERS[other](text, "fuzz.trace")));
      }),
      { numRuns: 3000, seed: FUZZ_SEED },
    );
  });

  test("edited traces replay or are refused, whatever the trace settings and the Source LU", () => {
    fc.assert(
      fc.property(fc.constantFrom(...SOURCES), fc.array(edit, { minLength: 0, maxLength: 4 }), SPEC_VARIANTS, (source, edits, variant) => {
        const text = edits.reduce(applyEdit, source.text);
        const lu = { capacityBytes: variant.capacityBytes, sectorSizeBytes: variant.sectorSizeBytes };
        expectParsesOrLocatedProblems(text, () => drain(traceSourceFromText(spec(source.format, "fuzz.trace", variant), text, lu)));
      }),
      { numRuns: 1500, seed: FUZZ_SEED },
    );
  });

  const directory = mkdtempSync(join(tmpdir(), "cofwsim-trace-fuzz-"));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  test("a trace file with bytes that are not UTF-8 is refused by the trace source", () => {
    const BAD_BYTES = [[0xff], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x80]];
    const path = join(directory, "bytes.trace");
    fc.assert(
      fc.property(fc.constantFrom(...SOURCES), fc.nat(), fc.constantFrom(...BAD_BYTES), SPEC_VARIANTS, (source, at, bad, variant) => {
        const bytes = Buffer.from(source.text, "utf8");
        const cut = at % (bytes.length + 1);
        writeFileSync(path, Buffer.concat([bytes.subarray(0, cut), Buffer.from(bad), bytes.subarray(cut)]));
        expect(() => traceSource(spec(source.format, path, variant), { capacityBytes: variant.capacityBytes, sectorSizeBytes: variant.sectorSizeBytes })).toThrow(/not UTF-8 text|malformed line/);
      }),
      { numRuns: 200, seed: FUZZ_SEED },
    );
  });
});
