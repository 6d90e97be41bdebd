/**
 * SNIA MSR Cambridge block traces (IOTTA "MSR Cambridge Traces"), CSV without
 * quoting, one request a line:
 *
 *   Timestamp,Hostname,DiskNumber,Type,Offset,Size,ResponseTime
 *   128166372003061629,hm,1,Read,3229184,4096,21560
 *
 * Timestamp is a Windows FILETIME (100 ns ticks since 1601-01-01 UTC); Type is
 * Read or Write; Offset and Size are bytes; ResponseTime is the measured
 * completion time in ticks, a result of the traced system rather than part of
 * the workload, so it is checked but not used. The published files have no
 * header line; one naming the columns is accepted anyway.
 *
 * A FILETIME (~1.3e17) is beyond 2^53, where a JS number loses whole ticks,
 * so times are made relative to the first record by subtracting digit groups:
 * timeNs is "ns since the file's first record" (negative if a later record
 * predates it; the trace source sorts).
 */
import { LineProblems, SAFE_RANGE_EXPECTED, SAFE_TIME_EXPECTED, columnOfField, isSafeRange, fieldColumns, materialize, parseText, parseUnsigned, type ParsedTrace, type ParsedTraceColumns, type TraceLineParser, type TraceRequest } from "./common.js";
import { TraceColumns } from "./trace-columns.js";
import { LineScanner, MAX_EXACT_DIGITS } from "./line-scanner.js";

const NS_PER_FILETIME_TICK = 100;
/** The low digit group: 1e9 ticks, so each group stays well inside 2^53 and their difference is exact. */
const LOW_DIGITS = 9;
const LOW_GROUP = 10 ** LOW_DIGITS;

const COMMA = 0x2c;

const EXPECTED_FIELDS = "7 comma-separated fields: Timestamp(FILETIME),Hostname,DiskNumber,Read|Write,Offset(bytes),Size(bytes),ResponseTime";

export function parseMsrCambridge(text: string, fileName: string): TraceRequest[] {
  return parseMsrCambridgeDetailed(text, fileName).requests;
}

function splitTicks(token: string): { high: number; low: number } | undefined {
  if (!/^[0-9]+$/.test(token)) return undefined;
  const cut = Math.max(0, token.length - LOW_DIGITS);
  const high = cut === 0 ? 0 : Number(token.slice(0, cut));
  const low = Number(token.slice(cut));
  return Number.isSafeInteger(high) ? { high, low } : undefined;
}

export function parseMsrCambridgeDetailed(text: string, fileName: string): ParsedTrace {
  return materialize(parseText(new MsrCambridgeParser(fileName), text));
}

export class MsrCambridgeParser implements TraceLineParser {
  private readonly problems: LineProblems;
  private readonly columns = new TraceColumns();
  private readonly hostnames = new Set<string>();
  /** The first record's FILETIME, as its two digit groups (see LOW_DIGITS); undefined until a record is read. */
  private originHigh: number | undefined;
  private originLow = 0;
  private sawDataLine = false;

  private readonly scanner: LineScanner | undefined;
  /** Lines the fast path read (the rest went the general way), for tests. */
  linesReadFast = 0;
  /** The hostname of the last line the fast path read: a trace names one host, or long runs of one. */
  private lastHostname = "";

  /** `generalOnly` reads every line the general way, for tests that hold the fast path to it. */
  constructor(fileName: string, options: { readonly generalOnly?: boolean } = {}) {
    this.problems = new LineProblems("msr-cambridge", fileName);
    this.scanner = options.generalOnly === true ? undefined : new LineScanner();
  }

