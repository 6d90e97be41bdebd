import type { BlockDevice } from "../../io/block-device.js";
import { PartitionDevice } from "../../io/partition-device.js";
import type { ContentStore } from "../../sim/devices/content-store.js";
import { SimDevice } from "../../sim/devices/sim-device.js";
import { StripeDevice, stripeVolumeOffsetBytes } from "../../sim/devices/stripe.js";
import type { Kernel } from "../../sim/kernel.js";
import { describeDisk, diskKey, type DeviceRole, type DiskKey } from "./state-id.js";

/** A device whose writes a run (or a recovery) logged, and the key its writes are listed under in a state id. */
export interface LoggedDisk {
  readonly key: DiskKey;
  readonly device: SimDevice;
}

/**
 * How an LU is built from the logged disks: one disk (an index into
 * LoggedDevices.disks), a partition of something (the Source and Cache LU of
 * one shared disk), or a RAID-0 stripe over members. Each part keeps the
 * capacity and sector size of the device it stands for.
 */
export type LuShape = { readonly capacityBytes: number; readonly sectorSizeBytes: number } & (
  | { readonly kind: "disk"; readonly disk: number }
  | { readonly kind: "partition"; readonly of: LuShape; readonly offsetBytes: number }
  | { readonly kind: "stripe"; readonly members: readonly LuShape[]; readonly stripeUnitBytes: number; readonly unwrittenStamp: number | undefined }
);

/**
 * The devices whose writes a run (or a recovery) logged, and the Source and
 * Cache LU built over them. A crash keeps or loses each disk's pending
 * writes independently of the others' (DESIGN.md's crash model is per
 * device): a stripe's members each have their own volatile cache, and a
 * stripe's flush is one flush per member. A disk both LUs share is listed
 * once, under `s`: a crash keeps or loses any of its writes, whichever LU
 * they went to, and one flush makes all of them durable.
 */
export interface LoggedDevices {
  readonly disks: readonly LoggedDisk[];
  readonly source: LuShape;
  readonly cache: LuShape;
}

/** A scenario a crash campaign cannot explore, with the reason. */
export class CrashScenarioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CrashScenarioError";
  }
}

/**
 * The logged disks under a run's Source and Cache LU and how each LU is
 * built from them: plain devices, partitions of one disk (devices.shared),
 * stripes of devices (nested stripes down to their leaf devices).
 */
export function loggedDevicesOf(devices: { readonly source: BlockDevice; readonly cache: BlockDevice }): LoggedDevices {
  const disks: LoggedDisk[] = [];
  const shapes = new Map<BlockDevice, LuShape>();
  const shapeOf = (role: DeviceRole, device: BlockDevice, members: { count: number } | undefined): LuShape => {
    const known = shapes.get(device);
    if (known !== undefined) return known;
    const size = { capacityBytes: device.capacityBytes, sectorSizeBytes: device.sectorSizeBytes };
    let shape: LuShape;
    if (device instanceof SimDevice) {
      disks.push({ key: diskKey(role, members === undefined ? undefined : members.count++), device });
      shape = { ...size, kind: "disk", disk: disks.length - 1 };
    } else if (device instanceof PartitionDevice) {
      shape = { ...size, kind: "partition", of: shapeOf(role, device.parent, members), offsetBytes: device.offsetBytes };
    } else if (device instanceof StripeDevice) {
      // A stripe's leaf devices are numbered across the whole LU, depth first: s0/, s1/, ...
      const counter = members ?? { count: 0 };
      shape = { ...size, kind: "stripe", members: device.children.map((child) => shapeOf(role, child, counter)), stripeUnitBytes: device.stripeUnitBytes, unwrittenStamp: device.unwrittenStamp };
    } else {
      throw new CrashScenarioError(`crash campaigns need the LUs built of simulated devices, partitions and stripes; ${device.name} is none of them`);
    }
    shapes.set(device, shape);
    return shape;
  };
  return { source: shapeOf("source", devices.source, undefined), cache: shapeOf("cache", devices.cache, undefined), disks };
}

