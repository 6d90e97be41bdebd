/**
 * What every trace parser produces, and the helpers they share. Parsers turn
 * one file's text into requests in the trace's own terms (its device numbers,
 * its addresses, its clock converted to nanoseconds); fitting them onto the
 * Source LU is trace-source.ts's job, so a parser never needs the scenario.
 */
import type { TraceFormat } from "../model.js";
import { forEachLine } from "../text-file.js";
import type { TraceColumns } from "./trace-columns.js";

/**
 * "flush" is a cache flush with no data (fio sync/datasync, blkparse F);
 * "trim" a discard (fio trim, blkparse D in RWBS). Both are kept so the
 * trace source can say how many it did not replay rather than lose them.
 */
export type TraceRequestKind = "read" | "write" | "flush" | "trim";

export interface TraceRequest {
  /** Time of the request in ns on the trace's own clock (see each parser for the origin). */
  readonly timeNs: number;
  /** The trace's device number (DiskSim/MSR disk, fio file index, blkparse dev_t). */
  readonly device: number;
  readonly kind: TraceRequestKind;
  readonly offsetBytes: number;
  readonly lengthBytes: number;
  /** Write with Force Unit Access (blkparse RWBS "WF..."); absent otherwise. */
  readonly fua?: true;
  /**
   * blkparse: the device this I/O was remapped from (an A event: a stacked
   * device, dm or md, or a partition, passing it down). Where that device's
   * own events are replayed too, this one is the same I/O seen again.
   */
  readonly remappedFrom?: number;
  /** 1-based line in the trace file, so later errors can point at it. */
  readonly line: number;
}

/** A parser's result: the requests plus facts the results should state (units read, lines skipped and why). */
export interface ParsedTrace {
  readonly format: TraceFormat;
  readonly requests: TraceRequest[];
  readonly notes: string[];
  /** Human names for device numbers where the format has them (fio file names, blkparse "8,0"). */
  readonly deviceNames: ReadonlyMap<number, string>;
}

/** DiskSim/MQSim and blkparse count in 512-byte sectors whatever the device's logical block size. */
export const TRACE_SECTOR_BYTES = 512;

/** How many bad lines a TraceParseError lists; the rest are only counted, to keep the message readable. */
export const MAX_LISTED_PROBLEMS = 20;

export interface TraceLineProblem {
  readonly fileName: string;
  readonly lineNumber: number;
  /** 1-based column of the offending field (just past the line's end when a field is missing). */
  readonly column: number;
  readonly text: string;
  /** What the parser expected to find there. */
  readonly expected: string;
}

/** A trace file that does not follow its format: every bad line (up to MAX_LISTED_PROBLEMS) with file:line:column. */
export class TraceParseError extends Error {
  constructor(
    readonly format: TraceFormat,
    readonly fileName: string,
    readonly problems: readonly TraceLineProblem[],
    readonly badLineCount: number,
    /** A last line for the user: the format the file looks like, when it is not the one it was read as. */
    readonly hint?: string,
  ) {
    super(describeProblems(format, fileName, problems, badLineCount, hint));
    this.name = new.target.name;
  }
}

function describeProblems(format: TraceFormat, fileName: string, problems: readonly TraceLineProblem[], badLineCount: number, hint: string | undefined): string {
  const lines = [`${fileName}: ${badLineCount} malformed line${badLineCount === 1 ? "" : "s"} for a ${format} trace`];
  for (const p of problems) {
    const shown = p.text.length > 120 ? `${p.text.slice(0, 117)}...` : p.text;
    lines.push(`  ${p.fileName}:${p.lineNumber}:${p.column}: expected ${p.expected}; got ${JSON.stringify(shown)}`);
  }
  if (badLineCount > problems.length) lines.push(`  (${badLineCount - problems.length} more not listed)`);
  if (hint !== undefined) lines.push(`  ${hint}`);
  return lines.join("\n");
}

/** Collects bad lines during a parse so the user sees all of them at once, not one per run. */
export class LineProblems {
  private readonly listed: TraceLineProblem[] = [];
  private count = 0;

  constructor(
    private readonly format: TraceFormat,
    private readonly fileName: string,
  ) {}

  add(lineNumber: number, column: number, text: string, expected: string): void {
    this.count++;
    if (this.listed.length < MAX_LISTED_PROBLEMS) this.listed.push({ fileName: this.fileName, lineNumber, column, text, expected });
  }

  throwIfAny(): void {
    if (this.count > 0) throw new TraceParseError(this.format, this.fileName, this.listed, this.count);
  }
}

/** A parser's result as columns, before anything materializes objects: what the trace source works on. */
export interface ParsedTraceColumns {
  readonly format: TraceFormat;
  readonly columns: TraceColumns;
  readonly notes: string[];
  readonly deviceNames: ReadonlyMap<number, string>;
  /** Set when the file has no times to honour (a fio version 2 iolog): the header that says so, on line 1. */
  readonly untimed?: string;
}

