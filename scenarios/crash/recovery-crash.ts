/**
 * Crashes during recovery. DESIGN.md's invariants hold "after any crash and
 * recovery", and a mount writes too (records of reclaimed chunks, rebuilt map
 * regions, the repository's mounted flag): a crash in the middle of those
 * writes is followed by a second recovery that must still satisfy 1-6.
 *
 * For a crash state whose recovery succeeded, the mount is run again on
 * devices that log their writes (with volatile caches where the scenario's
 * devices have them), and every boundary between its device events is a
 * recovery crash point with the same subsets of pending writes as the run's
 * own crash points. The second recovery is judged against the same oracle,
 * at the original crash point: no host operation happens during a mount.
 *
 * Torn variants are not generated: every write a mount makes is a metadata
 * block, and tearing one is outside the engine's promise (block-atomic
 * metadata writes), which the run's own torn states already probe.
 */
import { EngineError, mountCacheLu } from "../../engine/index.js";
import type { ContentStore } from "../../sim/devices/content-store.js";
import { CrashImage } from "./crash-image.js";
import { InstantModel } from "../../sim/devices/models/instant.js";
import { SimDevice } from "../../sim/devices/sim-device.js";
import { Kernel } from "../../sim/kernel.js";
import type { Rng } from "../../sim/rng/streams.js";
import { mountOptionsFor, type EngineParts } from "../runner/run-scenario.js";
import { imageStores, type CrashImages } from "./check-state.js";
import { luDevicesFrom, type LoggedDevices } from "./logged-devices.js";
import { statesAt, type EnumerateOptions } from "./enumerate.js";
import { markCrashPoint, type CrashPoint, type Recording } from "./record.js";
import { formatStateId, parseStateId, StateIdError, survivorsOn, type CrashStateSpec } from "./state-id.js";
import { BadValueError } from "../../io/bad-value-error.js";

/** A recorded mount: its devices' write logs and its crash points. */
export interface RecoveryRecording extends LoggedDevices {
  readonly points: readonly CrashPoint[];
}

/** A crash state of the run, then a crash state of the recovery from it. */
export interface RecoveryCrashSpec {
  readonly base: CrashStateSpec;
  readonly recovery: CrashStateSpec;
}

/**
 * Mounts the crash images again, recording the mount's writes. Undefined when
 * that mount fails (the state's own check reports it).
 */
export function recordRecovery(recording: Recording, base: CrashStateSpec, images: CrashImages, parts: EngineParts | undefined): RecoveryRecording | undefined {
  const kernel = new Kernel(`${recording.scenario.seed}/recovery/${formatStateId(base)}`);
  // Volatile caches where the run's devices had them: what a mount leaves pending depends on it.
  const made: SimDevice[] = [];
  const device = (name: string, like: SimDevice, contents: ContentStore) => {
    const sim = new SimDevice({ name, capacityBytes: like.capacityBytes, sectorSizeBytes: like.sectorSizeBytes, queueDepth: 32, kernel, model: new InstantModel(kernel), writeCache: like.writeCache, recordLog: true, initialContents: contents });
    made.push(sim);
    return sim;
  };
  const lus = luDevicesFrom(recording, imageStores(images), kernel, device);
  // The same disks as the run's, under the same keys and LUs: luDevicesFrom builds them in disk order.
  const logged: LoggedDevices = { disks: recording.disks.map(({ key }, i) => ({ key, device: made[i]! })), source: recording.source, cache: recording.cache };
  const points: CrashPoint[] = [];
  markCrashPoint(points, logged.disks);
  kernel.onEvent = () => void markCrashPoint(points, logged.disks);
  let mounted = false;
  kernel.spawn(mountCacheLu(lus.source, lus.cache, mountOptionsFor(recording.scenario, parts)), "recovery", () => (mounted = true));
  try {
    kernel.runUntilIdle();
  } catch (error) {
    const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
    if (cause instanceof EngineError) return undefined;
    throw error;
  }
  kernel.onEvent = undefined;
  markCrashPoint(points, logged.disks);
  return mounted ? { ...logged, points } : undefined;
}

/** The recovery's crash states: at every crash point of the mount, the subsets of its pending writes (no tears, see above). */
export function* recoveryStates(recovery: RecoveryRecording, options: EnumerateOptions, rng: Rng): Generator<CrashStateSpec> {
  for (let point = 0; point < recovery.points.length; point++) {
    for (const state of statesAt(recovery, point, options, rng)) if (state.tear === undefined) yield state;
  }
}

/** The images of one recovery crash state. */
export function recoveryImages(recovery: RecoveryRecording, state: CrashStateSpec): CrashImages {
  const point = recovery.points[state.point];
  if (point === undefined) throw new BadValueError(`recovery crash point ${state.point} does not exist (this recovery has ${recovery.points.length})`);
  return recovery.disks.map(({ key, device }, i) => new CrashImage(device, point[i]!, new Set(survivorsOn(state, key)), undefined));
}

/**
 * The key recovery images are told apart by: their canonical content hash.
 * CrashImage's own key is relative to one device's log, so keys of two
 * recoveries (each with its own devices) cannot be compared.
 */
export function recoveryImageKey(images: CrashImages): string {
  return images.map((image) => image.store().contentHash()).join("/");
}

/** `p57.s3.c12/p4.c2`: the run's crash state, then the recovery's (`p57.c0/3/p4.c1/2` on a striped Cache LU). */
export function formatRecoveryCrashId(spec: RecoveryCrashSpec): string {
  return `${formatStateId(spec.base)}/${formatStateId(spec.recovery)}`;
}

/** A plain state id, or a run's state and a recovery's state joined by "/". */
export function parseCrashId(id: string): CrashStateSpec | RecoveryCrashSpec {
  // A stripe member's list has "/" in its key (c0/3); the recovery's state starts with "/p".
  const parts = id.split(/\/(?=p)/);
  if (parts.length === 1) return parseStateId(id);
  if (parts.length !== 2) throw new StateIdError(id, 'at most one "/p" (the run\'s crash state, then the recovery\'s)');
  return { base: parseStateId(parts[0]!), recovery: parseStateId(parts[1]!) };
}