  line(raw: string, lineNumber: number): boolean {
    if (this.scanner !== undefined && this.fastLine(this.scanner, raw, lineNumber)) return true;
    if (raw.trim() === "") return true;
    if (!this.sawDataLine && /^\s*timestamp\s*,/i.test(raw)) return true;
    this.sawDataLine = true;
    const fields = raw.split(",").map((f) => f.trim());
    if (fields.length !== 7) {
      this.problems.add(lineNumber, columnOfField(fieldColumns(raw, ","), 7, raw), raw, `${EXPECTED_FIELDS} (found ${fields.length})`);
      return true;
    }
    const [timeField, hostname, diskField, typeField, offsetField, sizeField, responseField] = fields as [string, string, string, string, string, string, string];
    const ticks = splitTicks(timeField);
    const device = parseUnsigned(diskField);
    const type = typeField.toLowerCase();
    const offsetBytes = parseUnsigned(offsetField);
    const lengthBytes = parseUnsigned(sizeField);
    const responseTicks = parseUnsigned(responseField);
    const good = [ticks !== undefined, hostname !== "", device !== undefined, type === "read" || type === "write", offsetBytes !== undefined, lengthBytes !== undefined, responseTicks !== undefined];
    if (ticks === undefined || device === undefined || (type !== "read" && type !== "write") || offsetBytes === undefined || lengthBytes === undefined || good.includes(false)) {
      this.problems.add(lineNumber, columnOfField(fieldColumns(raw, ","), good.indexOf(false), raw), raw, EXPECTED_FIELDS);
      return true;
    }
    const timeNs = this.relativeTimeNs(ticks.high, ticks.low);
    // Relative to the first record, so a time before it is negative: its size is what must fit.
    if (!Number.isSafeInteger(timeNs)) {
      this.problems.add(lineNumber, columnOfField(fieldColumns(raw, ","), 0, raw), raw, SAFE_TIME_EXPECTED);
      return true;
    }
    if (!isSafeRange(offsetBytes, lengthBytes)) {
      this.problems.add(lineNumber, columnOfField(fieldColumns(raw, ","), 4, raw), raw, SAFE_RANGE_EXPECTED);
      return true;
    }
    this.keepOrigin(ticks.high, ticks.low);
    this.hostnames.add(hostname);
    this.columns.push(timeNs, device, type, offsetBytes, lengthBytes, lineNumber);
    return true;
  }

  /**
   * A plain line (no blanks, fields as the published files write them)
   * read without splitting it, its request pushed; false, having changed
   * nothing, for any other line, which the general path then reads.
   */
  private fastLine(scanner: LineScanner, raw: string, lineNumber: number): boolean {
    scanner.reset(raw);
    const timeEnd = scanner.digitsEnd();
    if (timeEnd === 0 || timeEnd > MAX_EXACT_DIGITS + LOW_DIGITS) return false;
    const cut = Math.max(0, timeEnd - LOW_DIGITS);
    const ticksHigh = scanner.digitsValue(0, cut);
    const ticksLow = scanner.digitsValue(cut, timeEnd);
    scanner.at = timeEnd;
    if (!scanner.skip(COMMA)) return false;
    let hostname = this.lastHostname;
    if (hostname === "" || !scanner.skipField(hostname, COMMA)) {
      hostname = scanner.until(",");
      if (hostname === "" || hostname.trim() !== hostname) return false;
    }
    if (!scanner.skip(COMMA)) return false;
    const device = scanner.unsigned();
    if (device < 0 || !scanner.skip(COMMA)) return false;
    const type = scanner.skipWord("Write") || scanner.skipWord("write") ? "write" : scanner.skipWord("Read") || scanner.skipWord("read") ? "read" : undefined;
    if (type === undefined || !scanner.skip(COMMA)) return false;
    const offsetBytes = scanner.unsigned();
    if (offsetBytes < 0 || !scanner.skip(COMMA)) return false;
    const lengthBytes = scanner.unsigned();
    if (lengthBytes < 0 || !scanner.skip(COMMA)) return false;
    if (scanner.unsigned() < 0 || !scanner.atEnd) return false;
    const timeNs = this.relativeTimeNs(ticksHigh, ticksLow);
    // Of 15 digits at most each, offset and size add up to less than 2^53: no range check.
    if (!Number.isSafeInteger(timeNs)) return false;
    this.sawDataLine = true;
    this.keepOrigin(ticksHigh, ticksLow);
    if (hostname !== this.lastHostname) {
      this.hostnames.add(hostname);
      this.lastHostname = hostname;
    }
    this.columns.push(timeNs, device, type, offsetBytes, lengthBytes, lineNumber);
    this.linesReadFast++;
    return true;
  }

  /** A FILETIME given as its two digit groups, in ns since the first record (this one, when it is the first). */
  private relativeTimeNs(ticksHigh: number, ticksLow: number): number {
    if (this.originHigh === undefined) return 0;
    return ((ticksHigh - this.originHigh) * LOW_GROUP + (ticksLow - this.originLow)) * NS_PER_FILETIME_TICK;
  }

  /** Makes a record read whole the origin, if it is the first. */
  private keepOrigin(ticksHigh: number, ticksLow: number): void {
    if (this.originHigh !== undefined) return;
    this.originHigh = ticksHigh;
    this.originLow = ticksLow;
  }

  finish(): ParsedTraceColumns {
    this.problems.throwIfAny();
    const notes = [
      "MSR Cambridge: timestamps are Windows FILETIME (100 ns ticks), taken relative to the first record; offsets and sizes in bytes; ResponseTime (a measured result) not used",
    ];
    if (this.hostnames.size > 0) notes.push(`hosts in the trace: ${[...this.hostnames].sort().join(", ")} (devices are DiskNumber, whatever the host)`);
    return { format: "msr-cambridge", columns: this.columns, notes, deviceNames: new Map() };
  }
}
