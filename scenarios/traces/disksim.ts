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
import { LineProblems, TRACE_SECTOR_BYTES, parseUnsigned, parseUnsignedDecimal, splitLines, type ParsedTrace, type TraceRequest } from "./common.js";

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
  const timeUnitNs = TRACE_TIME_UNITS_NS[timeUnit];
  const problems = new LineProblems("disksim", fileName);
  const lines = splitLines(text);
  const requests: TraceRequest[] = [];
  let otherFlagBits = 0;

  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] as string;
    const line = raw.trim();
    if (line === "") continue;
    const fields = line.split(/\s+/);
    if (fields.length !== 5) {
      problems.add(i + 1, raw, `${EXPECTED_FIELDS} (found ${fields.length} fields)`);
      continue;
    }
    const time = parseUnsignedDecimal(fields[0]);
    const device = parseUnsigned(fields[1]);
    const block = parseUnsigned(fields[2]);
    const sectors = parseUnsigned(fields[3]);
    const flags = parseHexFlags(fields[4]);
    if (time === undefined || device === undefined || block === undefined || sectors === undefined || flags === undefined) {
      problems.add(i + 1, raw, EXPECTED_FIELDS);
      continue;
    }
    if (flags > 1) otherFlagBits++;
    requests.push({
      // Rounded: a millisecond trace with fractional times must still give integer ns.
      timeNs: Math.round(time * timeUnitNs),
      device,
      kind: (flags & 1) === 1 ? "read" : "write",
      offsetBytes: block * TRACE_SECTOR_BYTES,
      lengthBytes: sectors * TRACE_SECTOR_BYTES,
      line: i + 1,
    });
  }
  problems.throwIfAny();

  const unit = timeUnit === "ns" ? "ns (MQSim's convention; an original DiskSim trace is in ms: timeUnit: ms)" : timeUnit === "ms" ? "ms (DiskSim's convention)" : timeUnit;
  const notes = [`DiskSim ASCII: arrival times read as ${unit}; sizes and block numbers in ${TRACE_SECTOR_BYTES}-byte sectors`];
  // MQSim's own reader differs here: it takes "0" as a write and any other flags field as a read.
  if (otherFlagBits > 0) notes.push(`${otherFlagBits} requests had flag bits besides bit 0 (read/write); they were ignored, so an even value is a write as DiskSim reads it (MQSim would read any value but 0 as a read)`);
  return { format: "disksim", requests, notes, deviceNames: new Map() };
}