/**
 * A parser fed one line at a time (readUtf8Lines or forEachLine), so that a
 * trace is never split into an array of lines: `line` gets each line with its
 * 1-based number and returns false once it wants no more; `finish` throws
 * the TraceParseError of every bad line, or gives the requests.
 */
export interface TraceLineParser {
  line(text: string, lineNumber: number): boolean;
  finish(): ParsedTraceColumns;
}

/** A parse of text already in memory. */
export function parseText(parser: TraceLineParser, text: string): ParsedTraceColumns {
  forEachLine(text, (line, lineNumber) => parser.line(line, lineNumber));
  return parser.finish();
}

/** The requests as objects, for callers that want them so (tests, a small trace's inspection). */
export function materialize(parsed: ParsedTraceColumns): ParsedTrace {
  return { format: parsed.format, requests: parsed.columns.toRequests(), notes: parsed.notes, deviceNames: parsed.deviceNames };
}

/**
 * The 1-based column where each field of `line` starts: fields separated by
 * whitespace, or by `separator` (a CSV's comma; a field's column is then its
 * first character that is not a space, as the parsers trim fields).
 */
export function fieldColumns(line: string, separator?: string): number[] {
  const columns: number[] = [];
  if (separator === undefined) {
    for (const match of line.matchAll(/\S+/g)) columns.push(match.index + 1);
    return columns;
  }
  let start = 0;
  for (;;) {
    let first = start;
    while (line[first] === " " || line[first] === "\t") first++;
    const end = line.indexOf(separator, start);
    columns.push((end < 0 || first <= end ? first : start) + 1);
    if (end < 0) return columns;
    start = end + separator.length;
  }
}

/** The column of field `index` in `columns`, or just past the line's end when the line has fewer fields. */
export function columnOfField(columns: readonly number[], index: number, line: string): number {
  return columns[index] ?? line.trimEnd().length + 1;
}

/**
 * Times in ns and byte addresses must be safe integers: past 2^53 a double no
 * longer holds every integer, and a time or an end address there is rounded
 * without a word (a 4 KiB write near 2^62 bytes came out 4.5 KiB long, and a
 * time in ms times 10^6 became Infinity).
 */
export const SAFE_TIME_EXPECTED = `a time of at most ${Number.MAX_SAFE_INTEGER} ns (about 104 days) from the trace's origin`;
export const SAFE_RANGE_EXPECTED = `an offset and length whose end is at most ${Number.MAX_SAFE_INTEGER} bytes (8 PiB)`;

/** Whether `offsetBytes + lengthBytes`, and both of them, are safe integers. */
export function isSafeRange(offsetBytes: number, lengthBytes: number): boolean {
  return Number.isSafeInteger(offsetBytes) && Number.isSafeInteger(lengthBytes) && Number.isSafeInteger(offsetBytes + lengthBytes);
}

const UNSIGNED_INTEGER = /^[0-9]+$/;
// With an exponent: DiskSim reads its times with scanf's %lf, and traces written through %g carry "2.14748e+09".
const UNSIGNED_DECIMAL = /^([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$/;

/** A non-negative integer token, or undefined: Number() alone would accept "", "0x10" and "1e3". */
export function parseUnsigned(token: string | undefined): number | undefined {
  if (token === undefined || !UNSIGNED_INTEGER.test(token)) return undefined;
  const value = Number(token);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** A non-negative decimal token ("12", "12.5", ".5", "2.14748e+09"), or undefined. */
export function parseUnsignedDecimal(token: string | undefined): number | undefined {
  if (token === undefined || !UNSIGNED_DECIMAL.test(token)) return undefined;
  const value = Number(token);
  return Number.isFinite(value) ? value : undefined;
}

const BYTE_UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"] as const;

/** "216.7 GiB": binary units, one decimal unless whole, for notes a person reads. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const shown = Number.isInteger(value) ? String(value) : value.toFixed(1);
  return `${shown} ${BYTE_UNITS[unit]}`;
}

/** "136.5 ms", "60.06 s": enough digits to recognise a trace's span. */
export function formatDurationNs(ns: number): string {
  if (ns >= 1e9) return `${(ns / 1e9).toPrecision(4)} s`;
  if (ns >= 1e6) return `${(ns / 1e6).toPrecision(4)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toPrecision(4)} µs`;
  return `${ns} ns`;
}

/** "0-15" for a contiguous run of numbers, else a list (shortened past 12 entries). */
export function formatDeviceList(devices: readonly number[], names: ReadonlyMap<number, string>): string {
  const label = (d: number): string => names.get(d) ?? String(d);
  const first = devices[0];
  const last = devices[devices.length - 1];
  if (first === undefined || last === undefined) return "none";
  if (names.size === 0 && devices.length > 2 && last - first === devices.length - 1) return `${first}-${last}`;
  // blkparse names contain a comma ("8,0"), so named devices are separated by semicolons.
  const shown = devices.slice(0, 12).map(label).join(names.size === 0 ? ", " : "; ");
  return devices.length > 12 ? `${shown}, ... (${devices.length} devices)` : shown;
}
