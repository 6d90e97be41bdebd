/**
 * Trace replay as a WorkloadSource: parse the file, keep the device asked for,
 * put requests in time order, fit their addresses onto the Source LU the way
 * the scenario says, and state every such decision in `notes` with numbers,
 * because a replay that silently moved or dropped requests cannot be trusted.
 *
 * Flushes and trims are not replayed: WorkloadSource carries only reads and
 * writes (host flushes come from the scenario's `flushes` setting), so they
 * are counted in the notes and in `summary` instead of being lost silently.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { basename } from "node:path";
import { forEachLine, foundNotUtf8, readUtf8Lines, type NotUtf8 } from "../text-file.js";
import type { TraceFormat, TraceSpec, TraceTimeUnit } from "../model.js";
import { TRACE_DEFAULTS } from "../schema/defaults.js";
import type { HostIo, LoopSpec, NextIo, WorkloadSource } from "../workloads/source.js";
import { BlkparseParser } from "./blkparse.js";
import {
  TraceParseError,
  formatBytes,
  formatDeviceList,
  formatDurationNs,
  type ParsedTraceColumns,
  type TraceLineParser,
} from "./common.js";
import { detectTraceFormat } from "./detect.js";
import { DisksimParser } from "./disksim.js";
import { FioIologParser } from "./fio-iolog.js";
import { MsrCambridgeParser } from "./msr-cambridge.js";
import type { TraceColumns } from "./trace-columns.js";

/** The part of the Source LU a trace needs to know. */
export interface SourceLuGeometry {
  readonly capacityBytes: number;
  readonly sectorSizeBytes: number;
}

/** The trace cannot be replayed as the scenario asks (device absent, addresses rejected, nothing left to replay). */
export class TraceSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Counts behind the notes, for the results and for tests. */
export interface TraceReplaySummary {
  readonly format: TraceFormat;
  /** Every request the parser produced, of every kind and device. */
  readonly parsedRequests: number;
  /** Device numbers present in the trace, ascending. */
  readonly devices: readonly number[];
  readonly replayedReads: number;
  readonly replayedWrites: number;
  readonly flushesNotReplayed: number;
  readonly trimsNotReplayed: number;
  readonly zeroLengthDropped: number;
  /** Reads and writes left out because of maxRequests. */
  readonly cutByMaxRequests: number;
  /** Requests whose offset or end was rounded to the sector size. */
  readonly sectorAdjusted: number;
  /** Requests the address mapping gave a different offset. */
  readonly moved: number;
  /** Highest end address (bytes) of a replayed request before mapping. */
  readonly maxAddressBytes: number;
  /** Trace time (ns) of the first replayed request, which open-loop arrivals count from. */
  readonly firstTimeNs: number;
  /** Last replayed arrival minus the first. */
  readonly spanNs: number;
}

export interface TraceWorkloadSource extends WorkloadSource {
  readonly summary: TraceReplaySummary;
}

/** A line parser for the format. */
export function traceLineParser(format: TraceFormat, fileName: string, timeUnit: TraceTimeUnit = "ns"): TraceLineParser {
  switch (format) {
    case "fio-iolog":
      return new FioIologParser(fileName);
    case "disksim":
      return new DisksimParser(fileName, timeUnit);
    case "msr-cambridge":
      return new MsrCambridgeParser(fileName);
    case "blkparse":
      return new BlkparseParser(fileName);
  }
}

/**
 * Parses as `spec.format` says. A file in another format fails on nearly every
 * line, and twenty of them do not say why: the format its first record reads
 * as does (`head` gives the text it starts with, only then).
 */
function parseNamingTheFormat(spec: TraceSpec, feed: (parser: TraceLineParser) => void, head: () => string): ParsedTraceColumns {
  try {
    const parser = traceLineParser(spec.format, spec.path, spec.timeUnit);
    feed(parser);
    return parser.finish();
  } catch (error) {
    if (!(error instanceof TraceParseError)) throw error;
    const detected = detectTraceFormat(head());
    if (detected === undefined || detected === spec.format) throw error;
    throw new TraceParseError(error.format, error.fileName, error.problems, error.badLineCount, `${basename(spec.path)} reads as a ${detected} trace from its first record: did you mean format: ${detected}?`);
  }
}

