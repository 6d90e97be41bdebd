import { SimDevice } from "../../sim/devices/sim-device.js";
import type { Kernel } from "../../sim/kernel.js";
import type { Scenario } from "../model.js";
import { runScenario, type EngineParts, type RunMeta } from "../runner/run-scenario.js";
import type { RunResults } from "../runner/results.js";
import type { TimeSeries } from "../runner/time-series.js";
import { HostLog } from "./host-log.js";
import type { LoggedDevices } from "./logged-devices.js";
import { PartitionDevice } from "../../io/partition-device.js";
import type { BuiltDevices } from "../runner/build-devices.js";

/** A crash point: how many events each device's log held at that boundary. */
export interface CrashPoint {
  readonly source: number;
  readonly cache: number;
}

/** One run with everything a crash campaign needs: device logs, crash points, the host's log. */
export interface Recording extends LoggedDevices {
  readonly scenario: Scenario;
  readonly points: readonly CrashPoint[];
  /** Crash points before this one fall inside the format, which no host waited for. */
  readonly firstPoint: number;
  readonly host: HostLog;
  readonly results: RunResults;
  readonly timeSeries: TimeSeries;
}

/** Adds the boundary "now" to `points` unless no device event happened since the last one; returns its index. */
export function markCrashPoint(points: CrashPoint[], source: SimDevice, cache: SimDevice): number {
  const sourceEvents = source.log().length;
  const cacheEvents = cache.log().length;
  const last = points[points.length - 1];
  if (last === undefined || last.source !== sourceEvents || last.cache !== cacheEvents) points.push({ source: sourceEvents, cache: cacheEvents });
  return points.length - 1;
}

/** A scenario a crash campaign cannot explore, with the reason. */
export class CrashScenarioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CrashScenarioError";
  }
}

/**
 * Runs the scenario once with write logs on both devices and a host log, and
 * records a crash point at every boundary between device events (a kernel
 * event that changed neither log adds none).
 */
export function recordRun(scenario: Scenario, meta: RunMeta, parts: EngineParts | undefined): Recording {
  let kernel: Kernel | undefined;
  let logged: LoggedDevices | undefined;
  const points: CrashPoint[] = [];
  const mark = (): number => (logged === undefined ? 0 : markCrashPoint(points, logged.source, logged.cache));
  const host = new HostLog(mark);
  const output = runScenario(scenario, meta, {
    recordDeviceLog: true,
    hostEvents: host,
    ...(parts === undefined ? {} : { engineParts: parts }),
    observe: (k) => {
      kernel = k;
      k.onEvent = () => void mark();
    },
    observeDevices: (devices) => {
      logged = loggedDevicesOf(devices);
      mark();
    },
  });
  if (kernel !== undefined) kernel.onEvent = undefined;
  mark();
  if (logged === undefined) throw new Error(`the run built no devices (seed ${scenario.seed})`);
  return { scenario, ...logged, points, firstPoint: host.formattedAt, host, results: output.results, timeSeries: output.timeSeries };
}

/** The logged devices under a run's Source and Cache LU: one plain device each, or one plain disk they share. */
function loggedDevicesOf(devices: BuiltDevices): LoggedDevices {
  const { source, cache } = devices;
  if (source instanceof SimDevice && cache instanceof SimDevice) return { source, cache, shared: undefined };
  if (source instanceof PartitionDevice && cache instanceof PartitionDevice && source.parent === cache.parent && source.parent instanceof SimDevice && source.offsetBytes === 0 && cache.offsetBytes === source.capacityBytes) {
    return { source: source.parent, cache: source.parent, shared: { sourceBytes: source.capacityBytes, cacheBytes: cache.capacityBytes } };
  }
  throw new CrashScenarioError("crash campaigns need a plain device for each of the Source and Cache LU, or one plain disk both share (a stripe has no single write log yet)");
}
