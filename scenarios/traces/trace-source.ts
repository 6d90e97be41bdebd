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
import { foundNotUtf8, readUtf8File } from "../text-file.js";
import { basename } from "node:path";
import type { TraceFormat, TraceSpec, TraceTimeUnit } from "../model.js";
import { TRACE_DEFAULTS } from "../schema/defaults.js";
import type { HostIo, LoopSpec, NextIo, WorkloadSource } from "../workloads/source.js";
import { parseBlkparseDetailed } from "./blkparse.js";
import { TraceParseError, formatBytes, formatDeviceList, formatDurationNs, type ParsedTrace, type TraceRequest } from "./common.js";
import { detectTraceFormat } from "./detect.js";
import { parseDisksimDetailed } from "./disksim.js";
import { parseFioIologDetailed } from "./fio-iolog.js";
import { parseMsrCambridgeDetailed } from "./msr-cambridge.js";

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

/** Dispatches to the format's parser. */
export function parseTraceDetailed(format: TraceFormat, text: string, fileName: string, timeUnit: TraceTimeUnit = "ns"): ParsedTrace {
  switch (format) {
    case "fio-iolog":
      return parseFioIologDetailed(text, fileName);
    case "disksim":
      return parseDisksimDetailed(text, fileName, timeUnit);
    case "msr-cambridge":
      return parseMsrCambridgeDetailed(text, fileName);
    case "blkparse":
      return parseBlkparseDetailed(text, fileName);
  }
}

/**
 * Parses as `spec.format` says. A file in another format fails on nearly every
 * line, and twenty of them do not say why: the format its first record reads
 * as does.
 */
function parseNamingTheFormat(spec: TraceSpec, text: string): ParsedTrace {
  try {
    return parseTraceDetailed(spec.format, text, spec.path, spec.timeUnit);
  } catch (error) {
    if (!(error instanceof TraceParseError)) throw error;
    const detected = detectTraceFormat(text);
    if (detected === undefined || detected === spec.format) throw error;
    throw new TraceParseError(error.format, error.fileName, error.problems, error.badLineCount, `${basename(spec.path)} reads as a ${detected} trace from its first record: did you mean format: ${detected}?`);
  }
}

/** Reads `spec.path` and builds the source; see traceSourceFromText. */
export function traceSource(spec: TraceSpec, source: SourceLuGeometry): TraceWorkloadSource {
  let read: ReturnType<typeof readUtf8File>;
  try {
    read = readUtf8File(spec.path);
  } catch (error) {
    throw new TraceSourceError(`trace ${spec.name}: cannot read ${spec.path}: ${(error as Error).message}`);
  }
  if ("notUtf8" in read) {
    const { line, column } = read.notUtf8;
    throw new TraceSourceError(`trace ${spec.name}: ${spec.path}:${line}:${column}: not UTF-8 text (${foundNotUtf8(read.notUtf8)}); expected a text trace in UTF-8 (or ASCII)`);
  }
  return traceSourceFromText(spec, read.text, source);
}

/**
 * The reads and writes to replay, one column per field. Typed arrays rather
 * than an object per request: a real trace holds millions of requests (MSR
 * Cambridge's prxy_0, 12.5M), and objects for each, kept for the whole run,
 * took the JavaScript heap past its limit where these columns take ~33 bytes
 * a request outside it.
 */
class PlacedRequests {
  count = 0;
  readonly isRead: Uint8Array;
  readonly offsetBytes: Float64Array;
  readonly lengthBytes: Float64Array;
  readonly timeNs: Float64Array;
  /** 1-based line in the trace file. */
  readonly line: Uint32Array;

  constructor(capacity: number) {
    this.isRead = new Uint8Array(capacity);
    this.offsetBytes = new Float64Array(capacity);
    this.lengthBytes = new Float64Array(capacity);
    this.timeNs = new Float64Array(capacity);
    this.line = new Uint32Array(capacity);
  }

  push(kind: "read" | "write", offsetBytes: number, lengthBytes: number, timeNs: number, line: number): void {
    const i = this.count++;
    this.isRead[i] = kind === "read" ? 1 : 0;
    this.offsetBytes[i] = offsetBytes;
    this.lengthBytes[i] = lengthBytes;
    this.timeNs[i] = timeNs;
    this.line[i] = line;
  }

  endBytes(i: number): number {
    return this.offsetBytes[i]! + this.lengthBytes[i]!;
  }
}