/** How far the reading of a trace file has got, for a progress bar. */
export type TraceReadProgress = (bytesRead: number, totalBytes: number) => void;

/** Reads `spec.path` a piece at a time and builds the source; see traceSourceFromColumns. */
export function traceSource(spec: TraceSpec, source: SourceLuGeometry, onProgress?: TraceReadProgress): TraceWorkloadSource {
  checkGeometry(spec, source);
  let notUtf8: NotUtf8 | undefined;
  const parsed = parseNamingTheFormat(
    spec,
    (parser) => {
      try {
        notUtf8 = readUtf8Lines(spec.path, (line, lineNumber) => parser.line(line, lineNumber), onProgress);
      } catch (error) {
        // The file system's own errors (they carry a code); what the parser or the progress bar throws passes as it is.
        if (error instanceof Error && "code" in error) throw new TraceSourceError(`trace ${spec.name}: cannot read ${spec.path}: ${error.message}`);
        throw error;
      }
      // Before the parser's own problems: a file that is not text is that, whatever its lines look like.
      if (notUtf8 !== undefined) {
        const { line, column } = notUtf8;
        throw new TraceSourceError(`trace ${spec.name}: ${spec.path}:${line}:${column}: not UTF-8 text (${foundNotUtf8(notUtf8)}); expected a text trace in UTF-8 (or ASCII)`);
      }
    },
    () => readHead(spec.path),
  );
  return traceSourceFromColumns(spec, parsed, source);
}

/** The first characters of a file, enough for detectTraceFormat (it looks at 64K characters; a character is up to 4 bytes). */
function readHead(path: string): string {
  const fd = openSync(path, "r");
  try {
    const bytes = Buffer.alloc(4 * 64 * 1024);
    const n = readSync(fd, bytes, 0, bytes.length, 0);
    return new TextDecoder().decode(bytes.subarray(0, n), { stream: true });
  } finally {
    closeSync(fd);
  }
}

/** The whole pipeline on text already in memory (`spec.path` names it in messages). */
export function traceSourceFromText(spec: TraceSpec, text: string, source: SourceLuGeometry): TraceWorkloadSource {
  checkGeometry(spec, source);
  const parsed = parseNamingTheFormat(spec, (parser) => forEachLine(text, (line, lineNumber) => parser.line(line, lineNumber)), () => text);
  return traceSourceFromColumns(spec, parsed, source);
}

function checkGeometry(spec: TraceSpec, source: SourceLuGeometry): void {
  const sector = source.sectorSizeBytes;
  if (!Number.isSafeInteger(sector) || sector <= 0 || !Number.isSafeInteger(source.capacityBytes) || source.capacityBytes < sector) {
    throw new TraceSourceError(`trace ${spec.name}: Source LU of ${source.capacityBytes} bytes with ${sector}-byte sectors cannot hold a request`);
  }
}

/**
 * From the parser's columns to the requests to replay, in the same columns:
 * the device asked for, time order, reads and writes only, sector-aligned,
 * fitted onto the Source LU. Typed columns rather than an object per request:
 * a real trace holds millions of requests (MSR Cambridge's prxy_0, 12.5M),
 * kept for the whole run; the I/O for each is made only as the run asks.
 */
