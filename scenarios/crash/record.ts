import { SimDevice } from "../../sim/devices/sim-device.js";
import type { Kernel } from "../../sim/kernel.js";
import type { Scenario } from "../model.js";
import { runScenario, type EngineParts, type RunMeta } from "../runner/run-scenario.js";
import type { RunResults } from "../runner/results.js";
import type { TimeSeries } from "../runner/time-series.js";
import { HostLog } from "./host-log.js";

/** A crash point: how many events each device's log held at that boundary. */
export interface CrashPoint {
  readonly source: number;
  readonly cache: number;
}

/** One run with everything a crash campaign needs: device logs, crash points, the host's log. */
export interface Recording {
  readonly scenario: Scenario;
  readonly source: SimDevice;
  readonly cache: SimDevice;
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
  if (scenario.devices.shared) throw new CrashScenarioError("crash campaigns need the Source and Cache LU on separate devices; this scenario shares one (devices.shared)");
  let kernel: Kernel | undefined;
  let source: SimDevice | undefined;
  let cache: SimDevice | undefined;
  const points: CrashPoint[] = [];
  const mark = (): number => (source === undefined || cache === undefined ? 0 : markCrashPoint(points, source, cache));
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
      if (!(devices.source instanceof SimDevice) || !(devices.cache instanceof SimDevice)) {
        throw new CrashScenarioError("crash campaigns need plain devices for the Source and Cache LU (a stripe has no single write log yet)");
      }
      source = devices.source;
      cache = devices.cache;
      mark();
    },
  });
  if (kernel !== undefined) kernel.onEvent = undefined;
  mark();
  if (source === undefined || cache === undefined) throw new Error(`the run built no devices (seed ${scenario.seed})`);
  return { scenario, source, cache, points, firstPoint: host.formattedAt, host, results: output.results, timeSeries: output.timeSeries };
}
