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

const NS_PER_FILETIME_TICK = 100;
/** The low digit group: 1e9 ticks, so each group stays well inside 2^53 and their difference is exact. */
const LOW_DIGITS = 9;
const LOW_GROUP = 10 ** LOW_DIGITS;

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
  private origin: { high: number; low: number } | undefined;
  private sawDataLine = false;

  constructor(fileName: string) {
    this.problems = new LineProblems("msr-cambridge", fileName);
  }

  line(raw: string, lineNumber: number): boolean {
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
    const origin = this.origin ?? ticks;
    const relativeTicks = (ticks.high - origin.high) * LOW_GROUP + (ticks.low - origin.low);
    const timeNs = relativeTicks * NS_PER_FILETIME_TICK;
    // Relative to the first record, so a time before it is negative: its size is what must fit.
    if (!Number.isSafeInteger(timeNs)) {
      this.problems.add(lineNumber, columnOfField(fieldColumns(raw, ","), 0, raw), raw, SAFE_TIME_EXPECTED);
      return true;
    }
    if (!isSafeRange(offsetBytes, lengthBytes)) {
      this.problems.add(lineNumber, columnOfField(fieldColumns(raw, ","), 4, raw), raw, SAFE_RANGE_EXPECTED);
      return true;
    }
    this.origin = origin;
    this.hostnames.add(hostname);
    this.columns.push(timeNs, device, type, offsetBytes, lengthBytes, lineNumber);
    return true;
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
