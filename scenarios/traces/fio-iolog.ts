/**
 * fio iolog, version 3 (fio HOWTO "Trace file format v3", read_iolog):
 *
 *   fio version 3 iolog
 *   timestamp filename add|open|close
 *   timestamp filename read|write|sync|datasync|trim|sync_file_range offset length
 *
 * Timestamps are MICROSECONDS since the start of the run. The HOWTO does not
 * say the unit; fio's source does: write_iolog prints
 * utime_since_now(&io_log_start_time) and read_iolog's replay delay is
 * compared with utime_since_now(), both microseconds. (t0038.iolog agrees:
 * fio's null engine writing 4 KiB every 1-3 units is µs, not ms.)
 *
 * Version 2 (fio >= 1.17, "Trace file format v2") has no timestamps:
 *
 *   fio version 2 iolog
 *   filename add|open|close
 *   filename read|write|sync|datasync|trim|wait offset length
 *
 * fio replays it as fast as its iodepth allows, stalling only at a "wait"
 * (whose offset the HOWTO calls µs since the previous wait, and fio's
 * read_iolog_get compares with ms since the job began). That is
 * `timing: ignore` here: its waits are counted, not replayed, and
 * `timing: honor` is refused by the trace source (see ParsedTraceColumns.untimed).
 */
import { LineProblems, SAFE_RANGE_EXPECTED, SAFE_TIME_EXPECTED, columnOfField, isSafeRange, fieldColumns, materialize, parseText, parseUnsigned, type ParsedTrace, type ParsedTraceColumns, type TraceLineParser, type TraceRequest } from "./common.js";
import { TraceColumns } from "./trace-columns.js";
import { LineScanner } from "./line-scanner.js";

export const FIO_IOLOG_V3_HEADER = "fio version 3 iolog";
export const FIO_IOLOG_V2_HEADER = "fio version 2 iolog";
const NS_PER_FIO_TICK = 1000;

const FILE_ACTIONS = new Set(["add", "open", "close"]);
const IO_ACTIONS = new Set(["read", "write", "sync", "datasync", "trim", "wait", "sync_file_range"]);
const SPACE = 0x20;

export function parseFioIolog(text: string, fileName: string): TraceRequest[] {
  return parseFioIologDetailed(text, fileName).requests;
}

export function parseFioIologDetailed(text: string, fileName: string): ParsedTrace {
  return materialize(parseText(new FioIologParser(fileName), text));
}

export class FioIologParser implements TraceLineParser {
  private readonly problems: LineProblems;
  private readonly columns = new TraceColumns();
  // fio numbers files in the order they are added (its fileno): that index is the device.
  private readonly fileIndex = new Map<string, number>();
  private waits = 0;
  private syncFileRanges = 0;
  private version: 2 | 3 = 3;

  private readonly scanner: LineScanner | undefined;
  /** Lines the fast path read (the rest went the general way), for tests. */
  linesReadFast = 0;
  /** The file of the last line the fast path read, and its index: a log's I/O lines name one file, or long runs of one. */
  private lastFileName = "";
  private lastFileIndex = 0;

  /** `generalOnly` reads every line the general way, for tests that hold the fast path to it. */
  constructor(fileName: string, options: { readonly generalOnly?: boolean } = {}) {
    this.problems = new LineProblems("fio-iolog", fileName);
    this.scanner = options.generalOnly === true ? undefined : new LineScanner();
  }