function traceSourceFromColumns(spec: TraceSpec, parsed: ParsedTraceColumns, source: SourceLuGeometry): TraceWorkloadSource {
  const path = spec.path;
  const sector = source.sectorSizeBytes;
  // Whole sectors only: a partial last sector cannot be addressed by a sector-aligned I/O.
  const capacity = Math.floor(source.capacityBytes / sector) * sector;
  const columns = parsed.columns;
  const parsedRequests = columns.count;
  if (parsed.untimed !== undefined && spec.timing === "honor") {
    // fio replays such a log as fast as its iodepth allows, which is timing: ignore.
    throw new TraceSourceError(
      `trace ${spec.name}: ${path}:1:1: "${parsed.untimed}" has no timestamps, so timing: honor (the default) has no times to keep; expected timing: ignore, which replays it at the trace's iodepth as fio does`,
    );
  }

  // The file name only: results must not depend on where the checkout lives.
  const notes: string[] = [`${spec.format} trace ${basename(path)}: ${parsedRequests} requests parsed`, ...parsed.notes];
  const deviceNames = parsed.deviceNames;
  const label = (device: number): string => deviceNames.get(device) ?? String(device);

  // ---- device ------------------------------------------------------------------
  const present = new Uint8Array(columns.deviceNumbers.length);
  for (let i = 0; i < columns.count; i++) present[columns.deviceIndex.get(i)] = 1;
  const devices = columns.deviceNumbers.filter((_, index) => present[index] === 1).sort((a, b) => a - b);
  const deviceList = formatDeviceList(devices, deviceNames);
  if (spec.device !== undefined) {
    const wanted = spec.device;
    if (!devices.includes(wanted)) {
      // blkparse's devices are named major,minor but chosen by dev_t: say which number picks which.
      const numbers = deviceNames.size > 0 ? ` (device: ${devices.map((d) => `${d} for ${label(d)}`).join(", ")})` : "";
      throw new TraceSourceError(`trace ${spec.name}: device ${wanted} does not occur in ${path}; its devices are ${deviceList}${numbers}`);
    }
    const wantedIndex = columns.deviceNumbers.indexOf(wanted);
    columns.retain((i) => columns.deviceIndex.get(i) === wantedIndex);
    notes.push(`device ${label(wanted)} only: ${columns.count} of ${parsedRequests} requests (the trace has devices ${deviceList})`);
  } else if (devices.length > 1) {
    notes.push(`all ${devices.length} devices (${deviceList}) replayed onto the one Source LU, their address ranges overlaid`);
  } else if (devices.length === 1) {
    notes.push(`one device in the trace: ${deviceList}`);
  }

  // ---- one I/O seen at two levels of a device stack (blkparse remaps) ---------------
  if (columns.remappedFromIndex !== undefined) {
    const replayedDevices = new Set<number>();
    for (let i = 0; i < columns.count; i++) replayedDevices.add(columns.device(i));
    const seenAbove = (i: number): boolean => {
      const from = columns.remappedFrom(i);
      return from !== undefined && replayedDevices.has(from);
    };
    const below = new Set<string>();
    const above = new Set<string>();
    let seen = 0;
    for (let i = 0; i < columns.count; i++) {
      if (!seenAbove(i)) continue;
      seen++;
      below.add(label(columns.device(i)));
      above.add(label(columns.remappedFrom(i)!));
    }
    if (seen > 0) {
      columns.retain((i) => !seenAbove(i));
      notes.push(`${seen} requests of ${[...below].join(", ")} left out: remapped there from ${[...above].join(", ")}, whose own events are replayed (a device stack traced at both levels)`);
    }
  }

  // ---- time order ----------------------------------------------------------------
  let outOfOrder = 0;
  for (let i = 1; i < columns.count; i++) {
    if (columns.timeNs.get(i) < columns.timeNs.get(i - 1)) outOfOrder++;
  }
  if (outOfOrder > 0) {
    // Ties broken by position, so requests with equal times keep the trace's order (a stable sort).
    const order = new Uint32Array(columns.count);
    for (let i = 0; i < order.length; i++) order[i] = i;
    order.sort((a, b) => columns.timeNs.get(a) - columns.timeNs.get(b) || a - b);
    columns.reorder(order);
    notes.push(`${outOfOrder} requests were earlier than the one before them: sorted by time (stable)`);
  }

  // ---- kinds, zero lengths, maxRequests, sector alignment ------------------------
  // In place: each read or write kept moves down to the next free entry, its offset and length aligned.
  const limit = spec.maxRequests ?? Number.POSITIVE_INFINITY;
  let placedCount = 0;
  let flushes = 0;
  let trims = 0;
  let fuaWrites = 0;
  let zeroLength = 0;
  let cut = 0;
  let sectorAdjusted = 0;
  let tooLong = 0;
  const tooLongShown: string[] = [];
  columns.retain((i) => {
    const kind = columns.kind(i);
    if (kind === "flush" || kind === "trim") {
      // Past the cut-off they would not have been replayed anyway, so they are not counted.
      if (placedCount < limit) {
        if (kind === "flush") flushes++;
        else trims++;
      }
      return false;
    }
    const offsetBytes = columns.offsetBytes.get(i);
    const lengthBytes = columns.lengthBytes.get(i);
    if (lengthBytes === 0) {
      zeroLength++;
      return false;
    }
    if (placedCount >= limit) {
      cut++;
      return false;
    }
    // Cover every byte the trace touched: start rounded down, end rounded up.
    const start = Math.floor(offsetBytes / sector) * sector;
    const end = Math.ceil((offsetBytes + lengthBytes) / sector) * sector;
    if (start !== offsetBytes || end !== offsetBytes + lengthBytes) sectorAdjusted++;
    if (end - start > capacity && tooLong++ < 5) tooLongShown.push(`${path}:${columns.line.get(i)} (${formatBytes(lengthBytes)})`);
    if (columns.fua(i)) fuaWrites++;
    columns.offsetBytes.set(i, start);
    columns.lengthBytes.set(i, end - start);
    placedCount++;
    return true;
  });
  const placed = columns;
  if (tooLong > 0) {
    throw new TraceSourceError(`trace ${spec.name}: ${tooLong} requests are longer than the ${formatBytes(capacity)} Source LU: ${tooLongShown.join(", ")}`);
  }
  if (placed.count === 0) {
    throw new TraceSourceError(`trace ${spec.name}: no read or write requests to replay in ${path}${spec.device === undefined ? "" : ` for device ${label(spec.device)}`}`);
  }
  if (spec.maxRequests !== undefined) {
    notes.push(
      cut > 0
        ? `maxRequests ${spec.maxRequests}: replayed the first ${placed.count} reads and writes by time, ${cut} more left out`
        : `maxRequests ${spec.maxRequests} not reached: the trace has ${placed.count} reads and writes to replay`,
    );
  }
  if (zeroLength > 0) notes.push(`${zeroLength} zero-length reads or writes dropped`);
  notes.push(
    sectorAdjusted > 0
      ? `${sectorAdjusted} of ${placed.count} requests not aligned to the ${sector}-byte sector: start rounded down and end rounded up`
      : `all ${placed.count} requests aligned to the ${sector}-byte sector`,
  );
  if (flushes > 0) notes.push(`${flushes} flush requests (fio sync/datasync, blkparse F) not replayed: a workload source issues only reads and writes; host flushes come from the scenario's flushes setting`);
  if (trims > 0) notes.push(`${trims} trim/discard requests not replayed: the engine has no discard`);
  if (fuaWrites > 0) notes.push(`${fuaWrites} writes had FUA set; replayed as plain writes (the scenario's flushes decide durability)`);

  // ---- address mapping -------------------------------------------------------------
  let maxAddress = 0;
  for (let i = 0; i < placed.count; i++) maxAddress = Math.max(maxAddress, endBytes(placed, i));
  const moved = mapAddresses(spec, placed, capacity, sector, maxAddress, notes);

  // ---- timing ---------------------------------------------------------------------
  const firstTimeNs = placed.timeNs.get(0);
  const spanNs = placed.timeNs.get(placed.count - 1) - firstTimeNs;
  let loop: LoopSpec;
  if (spec.timing === "honor") {
    loop = { kind: "open" };
    notes.push(`open loop at the trace's timestamps: ${placed.count} arrivals over ${formatDurationNs(spanNs)}, counted from the first replayed request (trace time ${formatDurationNs(firstTimeNs)})`);
    // fio's own replay caps a timed iolog at the job's iodepth, so a user may well expect this one to count: say it does not.
    if (spec.iodepth !== TRACE_DEFAULTS.iodepth) notes.push(`iodepth ${spec.iodepth} not used: at its timestamps each request starts at its time however many are in flight (timing: ignore replays at an iodepth)`);
  } else {
    loop = { kind: "closed", iodepth: spec.iodepth, thinktimeNs: 0, thinktimeBlocks: 1 };
    notes.push(`trace timestamps ignored: closed loop at iodepth ${spec.iodepth}, no think time`);
  }

  let reads = 0;
  for (let i = 0; i < placed.count; i++) if (placed.isRead(i)) reads++;

  const summary: TraceReplaySummary = {
    format: spec.format,
    parsedRequests,
    devices,
    replayedReads: reads,
    replayedWrites: placed.count - reads,
    flushesNotReplayed: flushes,
    trimsNotReplayed: trims,
    zeroLengthDropped: zeroLength,
    cutByMaxRequests: cut,
    sectorAdjusted,
    moved,
    maxAddressBytes: maxAddress,
    firstTimeNs,
    spanNs,
  };

  const honor = spec.timing === "honor";
  const count = placed.count;
  let nextIndex = 0;
  return {
    name: spec.name,
    loop,
    startDelayNs: 0,
    lengthIos: count,
    notes,
    summary,
    // Made as the run asks for them, not all up front: an object per request for the whole run is what the columns avoid.
    next(): NextIo | undefined {
      if (nextIndex >= count) return undefined;
      const i = nextIndex++;
      const io: HostIo = { kind: placed.isRead(i) ? "read" : "write", offsetBytes: placed.offsetBytes.get(i), lengthBytes: placed.lengthBytes.get(i) };
      return { io, arrivalNs: honor ? placed.timeNs.get(i) - firstTimeNs : 0 };
    },
  };
}

