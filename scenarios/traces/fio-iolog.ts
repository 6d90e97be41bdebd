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
 * Version 2 has no timestamps at all, so nothing here could honour its timing;
 * it is refused with a message rather than replayed as one burst.
 */
import { LineProblems, parseUnsigned, splitLines, type ParsedTrace, type TraceRequest } from "./common.js";

export const FIO_IOLOG_V3_HEADER = "fio version 3 iolog";
const FIO_IOLOG_V2_HEADER = "fio version 2 iolog";
const NS_PER_FIO_TICK = 1000;

const FILE_ACTIONS = new Set(["add", "open", "close"]);
const IO_ACTIONS = new Set(["read", "write", "sync", "datasync", "trim", "wait", "sync_file_range"]);

export function parseFioIolog(text: string, fileName: string): TraceRequest[] {
  return parseFioIologDetailed(text, fileName).requests;
}

export function parseFioIologDetailed(text: string, fileName: string): ParsedTrace {
  const problems = new LineProblems("fio-iolog", fileName);
  const lines = splitLines(text);
  const header = (lines[0] ?? "").trim();
  if (header !== FIO_IOLOG_V3_HEADER) {
    const expected =
      header === FIO_IOLOG_V2_HEADER
        ? `"${FIO_IOLOG_V3_HEADER}" (a version 2 iolog has no timestamps to replay; record it again with fio >= 3.31 write_iolog)`
        : `the header "${FIO_IOLOG_V3_HEADER}"`;
    problems.add(1, lines[0] ?? "", expected);
    problems.throwIfAny();
  }

  // fio numbers files in the order they are added (its fileno): that index is the device.
  const fileIndex = new Map<string, number>();
  const requests: TraceRequest[] = [];
  let waits = 0;
  let syncFileRanges = 0;

  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i] as string;
    const line = raw.trim();
    if (line === "") continue;
    const lineNumber = i + 1;
    const fields = line.split(/\s+/);
    const [timeField, fileName_, action] = fields;
    const time = parseUnsigned(timeField);
    if (time === undefined) {
      problems.add(lineNumber, raw, "a timestamp in µs (unsigned integer) first");
      continue;
    }
    if (fields.length === 3 && action !== undefined && FILE_ACTIONS.has(action)) {
      if (action === "add" && !fileIndex.has(fileName_ as string)) fileIndex.set(fileName_ as string, fileIndex.size);
      else if (action !== "add" && !fileIndex.has(fileName_ as string)) problems.add(lineNumber, raw, `an "add" of ${fileName_} before its "${action}"`);
      continue;
    }
    // fio itself ignores (with an error) a wait in a v3 log, whatever follows the word: timestamps replace it.
    if (action === "wait") {
      waits++;
      continue;
    }
    if (fields.length !== 5 || action === undefined || !IO_ACTIONS.has(action)) {
      problems.add(lineNumber, raw, "`timestamp filename add|open|close` or `timestamp filename read|write|sync|datasync|trim offset length`");
      continue;
    }
    // fio logs a job's sync_file_range calls (io_ddir_name) but its own replay refuses them as a bad action and goes on.
    if (action === "sync_file_range") {
      syncFileRanges++;
      continue;
    }
    const device = fileIndex.get(fileName_ as string);
    const offsetBytes = parseUnsigned(fields[3]);
    const lengthBytes = parseUnsigned(fields[4]);
    if (device === undefined) {
      problems.add(lineNumber, raw, `an "add" of ${fileName_} before I/O on it`);
      continue;
    }
    if (offsetBytes === undefined || lengthBytes === undefined) {
      problems.add(lineNumber, raw, "offset and length in bytes (unsigned integers)");
      continue;
    }
    const timeNs = time * NS_PER_FIO_TICK;
    if (action === "sync" || action === "datasync") {
      requests.push({ timeNs, device, kind: "flush", offsetBytes: 0, lengthBytes: 0, line: lineNumber });
    } else {
      requests.push({ timeNs, device, kind: action as "read" | "write" | "trim", offsetBytes, lengthBytes, line: lineNumber });
    }
  }
  problems.throwIfAny();

  const notes = ["fio iolog v3: timestamps read as µs since the start of the run (fio writes them with utime_since_now)"];
  if (waits > 0) notes.push(`${waits} "wait" lines ignored, as fio does in a version 3 iolog`);
  if (syncFileRanges > 0) notes.push(`${syncFileRanges} "sync_file_range" lines not replayed, as fio's own replay skips them`);
  const deviceNames = new Map([...fileIndex].map(([name, index]) => [index, name] as const));
  return { format: "fio-iolog", requests, notes, deviceNames };
}