/** The whole pipeline on text already in memory (`spec.path` names it in messages). */
export function traceSourceFromText(spec: TraceSpec, text: string, source: SourceLuGeometry): TraceWorkloadSource {
  const path = spec.path;
  const sector = source.sectorSizeBytes;
  if (!Number.isSafeInteger(sector) || sector <= 0 || !Number.isSafeInteger(source.capacityBytes) || source.capacityBytes < sector) {
    throw new TraceSourceError(`trace ${spec.name}: Source LU of ${source.capacityBytes} bytes with ${sector}-byte sectors cannot hold a request`);
  }
  // Whole sectors only: a partial last sector cannot be addressed by a sector-aligned I/O.
  const capacity = Math.floor(source.capacityBytes / sector) * sector;

  const parsed = parseNamingTheFormat(spec, text);
  // The file name only: results must not depend on where the checkout lives.
  const notes: string[] = [`${spec.format} trace ${basename(path)}: ${parsed.requests.length} requests parsed`, ...parsed.notes];
  // Read through its own variable: a closure over `parsed` would keep every parsed request alive for the whole run.
  const deviceNames = parsed.deviceNames;
  const label = (device: number): string => deviceNames.get(device) ?? String(device);

  // ---- device ------------------------------------------------------------------
  const deviceSet = new Set<number>();
  for (const r of parsed.requests) deviceSet.add(r.device);
  const devices = [...deviceSet].sort((a, b) => a - b);
  const deviceList = formatDeviceList(devices, parsed.deviceNames);
  let requests: readonly TraceRequest[] = parsed.requests;
  if (spec.device !== undefined) {
    const wanted = spec.device;
    if (!devices.includes(wanted)) {
      // blkparse's devices are named major,minor but chosen by dev_t: say which number picks which.
      const numbers = parsed.deviceNames.size > 0 ? ` (device: ${devices.map((d) => `${d} for ${label(d)}`).join(", ")})` : "";
      throw new TraceSourceError(`trace ${spec.name}: device ${wanted} does not occur in ${path}; its devices are ${deviceList}${numbers}`);
    }
    requests = requests.filter((r) => r.device === wanted);
    notes.push(`device ${label(wanted)} only: ${requests.length} of ${parsed.requests.length} requests (the trace has devices ${deviceList})`);
  } else if (devices.length > 1) {
    notes.push(`all ${devices.length} devices (${deviceList}) replayed onto the one Source LU, their address ranges overlaid`);
  } else if (devices.length === 1) {
    notes.push(`one device in the trace: ${deviceList}`);
  }

  // ---- one I/O seen at two levels of a device stack (blkparse remaps) ---------------
  const replayedDevices = new Set(requests.map((r) => r.device));
  const seenAbove = requests.filter((r) => r.remappedFrom !== undefined && replayedDevices.has(r.remappedFrom));
  if (seenAbove.length > 0) {
    requests = requests.filter((r) => r.remappedFrom === undefined || !replayedDevices.has(r.remappedFrom));
    const below = [...new Set(seenAbove.map((r) => label(r.device)))].join(", ");
    const above = [...new Set(seenAbove.map((r) => label(r.remappedFrom as number)))].join(", ");
    notes.push(`${seenAbove.length} requests of ${below} left out: remapped there from ${above}, whose own events are replayed (a device stack traced at both levels)`);
  }

  // ---- time order ----------------------------------------------------------------
  let outOfOrder = 0;
  for (let i = 1; i < requests.length; i++) {
    if ((requests[i] as TraceRequest).timeNs < (requests[i - 1] as TraceRequest).timeNs) outOfOrder++;
  }
  if (outOfOrder > 0) {
    // Array.prototype.sort is stable, so requests with equal times keep the trace's order.
    requests = [...requests].sort((a, b) => a.timeNs - b.timeNs);
    notes.push(`${outOfOrder} requests were earlier than the one before them: sorted by time (stable)`);
  }

  // ---- kinds, zero lengths, maxRequests, sector alignment ------------------------
  const limit = spec.maxRequests ?? Number.POSITIVE_INFINITY;
  const parsedRequests = parsed.requests.length;
  const placed = new PlacedRequests(requests.length);
  let flushes = 0;
  let trims = 0;
  let fuaWrites = 0;
  let zeroLength = 0;
  let cut = 0;
  let sectorAdjusted = 0;
  const tooLong: TraceRequest[] = [];
  for (const r of requests) {
    if (r.kind === "flush" || r.kind === "trim") {
      // Past the cut-off they would not have been replayed anyway, so they are not counted.
      if (placed.count < limit) {
        if (r.kind === "flush") flushes++;
        else trims++;
      }
      continue;
    }
    if (r.lengthBytes === 0) {
      zeroLength++;
      continue;
    }
    if (placed.count >= limit) {
      cut++;
      continue;
    }
    // Cover every byte the trace touched: start rounded down, end rounded up.
    const start = Math.floor(r.offsetBytes / sector) * sector;
    const end = Math.ceil((r.offsetBytes + r.lengthBytes) / sector) * sector;
    if (start !== r.offsetBytes || end !== r.offsetBytes + r.lengthBytes) sectorAdjusted++;
    if (end - start > capacity) tooLong.push(r);
    if (r.fua === true) fuaWrites++;
    placed.push(r.kind, start, end - start, r.timeNs, r.line);
  }
  if (tooLong.length > 0) {
    const where = tooLong.slice(0, 5).map((r) => `${path}:${r.line} (${formatBytes(r.lengthBytes)})`);
    throw new TraceSourceError(`trace ${spec.name}: ${tooLong.length} requests are longer than the ${formatBytes(capacity)} Source LU: ${where.join(", ")}`);
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
  for (let i = 0; i < placed.count; i++) maxAddress = Math.max(maxAddress, placed.endBytes(i));
  const moved = mapAddresses(spec, placed, capacity, sector, maxAddress, notes);

  // ---- timing ---------------------------------------------------------------------
  const firstTimeNs = placed.timeNs[0]!;
  const spanNs = placed.timeNs[placed.count - 1]! - firstTimeNs;
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
  for (let i = 0; i < placed.count; i++) reads += placed.isRead[i]!;

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
  let nextIndex = 0;
  return {
    name: spec.name,
    loop,
    startDelayNs: 0,
    lengthIos: placed.count,
    notes,
    summary,
    // Made as the run asks for them, not all up front: see PlacedRequests.
    next(): NextIo | undefined {
      if (nextIndex >= placed.count) return undefined;
      const i = nextIndex++;
      const io: HostIo = { kind: placed.isRead[i] === 1 ? "read" : "write", offsetBytes: placed.offsetBytes[i]!, lengthBytes: placed.lengthBytes[i]! };
      return { io, arrivalNs: honor ? placed.timeNs[i]! - firstTimeNs : 0 };
    },
  };
}

/** Fits `placed` inside [0, capacity) as spec.addressMapping says, in place; returns how many moved. */
function mapAddresses(spec: TraceSpec, placed: PlacedRequests, capacity: number, sector: number, maxAddress: number, notes: string[]): number {
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
        if (placed.endBytes(i) <= capacity) continue;
        if (outside++ < 5) where.push(`${spec.path}:${placed.line[i]} (ends at ${formatBytes(placed.endBytes(i))})`);
      }
      throw new TraceSourceError(
        `trace ${spec.name}: addressMapping "reject": ${outside} of ${placed.count} requests end beyond the ${lu} (addresses up to ${formatBytes(maxAddress)}): ${where.join(", ")}`,
      );
    }
    case "wrap": {
      let moved = 0;
      let shifted = 0;
      for (let i = 0; i < placed.count; i++) {
        const offsetBytes = placed.offsetBytes[i]!;
        const lengthBytes = placed.lengthBytes[i]!;
        let offset = offsetBytes % capacity;
        // Capacity and length are whole sectors, so the shifted offset stays aligned.
        if (offset + lengthBytes > capacity) {
          offset = capacity - lengthBytes;
          shifted++;
        }
        if (offset !== offsetBytes) moved++;
        placed.offsetBytes[i] = offset;
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
        const offsetBytes = placed.offsetBytes[i]!;
        // Offsets scale, lengths stay (the trace's request sizes are part of the workload);
        // the clamp keeps a request near the top from running past the end.
        const scaled = Math.floor((offsetBytes * factor) / sector) * sector;
        const offset = Math.min(scaled, capacity - placed.lengthBytes[i]!);
        if (offset !== offsetBytes) moved++;
        placed.offsetBytes[i] = offset;
      }
      notes.push(
        `addresses up to ${formatBytes(maxAddress)} scaled by ${factor.toPrecision(4)} onto a ${lu} (offsets × ${formatBytes(capacity)} / ${formatBytes(maxAddress)}, rounded down to the ${sector}-byte sector; sizes kept); ${moved} of ${placed.count} requests moved`,
      );
      return moved;
    }
  }
}
