/**
 * DiskSim ASCII trace, as MQSim ships and reads it: one request a line,
 *
 *   arrival_time device_number block_number size_in_blocks flags
 *
 * blocks are 512-byte sectors; flags are hexadecimal (DiskSim reads them
 * with %x), bit 0 is 1 for a read, 0 for a write (DiskSim's other flag bits
 * carry nothing a block replay can use and are counted, not interpreted).
 * DiskSim itself wrote times in milliseconds, but MQSim takes the unit from
 * its workload XML (Time_Unit) and the traces it ships (traces/*.trace, our
 * fixtures) are in nanoseconds; ns is the default here and the trace
 * workload's `timeUnit` reads the others (ms for an original DiskSim trace).
 */
import { TRACE_TIME_UNITS_NS, type TraceTimeUnit } from "../model.js";
import {
  LineProblems,
  SAFE_RANGE_EXPECTED,
  SAFE_TIME_EXPECTED,
  TRACE_SECTOR_BYTES,
  isSafeRange,
  columnOfField,
  fieldColumns,
  materialize,
  parseText,
  parseUnsigned,
  parseUnsignedDecimal,
  type ParsedTrace,
  type ParsedTraceColumns,
  type TraceLineParser,
  type TraceRequest,
} from "./common.js";
import { TraceColumns } from "./trace-columns.js";
import { LineScanner, MAX_EXACT_DIGITS } from "./line-scanner.js";

const DOT = 0x2e;
const DIGIT_0 = 0x30;
const LOWER_X = 0x78;

const EXPECTED_FIELDS = "5 whitespace-separated numbers: arrival_time device block_number size_in_sectors flags(hexadecimal, bit 0: 1 = read, 0 = write)";

/** DiskSim's flags field, read as its sscanf's %x does: hexadecimal digits, with or without 0x. */
const HEX_FLAGS = /^(0[xX])?[0-9a-fA-F]{1,13}$/;

function parseHexFlags(token: string | undefined): number | undefined {
  return token !== undefined && HEX_FLAGS.test(token) ? Number.parseInt(token.replace(/^0[xX]/, ""), 16) : undefined;
}

export function parseDisksim(text: string, fileName: string, timeUnit: TraceTimeUnit = "ns"): TraceRequest[] {
  return parseDisksimDetailed(text, fileName, timeUnit).requests;
}

export function parseDisksimDetailed(text: string, fileName: string, timeUnit: TraceTimeUnit = "ns"): ParsedTrace {
  return materialize(parseText(new DisksimParser(fileName, timeUnit), text));
}

export class DisksimParser implements TraceLineParser {
  private readonly timeUnitNs: number;
  private readonly problems: LineProblems;
  private readonly columns = new TraceColumns();
  private otherFlagBits = 0;
  private readonly scanner: LineScanner | undefined;
  /** Lines the fast path read (the rest went the general way), for tests. */
  linesReadFast = 0;

  /** `generalOnly` reads every line the general way, for tests that hold the fast path to it. */
  constructor(
    fileName: string,
    private readonly timeUnit: TraceTimeUnit = "ns",
    options: { readonly generalOnly?: boolean } = {},
  ) {
    this.timeUnitNs = TRACE_TIME_UNITS_NS[timeUnit];
    this.problems = new LineProblems("disksim", fileName);
    this.scanner = options.generalOnly === true ? undefined : new LineScanner();
  }

