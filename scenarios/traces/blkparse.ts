/**
 * blkparse's default text output (blktrace's blkparse_fmt.c, process_default):
 *
 *   %3d,%-3d %2d %8d %5d.%09lu %5u %2s %3s <action-specific>
 *   major,minor cpu sequence seconds.nanoseconds pid action RWBS ...
 *     8,0    3        1     0.000000000   697  Q   W 223490 + 8 [kjournald]
 *
 * Each I/O shows up several times (Q queued, G get request, I inserted,
 * D issued to the driver, C completed, M/F merged...). One event per I/O is
 * replayed: D where the device has D events, because D is what the device was
 * actually sent (after the scheduler merged and split), which is the level the
 * Source LU sits at; Q otherwise, because a bio-based device (device-mapper,
 * md) never issues D events and its Q events are the only record of its I/O.
 *
 * RWBS (fill_rwbs): [F]{D|W|R|N}[F][A][S][M]: a leading F is a preflush,
 * D discard, W write, R read, N no data, an F after the operation is FUA,
 * A read-ahead, S sync, M metadata. A preflush becomes a "flush" request
 * before the data request, if any; FUA is kept as a flag. blktrace's
 * zoned-device support (blkparse_fmt.c, 2025; the kernel's blk_fill_rwbs
 * prints the same) adds two- and three-letter operations: ZA zone append,
 * ZR zone reset, ZRA reset all, ZF finish, ZO open, ZC close; kernels that
 * trace a secure erase print DE. A zone append writes data (at the zone's
 * write pointer, chosen by the device: its event names the zone's start) and
 * is replayed as a write there; the other zone operations move no data and
 * are counted, not replayed; a secure erase is a discard. Sectors are 512
 * bytes; time is seconds.nanoseconds since the trace started.
 *
 * A request the driver gave back (R, requeued) is issued again: its second
 * D is the same I/O and is not replayed. An I/O a stacked device (dm, md, a
 * partition) passed down shows an A (remap) event on the device below,
 * "sector + n <- (major,minor) sector"; its events there carry the device
 * above (remappedFrom), so that a replay of both levels counts it once (see
 * trace-source.ts). Its Q there has the remap's sector and length; its D may
 * not (the scheduler merges and splits), so a D carries the device above when
 * remapped sectors not yet issued cover all of its own.
 *
 * blkparse ends with per-CPU and total statistics ("CPU0 (8,0):",
 * "Total (8,0):", ...); parsing stops at the first such line.
 */
import {
  LineProblems,
  SAFE_TIME_EXPECTED,
  TRACE_SECTOR_BYTES,
  isSafeRange,
  columnOfField,
  fieldColumns,
  materialize,
  parseText,
  parseUnsigned,
  type ParsedTrace,
  type ParsedTraceColumns,
  type TraceLineParser,
  type TraceRequest,
} from "./common.js";
import { TraceColumns } from "./trace-columns.js";
import { LineScanner } from "./line-scanner.js";

/** blktrace records the kernel's dev_t, whose minor number has 20 bits (MINORBITS). */
const MINOR_BITS_FACTOR = 2 ** 20;
const NS_PER_SECOND = 1_000_000_000;

