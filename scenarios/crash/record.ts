import type { SimDevice } from "../../sim/devices/sim-device.js";
import type { Kernel } from "../../sim/kernel.js";
import type { Scenario } from "../model.js";
import { runScenario, type EngineParts, type RunMeta } from "../runner/run-scenario.js";
import type { RunResults } from "../runner/results.js";
import type { TimeSeries } from "../runner/time-series.js";
import { HostLog } from "./host-log.js";
import { CrashScenarioError, loggedDevicesOf, type LoggedDevices, type LuShape } from "./logged-devices.js";

export { CrashScenarioError } from "./logged-devices.js";

/** A crash point: how many events each logged disk's log held at that boundary, in LoggedDevices.disks order. */
export type CrashPoint = readonly number[];

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

/** Adds the boundary "now" to `points` unless no disk's log changed since the last one; returns its index. */
export function markCrashPoint(points: CrashPoint[], disks: ReadonlyArray<{ readonly device: SimDevice }>): number {
  const last = points[points.length - 1];
  if (last === undefined || disks.some((disk, i) => disk.device.log().length !== last[i])) points.push(disks.map((disk) => disk.device.log().length));
  return points.length - 1;
}

/**
 * Runs the scenario once with write logs on every device and a host log, and
 * records a crash point at every boundary between device events (a kernel
 * event that changed no log adds none).
 */
export function recordRun(scenario: Scenario, meta: RunMeta, parts: EngineParts | undefined): Recording {
  let kernel: Kernel | undefined;
  let logged: LoggedDevices | undefined;
  const points: CrashPoint[] = [];
  const mark = (): number => (logged === undefined ? 0 : markCrashPoint(points, logged.disks));
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
      refuseSplitMetadataBlocks(logged.cache, scenario.engine.metadataBlockBytes ?? devices.cache.sectorSizeBytes);
      mark();
    },
  });
  if (kernel !== undefined) kernel.onEvent = undefined;
  mark();
  if (logged === undefined) throw new Error(`the run built no devices (seed ${scenario.seed})`);
  return { scenario, ...logged, points, firstPoint: host.formattedAt, host, results: output.results, timeSeries: output.timeSeries };
}

/**
 * The engine promises consistency when each metadata block is written
 * atomically; a Cache LU stripe that cuts a block between two members breaks
 * that on every crash (each member keeps or loses its part on its own), not
 * only in the torn states the campaign marks outside the promise. Refused:
 * its stripe unit, and where it starts, must be whole blocks.
 */
function refuseSplitMetadataBlocks(shape: LuShape, blockBytes: number, offsetBytes = 0): void {
  if (shape.kind === "disk") return;
  if (shape.kind === "partition") return refuseSplitMetadataBlocks(shape.of, blockBytes, offsetBytes + shape.offsetBytes);
  if (shape.stripeUnitBytes % blockBytes !== 0 || offsetBytes % blockBytes !== 0) {
    throw new CrashScenarioError(
      `the Cache LU's stripe (unit ${shape.stripeUnitBytes} bytes${offsetBytes === 0 ? "" : `, the LU at byte ${offsetBytes} of it`}) splits ${blockBytes}-byte metadata blocks between members, which a crash then tears outside the engine's promise: make the stripe unit a multiple of the metadata block`,
    );
  }
  for (const member of shape.members) refuseSplitMetadataBlocks(member, blockBytes);
}