  line(raw: string, lineNumber: number): boolean {
    if (this.scanner !== undefined && this.fastLine(this.scanner, raw, lineNumber)) return true;
    const line = raw.trim();
    if (line === "") return true;
    const fields = line.split(/\s+/);
    if (fields.length !== 5) {
      // At the first field too many, or just past the last when one is missing.
      this.problems.add(lineNumber, columnOfField(fieldColumns(raw), 5, raw), raw, `${EXPECTED_FIELDS} (found ${fields.length} fields)`);
      return true;
    }
    const time = parseUnsignedDecimal(fields[0]);
    const device = parseUnsigned(fields[1]);
    const block = parseUnsigned(fields[2]);
    const sectors = parseUnsigned(fields[3]);
    const flags = parseHexFlags(fields[4]);
    const values = [time, device, block, sectors, flags];
    if (values.includes(undefined)) {
      this.problems.add(lineNumber, columnOfField(fieldColumns(raw), values.indexOf(undefined), raw), raw, EXPECTED_FIELDS);
      return true;
    }
    // Rounded: a millisecond trace with fractional times must still give integer ns.
    const timeNs = Math.round(time! * this.timeUnitNs);
    const offsetBytes = block! * TRACE_SECTOR_BYTES;
    const lengthBytes = sectors! * TRACE_SECTOR_BYTES;
    if (!Number.isSafeInteger(timeNs)) {
      this.problems.add(lineNumber, columnOfField(fieldColumns(raw), 0, raw), raw, SAFE_TIME_EXPECTED);
      return true;
    }
    if (!isSafeRange(offsetBytes, lengthBytes)) {
      this.problems.add(lineNumber, columnOfField(fieldColumns(raw), 2, raw), raw, SAFE_RANGE_EXPECTED);
      return true;
    }
    if (flags! > 1) this.otherFlagBits++;
    this.columns.push(timeNs, device!, (flags! & 1) === 1 ? "read" : "write", offsetBytes, lengthBytes, lineNumber);
    return true;
  }

  /**
   * A plain line (fields between spaces or tabs, a time without an
   * exponent) read without splitting it, its request pushed; false, having
   * changed nothing, for any other line, which the general path then reads.
   */
  private fastLine(scanner: LineScanner, raw: string, lineNumber: number): boolean {
    scanner.reset(raw);
    scanner.skipBlanks();
    const timeStart = scanner.at;
    let timeEnd = scanner.digitsEnd();
    if (timeEnd === timeStart) return false;
    let exact = timeEnd - timeStart <= MAX_EXACT_DIGITS;
    if (scanner.charCodeAt(timeEnd) === DOT) {
      scanner.at = timeEnd + 1;
      timeEnd = scanner.digitsEnd();
      exact = false;
    }
    // As the general path reads it (Number of the token) where the digits alone would not give the same double.
    const time = exact ? scanner.digitsValue(timeStart, timeEnd) : Number(scanner.slice(timeStart, timeEnd));
    scanner.at = timeEnd;
    if (!scanner.skipBlanks()) return false;
    const device = scanner.unsigned();
    if (device < 0 || !scanner.skipBlanks()) return false;
    const block = scanner.unsigned();
    if (block < 0 || !scanner.skipBlanks()) return false;
    const sectors = scanner.unsigned();
    if (sectors < 0 || !scanner.skipBlanks()) return false;
    // The "0x" or "0X" that %x allows before the digits.
    if (scanner.charCodeAt(scanner.at) === DIGIT_0 && (scanner.charCodeAt(scanner.at + 1) | 0x20) === LOWER_X) scanner.at += 2;
    const flags = scanner.hexUnsigned();
    if (flags < 0) return false;
    scanner.skipBlanks();
    if (!scanner.atEnd) return false;
    const timeNs = Math.round(time * this.timeUnitNs);
    const offsetBytes = block * TRACE_SECTOR_BYTES;
    const lengthBytes = sectors * TRACE_SECTOR_BYTES;
    if (!Number.isSafeInteger(timeNs) || !isSafeRange(offsetBytes, lengthBytes)) return false;
    if (flags > 1) this.otherFlagBits++;
    this.columns.push(timeNs, device, (flags & 1) === 1 ? "read" : "write", offsetBytes, lengthBytes, lineNumber);
    this.linesReadFast++;
    return true;
  }

  finish(): ParsedTraceColumns {
    this.problems.throwIfAny();
    const timeUnit = this.timeUnit;
    const unit = timeUnit === "ns" ? "ns (MQSim's convention; an original DiskSim trace is in ms: timeUnit: ms)" : timeUnit === "ms" ? "ms (DiskSim's convention)" : timeUnit;
    const notes = [`DiskSim ASCII: arrival times read as ${unit}; sizes and block numbers in ${TRACE_SECTOR_BYTES}-byte sectors`];
    // MQSim's own reader differs here: it takes "0" as a write and any other flags field as a read.
    if (this.otherFlagBits > 0) notes.push(`${this.otherFlagBits} requests had flag bits besides bit 0 (read/write); they were ignored, so an even value is a write as DiskSim reads it (MQSim would read any value but 0 as a read)`);
    return { format: "disksim", columns: this.columns, notes, deviceNames: new Map() };
  }
}