function endBytes(placed: TraceColumns, i: number): number {
  return placed.offsetBytes.get(i) + placed.lengthBytes.get(i);
}

/** Fits `placed` inside [0, capacity) as spec.addressMapping says, in place; returns how many moved. */
function mapAddresses(spec: TraceSpec, placed: TraceColumns, capacity: number, sector: number, maxAddress: number, notes: string[]): number {
  const lu = `${formatBytes(capacity)} Source LU`;
  if (maxAddress <= capacity) {
    // Scaling only ever shrinks: spreading a small trace over a big LU would change its locality for no reason.
    notes.push(`addresses up to ${formatBytes(maxAddress)} fit in the ${lu}: address mapping "${spec.addressMapping}" moved no request`);
    return 0;
  }
  switch (spec.addressMapping) {
    case "reject": {
      let outside = 0;
      const where: string[] = [];
      for (let i = 0; i < placed.count; i++) {
        if (endBytes(placed, i) <= capacity) continue;
        if (outside++ < 5) where.push(`${spec.path}:${placed.line.get(i)} (ends at ${formatBytes(endBytes(placed, i))})`);
      }
      throw new TraceSourceError(
        `trace ${spec.name}: addressMapping "reject": ${outside} of ${placed.count} requests end beyond the ${lu} (addresses up to ${formatBytes(maxAddress)}): ${where.join(", ")}`,
      );
    }
    case "wrap": {
      let moved = 0;
      let shifted = 0;
      for (let i = 0; i < placed.count; i++) {
        const offsetBytes = placed.offsetBytes.get(i);
        const lengthBytes = placed.lengthBytes.get(i);
        let offset = offsetBytes % capacity;
        // Capacity and length are whole sectors, so the shifted offset stays aligned.
        if (offset + lengthBytes > capacity) {
          offset = capacity - lengthBytes;
          shifted++;
        }
        if (offset !== offsetBytes) moved++;
        placed.offsetBytes.set(i, offset);
      }
      notes.push(
        `addresses up to ${formatBytes(maxAddress)} wrapped onto a ${lu} (offset modulo the LU size; ${shifted} requests that would cross the end shifted back to fit); ${moved} of ${placed.count} requests moved`,
      );
      return moved;
    }
    case "scale": {
      const factor = capacity / maxAddress;
      let moved = 0;
      for (let i = 0; i < placed.count; i++) {
        const offsetBytes = placed.offsetBytes.get(i);
        // Offsets scale, lengths stay (the trace's request sizes are part of the workload);
        // the clamp keeps a request near the top from running past the end.
        const scaled = Math.floor((offsetBytes * factor) / sector) * sector;
        const offset = Math.min(scaled, capacity - placed.lengthBytes.get(i));
        if (offset !== offsetBytes) moved++;
        placed.offsetBytes.set(i, offset);
      }
      notes.push(
        `addresses up to ${formatBytes(maxAddress)} scaled by ${factor.toPrecision(4)} onto a ${lu} (offsets × ${formatBytes(capacity)} / ${formatBytes(maxAddress)}, rounded down to the ${sector}-byte sector; sizes kept); ${moved} of ${placed.count} requests moved`,
      );
      return moved;
    }
  }
}