export const BLKPARSE_EVENT_LINE = /^\s*(\d+),(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\.(\d{9})\s+(\d+)\s+(\S+)\s+(\S+)(?:\s+(.*?))?\s*$/;
const SUMMARY_START = /^\s*(CPU\d+|Total) \(/;
const DATA_PAYLOAD = /^(\d+) \+ (\d+)(?: \(\s*\d+\))? \[.*\]$/;
const NO_DATA_PAYLOAD = /^(?:\(\s*\d+\) )?\[.*\]$/;
/** SCSI/NVMe passthrough ("packet command"): a byte count and a CDB dump, no sector. */
const PASSTHROUGH_PAYLOAD = /^\d+ (?:\(.*\) )?\[.*\]$/;
// Longest first: "ZRA" is a reset-all, not a reset with read-ahead.
const RWBS = /^(F?)(ZRA|ZA|ZR|ZF|ZO|ZC|DE|[DWRN])(F?)([ABSME]*)$/;
const ZONE_MANAGEMENT = new Set(["ZR", "ZRA", "ZF", "ZO", "ZC"]);
/** An A (remap) event's payload: where the I/O is on this device, and the device and sector it came from. */
const REMAP_PAYLOAD = /^(\d+) \+ (\d+) <- \((\d+),(\d+)\) (\d+)$/;

/** An event line's fields before its payload, in order: a line that is not an event is pointed at the first that does not fit. */
const EVENT_FIELDS: readonly RegExp[] = [/^\d+,\d+$/, /^\d+$/, /^\d+$/, /^\d+\.\d{9}$/, /^\d+$/, /^\S+$/, /^\S+$/];
const TIME_FIELD = 3;
const RWBS_FIELD = 6;
const PAYLOAD_FIELD = 7;

/** The column of the first field of a line that is not a blkparse event which does not read as that field (past the end when one is missing). */
function eventProblemColumn(raw: string): number {
  const columns = fieldColumns(raw);
  const fields = raw.trim().split(/\s+/);
  const bad = EVENT_FIELDS.findIndex((pattern, i) => !pattern.test(fields[i] ?? ""));
  return columnOfField(columns, bad < 0 ? 0 : bad, raw);
}

const COMMA = 0x2c;
const DOT = 0x2e;
/** The visible ASCII characters, none of which \s matches. */
const FIRST_VISIBLE = 0x21;
const LAST_VISIBLE = 0x7e;
const ACTION_Q = 0x51;
const ACTION_D = 0x44;
const CLOSING_BRACKET = 0x5d;
/** What a regular expression's `.` does not match ("\n" never reaches a parser). */
const LINE_TERMINATOR = /[\r\u2028\u2029]/;
/** Besides Q and D, the actions the parser reads (a requeue, a remap): every other one-letter action is passed over (see BlkparseParser.fastLine). */
const OTHER_READ_ACTIONS = "RA";

const EXPECTED_EVENT = "a blkparse event `major,minor cpu sequence seconds.nanoseconds(9 digits) pid action RWBS ...`";

/** blktrace's device number for major,minor: the kernel dev_t, (major << 20) | minor. */
export function blkparseDevice(major: number, minor: number): number {
  return major * MINOR_BITS_FACTOR + minor;
}

/**
 * The sector runs remapped onto one device (its A events) whose D has not come
 * yet, keyed by first sector, several per sector in arrival order. A D takes
 * the runs that cover its sectors end to end from its first: two runs merged
 * into one request, or the first part of a run split into several (the rest
 * stays for the next D, which starts where this one ended).
 */
/** A run of remapped sectors waiting for its D: where it ends, and the device it came from. */
interface RemappedRun {
  readonly endSector: number;
  readonly from: number;
}

class RemappedRuns {
  private readonly byStart = new Map<number, RemappedRun[]>();

  add(startSector: number, sectors: number, from: number): void {
    if (sectors === 0) return;
    this.push(startSector, { endSector: startSector + sectors, from });
  }

  /** The device the D of these sectors came from, if remapped runs cover all of them (and are then used up); else undefined. */
  take(startSector: number, sectors: number): number | undefined {
    const endSector = startSector + sectors;
    if (sectors === 0) return undefined;
    let covered = startSector;
    const starts: number[] = [];
    while (covered < endSector) {
      const run = this.byStart.get(covered)?.[0];
      if (run === undefined) return undefined;
      starts.push(covered);
      covered = run.endSector;
    }
    let from: number | undefined;
    for (const start of starts) {
      const queue = this.byStart.get(start)!;
      const run = queue.shift()!;
      if (queue.length === 0) this.byStart.delete(start);
      from ??= run.from;
      if (run.endSector > endSector) this.push(endSector, run);
    }
    return from;
  }

  private push(startSector: number, run: RemappedRun): void {
    const queue = this.byStart.get(startSector);
    if (queue === undefined) this.byStart.set(startSector, [run]);
    else queue.push(run);
  }
}

export function parseBlkparse(text: string, fileName: string): TraceRequest[] {
  return parseBlkparseDetailed(text, fileName).requests;
}

export function parseBlkparseDetailed(text: string, fileName: string): ParsedTrace {
  return materialize(parseText(new BlkparseParser(fileName), text));
}

export class BlkparseParser implements TraceLineParser {
  private readonly problems: LineProblems;
  /** Q and D events both, D ones marked: which of a device's are replayed is known only at the end. */
  private readonly columns = new TraceColumns();
  private readonly devicesWithIssue = new Set<number>();
  private readonly deviceNames = new Map<number, string>();
  private passthrough = 0;
  private noData = 0;
  /** Q/D events of zone operations that move no data, by RWBS operation. */
  private readonly zoneManagement = new Map<string, number>();
  private zoneAppends = 0;
  private summaryLine: number | undefined;
  // Per device, sector and length: requeues whose next D is a reissue, and remaps not yet met by their Q.
  private readonly requeued = new Map<string, number>();
  private reissues = 0;
  private readonly remappedQ = new Map<string, number[]>();
  // Per device, the sector runs remapped there and not yet issued (D): the scheduler merges them into larger requests
  // and splits them into smaller ones, so a D is matched by the sectors it covers, not by its own sector and length.
  private readonly remappedD = new Map<number, RemappedRuns>();

  private readonly scanner: LineScanner | undefined;
  /** Lines the fast paths passed over, and Q and D lines they read (the rest went the general way), for tests. */
  linesSkippedFast = 0;
  linesReadFast = 0;

  /** `generalOnly` reads every line the general way, for tests that hold the fast path to it. */
  constructor(fileName: string, options: { readonly generalOnly?: boolean } = {}) {
    this.problems = new LineProblems("blkparse", fileName);
    this.scanner = options.generalOnly === true ? undefined : new LineScanner();
  }

  line(raw: string, lineNumber: number): boolean {
    const fast = this.scanner === undefined ? undefined : this.fastLine(this.scanner, raw, lineNumber);
    if (fast === "skipped") this.linesSkippedFast++;
    else if (fast === "read") this.linesReadFast++;
    if (fast !== undefined) return true;
    if (raw.trim() === "") return true;
    if (SUMMARY_START.test(raw)) {
      this.summaryLine = lineNumber;
      return false;
    }
    const problems = this.problems;
    const m = BLKPARSE_EVENT_LINE.exec(raw);
    if (m === null) {
      problems.add(lineNumber, eventProblemColumn(raw), raw, EXPECTED_EVENT);
      return true;
    }
    const action = m[8] as string;
    const major = Number(m[1]);
    const minor = Number(m[2]);
    const device = blkparseDevice(major, minor);
    if (action === "R" || action === "A") {
      const remap = action === "A" ? REMAP_PAYLOAD.exec(m[10] ?? "") : null;
      const data = action === "R" ? DATA_PAYLOAD.exec(m[10] ?? "") : remap;
      if (data === null) return true;
      const key = `${device} ${data[1]} ${data[2]}`;
      if (action === "R") this.requeued.set(key, (this.requeued.get(key) ?? 0) + 1);
      else if (remap !== null) {
        const from = blkparseDevice(Number(remap[3]), Number(remap[4]));
        const queue = this.remappedQ.get(key);
        if (queue === undefined) this.remappedQ.set(key, [from]);
        else queue.push(from);
        let runs = this.remappedD.get(device);
        if (runs === undefined) this.remappedD.set(device, (runs = new RemappedRuns()));
        runs.add(Number(remap[1]), Number(remap[2]), from);
      }
      return true;
    }
    if (action !== "Q" && action !== "D") return true;

    const timeNs = Number(m[5]) * NS_PER_SECOND + Number(m[6]);
    if (!Number.isSafeInteger(timeNs)) {
      problems.add(lineNumber, columnOfField(fieldColumns(raw), TIME_FIELD, raw), raw, SAFE_TIME_EXPECTED);
      return true;
    }
    const rwbs = RWBS.exec(m[9] as string);
    const payload = m[10] ?? "";
    if (rwbs === null) {
      problems.add(lineNumber, columnOfField(fieldColumns(raw), RWBS_FIELD, raw), raw, "RWBS flags of the form [F]{D|W|R|N|ZA|ZR|ZRA|ZF|ZO|ZC|DE}[F][A][S][M]");
      return true;
    }
    let sectors = 0;
    let startSector = 0;
    const data = DATA_PAYLOAD.exec(payload);
    if (data !== null) {
      startSector = parseUnsigned(data[1]) ?? Number.NaN;
      sectors = parseUnsigned(data[2]) ?? Number.NaN;
    } else if (PASSTHROUGH_PAYLOAD.test(payload)) {
      // Commands sent around the block layer: no sector to replay.
      this.passthrough++;
      return true;
    } else if (!NO_DATA_PAYLOAD.test(payload)) {
      problems.add(lineNumber, columnOfField(fieldColumns(raw), PAYLOAD_FIELD, raw), raw, `"sector + sectors [process]" or "[process]" after ${action} ${m[9]}`);
      return true;
    }
    if (!isSafeRange(startSector * TRACE_SECTOR_BYTES, sectors * TRACE_SECTOR_BYTES)) {
      problems.add(lineNumber, columnOfField(fieldColumns(raw), PAYLOAD_FIELD, raw), raw, "a sector number and count that fit in a safe integer");
      return true;
    }

    this.queuedOrIssued(lineNumber, major, minor, action === "D", timeNs, rwbs, startSector, sectors);
    return true;
  }

  /**
   * A Q (queued) or D (issued) event of `sectors` sectors from
   * `startSector`, read and checked: what it adds to the trace (a flush,
   * the data request, or a count of what is not replayed), by either path.
   * `rwbs` is the RWBS regex's match of the event's flags.
   */
  private queuedOrIssued(lineNumber: number, major: number, minor: number, issued: boolean, timeNs: number, rwbs: RegExpExecArray, startSector: number, sectors: number): void {
    const [, preflush, operation = "", fua] = rwbs;
    const device = blkparseDevice(major, minor);
    if (!this.deviceNames.has(device)) this.deviceNames.set(device, `${major},${minor}`);
    // A key only where there are requeues or remaps to match: most traces have none, and a string per event costs.
    const key = this.requeued.size > 0 || this.remappedQ.size > 0 ? `${device} ${startSector} ${sectors}` : "";
    if (issued && (this.requeued.get(key) ?? 0) > 0) {
      this.requeued.set(key, (this.requeued.get(key) ?? 0) - 1);
      this.reissues++;
      return;
    }
    const remappedFrom = issued ? this.remappedD.get(device)?.take(startSector, sectors) : this.remappedQ.get(key)?.shift();
    const columns = this.columns;
    const before = columns.count;
    if (preflush === "F") columns.push(timeNs, device, "flush", 0, 0, lineNumber, false, remappedFrom, issued);
    if (operation === "N") {
      if (preflush !== "F") this.noData++;
    } else if (ZONE_MANAGEMENT.has(operation)) {
      this.zoneManagement.set(operation, (this.zoneManagement.get(operation) ?? 0) + 1);
    } else if (operation === "D" || operation === "DE") {
      columns.push(timeNs, device, "trim", startSector * TRACE_SECTOR_BYTES, sectors * TRACE_SECTOR_BYTES, lineNumber, false, remappedFrom, issued);
    } else if (sectors > 0 || preflush !== "F") {
      // A preflush on an empty write is how the kernel sends a bare flush: that is the flush above, not a zero-length write.
      if (operation === "ZA") this.zoneAppends++;
      const kind = operation === "W" || operation === "ZA" ? "write" : "read";
      columns.push(timeNs, device, kind, startSector * TRACE_SECTOR_BYTES, sectors * TRACE_SECTOR_BYTES, lineNumber, kind === "write" && fua === "F", remappedFrom, issued);
    }
    if (issued && columns.count > before) this.devicesWithIssue.add(device);
  }

  /**
   * A plain event line read where it lies (blanks are spaces and tabs,
   * digits a double holds exactly): "skipped" for an event the general path
   * would match and pass over (an action of one letter other than Q, D, R
   * and A: G, I, C, M, P, U..., most of a trace's lines), "read" for a Q or D
   * event of data (`W 4096 + 8 [fio]`, nothing after the process), recorded
   * as the general path records it; undefined, having changed nothing, for
   * any other line, which the general path then reads.
   */
  private fastLine(scanner: LineScanner, raw: string, lineNumber: number): "skipped" | "read" | undefined {
    scanner.reset(raw);
    scanner.skipBlanks();
    const major = scanner.unsigned();
    if (major < 0 || !scanner.skip(COMMA)) return undefined;
    const minor = scanner.unsigned();
    // minor, cpu, sequence
    if (minor < 0 || !scanner.skipBlanks() || !scanner.skipDigits() || !scanner.skipBlanks() || !scanner.skipDigits() || !scanner.skipBlanks()) return undefined;
    const seconds = scanner.unsigned();
    if (seconds < 0 || !scanner.skip(DOT)) return undefined;
    const nanosecondsFrom = scanner.at;
    const nanoseconds = scanner.unsigned();
    // pid
    if (nanoseconds < 0 || scanner.at - nanosecondsFrom !== 9 || !scanner.skipBlanks() || !scanner.skipDigits() || !scanner.skipBlanks()) return undefined;
    const action = scanner.charCodeAt(scanner.at++);
    if (!scanner.skipBlanks()) return undefined;
    if (action !== ACTION_Q && action !== ACTION_D) {
      if (!(action >= FIRST_VISIBLE && action <= LAST_VISIBLE) || OTHER_READ_ACTIONS.includes(String.fromCharCode(action))) return undefined;
      // The RWBS field: one visible character is enough for the general path's \S+, and whatever follows it matches
      // but a line terminator inside it, which its `.` does not.
      const rwbs = scanner.charCodeAt(scanner.at);
      return rwbs >= FIRST_VISIBLE && rwbs <= LAST_VISIBLE && !LINE_TERMINATOR.test(raw) ? "skipped" : undefined;
    }
    const rwbsFrom = scanner.at;
    scanner.skipUntilBlank();
    const rwbs = RWBS.exec(scanner.slice(rwbsFrom, scanner.at));
    if (rwbs === null || !scanner.skipBlanks()) return undefined;
    const startSector = scanner.unsigned();
    if (startSector < 0 || !scanner.skipWord(" + ")) return undefined;
    const sectors = scanner.unsigned();
    // The process in brackets ends the line: the general path's payload is then the rest of it, whole.
    if (sectors < 0 || !scanner.skipWord(" [") || raw.charCodeAt(raw.length - 1) !== CLOSING_BRACKET || LINE_TERMINATOR.test(raw)) return undefined;
    const timeNs = seconds * NS_PER_SECOND + nanoseconds;
    if (!Number.isSafeInteger(timeNs) || !isSafeRange(startSector * TRACE_SECTOR_BYTES, sectors * TRACE_SECTOR_BYTES)) return undefined;
    this.queuedOrIssued(lineNumber, major, minor, action === ACTION_D, timeNs, rwbs, startSector, sectors);
    return "read";
  }

  finish(): ParsedTraceColumns {
    this.problems.throwIfAny();
    const { columns, devicesWithIssue, deviceNames } = this;
    columns.retain((i) => columns.marked(i) === devicesWithIssue.has(columns.device(i)));

    const notes: string[] = [];
    const devices = [...deviceNames.keys()].sort((a, b) => a - b);
    const issued = devices.filter((d) => devicesWithIssue.has(d)).map((d) => deviceNames.get(d));
    const queued = devices.filter((d) => !devicesWithIssue.has(d)).map((d) => deviceNames.get(d));
    if (issued.length > 0) notes.push(`blkparse: replayed D (issued) events of ${issued.join(", ")}: what the device was sent, after merging`);
    if (queued.length > 0) notes.push(`blkparse: replayed Q (queued) events of ${queued.join(", ")}, which have no D events`);
    notes.push("blkparse: times are seconds.nanoseconds since the trace started; sectors are 512 bytes; events other than Q and D ignored (but R and A: a requeued request's reissue, an I/O passed down a device stack)");
    if (this.passthrough > 0) notes.push(`${this.passthrough} passthrough (packet command) Q/D events skipped: they have no sector`);
    if (this.noData > 0) notes.push(`${this.noData} Q/D events without data or flush (RWBS N) skipped`);
    if (this.zoneManagement.size > 0) {
      const counts = [...this.zoneManagement].map(([operation, count]) => `${count} ${operation}`).join(", ");
      const total = [...this.zoneManagement.values()].reduce((sum, count) => sum + count, 0);
      notes.push(`${total} Q/D events of zone management (${counts}; ZR reset, ZRA reset all, ZF finish, ZO open, ZC close) skipped: they move no data`);
    }
    if (this.zoneAppends > 0) notes.push(`${this.zoneAppends} zone append (ZA) Q/D events replayed as writes at the sector they name, the zone's start (the device chose where in the zone the data went)`);
    if (this.reissues > 0) notes.push(`${this.reissues} D events were reissues of requeued (R) requests: each replayed once, at its first D`);
    if (this.summaryLine !== undefined) notes.push(`blkparse statistics from line ${this.summaryLine} on ignored`);
    return { format: "blkparse", columns, notes, deviceNames };
  }
}