/**
 * Where a write to logged disk `disk` landed: the LU and the offset in it
 * (a shared disk's writes past the Source LU are the Cache LU's; a stripe
 * member's offset maps to the volume's through the stripe geometry). A
 * write across stripe units of a member is located by its first byte, the
 * lowest of the volume offsets it covers.
 */
export function luOffsetOf(devices: LoggedDevices, disk: number, offsetBytes: number): { readonly lu: DeviceRole; readonly offsetBytes: number } {
  for (const lu of ["source", "cache"] as const) {
    const inLu = offsetIn(devices[lu], disk, offsetBytes);
    if (inLu !== undefined) return { lu, offsetBytes: inLu };
  }
  throw new Error(`byte ${offsetBytes} of ${describeDisk(devices.disks[disk]?.key ?? "?")} device lies in neither LU`);
}

/** Byte `offsetBytes` of logged disk `disk` as an offset in `shape`, or undefined if it is not part of it. */
function offsetIn(shape: LuShape, disk: number, offsetBytes: number): number | undefined {
  switch (shape.kind) {
    case "disk":
      return shape.disk === disk ? offsetBytes : undefined;
    case "partition": {
      const inParent = offsetIn(shape.of, disk, offsetBytes);
      if (inParent === undefined || inParent < shape.offsetBytes || inParent >= shape.offsetBytes + shape.capacityBytes) return undefined;
      return inParent - shape.offsetBytes;
    }
    case "stripe":
      for (const [child, member] of shape.members.entries()) {
        const inMember = offsetIn(member, disk, offsetBytes);
        if (inMember !== undefined) return stripeVolumeOffsetBytes(shape.stripeUnitBytes, shape.members.length, child, inMember);
      }
      return undefined;
  }
}

/** The keys of the disks under an LU, in the order they are logged. */
export function diskKeysOf(devices: LoggedDevices, lu: DeviceRole): DiskKey[] {
  const keys: DiskKey[] = [];
  const walk = (shape: LuShape): void => {
    if (shape.kind === "disk") keys.push(devices.disks[shape.disk]!.key);
    else if (shape.kind === "partition") walk(shape.of);
    else shape.members.forEach(walk);
  };
  walk(devices[lu]);
  return keys;
}

/**
 * The Source and Cache LU over crash images, one per logged disk: a device
 * like each disk, made by `build` from its image (in disk order, once each,
 * a shared disk's too), then the partitions and stripes over them as in the
 * run.
 */
export function luDevicesFrom(
  devices: LoggedDevices,
  images: readonly ContentStore[],
  kernel: Kernel,
  build: (name: string, like: SimDevice, contents: ContentStore) => SimDevice,
): { readonly source: BlockDevice; readonly cache: BlockDevice } {
  const built = devices.disks.map((disk, i) => build(disk.key, disk.device, images[i]!));
  const made = new Map<LuShape, BlockDevice>();
  // A request the partition refuses completes later, as a device's would, never inside submit.
  const defer = (callback: () => void) => void kernel.schedule(0, callback);
  const deviceOf = (name: string, shape: LuShape): BlockDevice => {
    const known = made.get(shape);
    if (known !== undefined) return known;
    let device: BlockDevice;
    if (shape.kind === "disk") device = built[shape.disk]!;
    else if (shape.kind === "partition") device = new PartitionDevice(name, deviceOf(`${name} disk`, shape.of), shape.offsetBytes, shape.capacityBytes, defer);
    else {
      const children = shape.members.map((member, i) => deviceOf(`${name}.${i}`, member));
      device = new StripeDevice(kernel, { name, children, stripeUnitBytes: shape.stripeUnitBytes, ...(shape.unwrittenStamp === undefined ? {} : { unwrittenStamp: shape.unwrittenStamp }) });
    }
    made.set(shape, device);
    return device;
  };
  return { source: deviceOf("source", devices.source), cache: deviceOf("cache", devices.cache) };
}