  line(raw: string, lineNumber: number): boolean {
    // Line 1 (the header) never reads fast: an I/O line names an added file, and none is added yet.
    if (this.scanner !== undefined && this.fastLine(this.scanner, raw, lineNumber)) return true;
    if (lineNumber === 1) {
      const header = raw.trim();
      if (header === FIO_IOLOG_V3_HEADER) return true;
      if (header === FIO_IOLOG_V2_HEADER) {
        this.version = 2;
        return true;
      }
      this.problems.add(1, 1, raw, `the header "${FIO_IOLOG_V3_HEADER}" (or "${FIO_IOLOG_V2_HEADER}")`);
      // Nothing after a wrong header is read as this format.
      return false;
    }
    const line = raw.trim();
    if (line === "") return true;
    const problems = this.problems;
    const fileIndex = this.fileIndex;
    const fields = line.split(/\s+/);
    const v2 = this.version === 2;
    // v2 lines are v3's without the timestamp: read as at time 0, which timing: ignore does not look at.
    const time = v2 ? 0 : parseUnsigned(fields.shift());
    const [fileName_, action] = fields;
    // Where field i (after the timestamp) starts on the line, for a problem's column: found only when there is one.
    const column = (i: number): number => columnOfField(fieldColumns(raw), v2 ? i : i + 1, raw);
    if (time === undefined) {
      problems.add(lineNumber, columnOfField(fieldColumns(raw), 0, raw), raw, "a timestamp in µs (unsigned integer) first");
      return true;
    }
    if (fields.length === 2 && action !== undefined && FILE_ACTIONS.has(action)) {
      if (action === "add" && !fileIndex.has(fileName_ as string)) fileIndex.set(fileName_ as string, fileIndex.size);
      else if (action !== "add" && !fileIndex.has(fileName_ as string)) problems.add(lineNumber, column(0), raw, `an "add" of ${fileName_} before its "${action}"`);
      return true;
    }
    // fio itself ignores (with an error) a wait in a v3 log, whatever follows the word: timestamps replace it.
    if (action === "wait" && !v2) {
      this.waits++;
      return true;
    }
    if (fields.length !== 4 || action === undefined || !IO_ACTIONS.has(action)) {
      // At an action it does not know, else at the field too many (or just past the last when one is missing).
      problems.add(
        lineNumber,
        column(action === undefined || !IO_ACTIONS.has(action) ? 1 : 4),
        raw,
        v2 ? "`filename add|open|close` or `filename read|write|sync|datasync|trim|wait offset length`" : "`timestamp filename add|open|close` or `timestamp filename read|write|sync|datasync|trim offset length`",
      );
      return true;
    }
    // fio logs a job's sync_file_range calls (io_ddir_name) but its own replay refuses them as a bad action and goes on.
    if (action === "sync_file_range") {
      this.syncFileRanges++;
      return true;
    }
    const device = fileIndex.get(fileName_ as string);
    const offsetBytes = parseUnsigned(fields[2]);
    const lengthBytes = parseUnsigned(fields[3]);
    if (device === undefined) {
      problems.add(lineNumber, column(0), raw, `an "add" of ${fileName_} before I/O on it`);
      return true;
    }
    if (offsetBytes === undefined || lengthBytes === undefined) {
      problems.add(lineNumber, column(offsetBytes === undefined ? 2 : 3), raw, "offset and length in bytes (unsigned integers)");
      return true;
    }
    if (action === "wait") {
      // v2 (v3's were skipped above): a stall, its offset the time; nothing to replay with timing ignored.
      this.waits++;
      return true;
    }
    const timeNs = time * NS_PER_FIO_TICK;
    if (!Number.isSafeInteger(timeNs)) {
      problems.add(lineNumber, columnOfField(fieldColumns(raw), 0, raw), raw, SAFE_TIME_EXPECTED);
      return true;
    }
    if (!isSafeRange(offsetBytes, lengthBytes)) {
      problems.add(lineNumber, column(2), raw, SAFE_RANGE_EXPECTED);
      return true;
    }
    if (action === "sync" || action === "datasync") this.columns.push(timeNs, device, "flush", 0, 0, lineNumber);
    else this.columns.push(timeNs, device, action as "read" | "write" | "trim", offsetBytes, lengthBytes, lineNumber);
    return true;
  }

  /**
   * A read, write or trim line as fio writes it ("%llu %s %s %llu %llu",
   * without the time in version 2: one space between fields, nothing
   * around them) of a file already added, read where it lies and its
   * request pushed; false, having changed nothing, for any other line,
   * which the general path then reads.
   */
  private fastLine(scanner: LineScanner, raw: string, lineNumber: number): boolean {
    scanner.reset(raw);
    let timeNs = 0;
    if (this.version === 3) {
      const time = scanner.unsigned();
      timeNs = time * NS_PER_FIO_TICK;
      if (time < 0 || !scanner.skip(SPACE) || !Number.isSafeInteger(timeNs)) return false;
    }
    let device = this.lastFileIndex;
    if (this.lastFileName === "" || !scanner.skipField(this.lastFileName, SPACE)) {
      const fileName = scanner.until(" ");
      // An added name has no whitespace (the general path split its "add" line at whitespace), so a name with any is not found.
      const index = this.fileIndex.get(fileName);
      if (index === undefined) return false;
      this.lastFileName = fileName;
      this.lastFileIndex = device = index;
    }
    if (!scanner.skip(SPACE)) return false;
    const kind = scanner.skipWord("write ") ? "write" : scanner.skipWord("read ") ? "read" : scanner.skipWord("trim ") ? "trim" : undefined;
    if (kind === undefined) return false;
    const offsetBytes = scanner.unsigned();
    if (offsetBytes < 0 || !scanner.skip(SPACE)) return false;
    const lengthBytes = scanner.unsigned();
    // Of 15 digits at most each, offset and length add up to less than 2^53: no range check.
    if (lengthBytes < 0 || !scanner.atEnd) return false;
    this.columns.push(timeNs, device, kind, offsetBytes, lengthBytes, lineNumber);
    this.linesReadFast++;
    return true;
  }

  finish(): ParsedTraceColumns {
    this.problems.throwIfAny();
    const notes =
      this.version === 3
        ? ["fio iolog v3: timestamps read as µs since the start of the run (fio writes them with utime_since_now)"]
        : ["fio iolog v2: no timestamps; replayed in the log's order at the trace's iodepth, as fio replays it"];
    if (this.waits > 0 && this.version === 3) notes.push(`${this.waits} "wait" lines ignored, as fio does in a version 3 iolog`);
    if (this.waits > 0 && this.version === 2) notes.push(`${this.waits} "wait" lines not replayed: a version 2 iolog is replayed with its timing ignored`);
    if (this.syncFileRanges > 0) notes.push(`${this.syncFileRanges} "sync_file_range" lines not replayed, as fio's own replay skips them`);
    const deviceNames = new Map([...this.fileIndex].map(([name, index]) => [index, name] as const));
    return { format: "fio-iolog", columns: this.columns, notes, deviceNames, ...(this.version === 2 ? { untimed: FIO_IOLOG_V2_HEADER } : {}) };
  }
}
