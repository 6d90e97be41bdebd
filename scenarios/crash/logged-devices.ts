import type { BlockDevice } from "../../io/block-device.js";
import { PartitionDevice } from "../../io/partition-device.js";
import type { ContentStore } from "../../sim/devices/content-store.js";
import type { SimDevice } from "../../sim/devices/sim-device.js";
import type { Kernel } from "../../sim/kernel.js";
import type { DeviceRole } from "./state-id.js";

/** Both LUs on one disk (devices.shared): the Source LU first, the Cache LU after it to the disk's end. */
export interface SharedDisk {
  readonly sourceBytes: number;
  readonly cacheBytes: number;
}

/**
 * The devices whose writes a run (or a recovery) logged: one per LU, or one
 * disk holding both, which is then `source` and `cache` alike. A shared
 * disk's writes, to either LU, are listed as the source role's (`s` in a
 * state id): a crash of the disk keeps or loses any of them, whichever LU
 * they went to, and one flush makes all of them durable.
 */
export interface LoggedDevices {
  readonly source: SimDevice;
  readonly cache: SimDevice;
  readonly shared: SharedDisk | undefined;
}

/** Each logged device once, with the role its writes are listed under. */
export function loggedRoles(devices: LoggedDevices): Array<readonly [DeviceRole, SimDevice]> {
  return devices.shared === undefined ? [["source", devices.source], ["cache", devices.cache]] : [["source", devices.source]];
}

/** The capacity of an LU (on a shared disk, its partition's). */
export function luCapacityBytes(devices: LoggedDevices, role: DeviceRole): number {
  const shared = devices.shared;
  if (shared === undefined) return devices[role].capacityBytes;
  return role === "source" ? shared.sourceBytes : shared.cacheBytes;
}

/**
 * Where a write to the logged device `role` landed: the LU and the offset in
 * it (a shared disk's writes past the Source LU are the Cache LU's).
 */
export function luOffsetOf(devices: LoggedDevices, role: DeviceRole, offsetBytes: number): { readonly lu: DeviceRole; readonly offsetBytes: number } {
  const shared = devices.shared;
  if (shared === undefined || offsetBytes < shared.sourceBytes) return { lu: role, offsetBytes };
  return { lu: "cache", offsetBytes: offsetBytes - shared.sourceBytes };
}

/**
 * The Source and Cache LU over crash images: a device like each logged one,
 * made by `build` from its image; on a shared disk, one device from the
 * disk's image with the two LUs as partitions of it.
 */
export function luDevicesFrom(
  devices: LoggedDevices,
  images: { readonly source: ContentStore; readonly cache: ContentStore | undefined },
  kernel: Kernel,
  build: (name: string, like: SimDevice, contents: ContentStore) => SimDevice,
): { readonly source: BlockDevice; readonly cache: BlockDevice } {
  const shared = devices.shared;
  if (shared === undefined) {
    if (images.cache === undefined) throw new Error("the Cache LU's device has no image");
    return { source: build("source", devices.source, images.source), cache: build("cache", devices.cache, images.cache) };
  }
  const disk = build("disk", devices.source, images.source);
  // A request the partition refuses completes later, as a device's would, never inside submit.
  const defer = (callback: () => void) => void kernel.schedule(0, callback);
  return { source: new PartitionDevice("source", disk, 0, shared.sourceBytes, defer), cache: new PartitionDevice("cache", disk, shared.sourceBytes, shared.cacheBytes, defer) };
}
