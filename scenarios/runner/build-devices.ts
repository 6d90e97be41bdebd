import type { BlockDevice } from "../../io/block-device.js";
import { PartitionDevice } from "../../io/partition-device.js";
import type { Kernel } from "../../sim/kernel.js";
import type { Rng } from "../../sim/rng/streams.js";
import { SimDevice } from "../../sim/devices/sim-device.js";
import { StripeDevice } from "../../sim/devices/stripe.js";
import type { ServiceModel } from "../../sim/devices/service-model.js";
import { InstantModel } from "../../sim/devices/models/instant.js";
import { FixedBandwidthModel } from "../../sim/devices/models/fixed-bandwidth.js";
import { ExponentialModel } from "../../sim/devices/models/exponential.js";
import { RotatingDiskModel } from "../../sim/devices/models/rotating-disk.js";
import { FlashModel } from "../../sim/devices/models/flash.js";
import { EmpiricalModel } from "../../sim/devices/models/empirical.js";
import type { DeviceSpec, DevicesSpec } from "../model.js";

/** Never-written Source LU space reads as this stamp at its address: the volume's original contents. */
export const SOURCE_ORIGIN_STAMP = 1;

export interface BuiltDevices {
  readonly source: BlockDevice;
  readonly cache: BlockDevice;
  /** Every simulated physical device, for crash logs and reports. */
  readonly physical: readonly SimDevice[];
  /** One line per LU describing its device, for the results. */
  readonly descriptions: { readonly source: string; readonly cache: string };
}

export interface BuildOptions {
  readonly recordLog: boolean;
}

/**
 * Builds the Source and Cache LU devices of a scenario. Each physical device
 * draws from its own random stream, named after its role, so adding a device
 * never changes another's latencies.
 */
export function buildDevices(spec: DevicesSpec, kernel: Kernel, rng: Rng, options: BuildOptions): BuiltDevices {
  const physical: SimDevice[] = [];
  const build = (name: string, device: DeviceSpec, unwrittenStamp: number | undefined): { device: BlockDevice; description: string } => {
    if (device.model === "stripe") {
      const members = device.members.map((member, i) => build(`${name}.${i}`, member, unwrittenStamp));
      const stripe = new StripeDevice(kernel, {
        name,
        children: members.map((m) => m.device),
        stripeUnitBytes: device.stripeUnitBytes,
        ...(unwrittenStamp === undefined ? {} : { unwrittenStamp }),
      });
      return { device: stripe, description: `stripe of ${members.length} (${members.map((m) => m.description).join("; ")}), unit ${device.stripeUnitBytes} B` };
    }
    const model = serviceModel(device, kernel, rng.stream(`device/${name}`));
    const sim = new SimDevice({
      name,
      capacityBytes: device.capacityBytes,
      sectorSizeBytes: device.sectorSizeBytes,
      queueDepth: device.queueDepth,
      kernel,
      model,
      writeCache: device.writeCache,
      recordLog: options.recordLog,
      ...(unwrittenStamp === undefined ? {} : { unwrittenStamp }),
    });
    physical.push(sim);
    return { device: sim, description: `${model.description}${device.writeCache ? ", volatile write cache" : ""}` };
  };

  if (spec.shared) {
    // One physical device: the Source LU first, the Cache LU at its end.
    const disk = build("disk", spec.source, SOURCE_ORIGIN_STAMP);
    const cacheBytes = spec.cache.capacityBytes;
    const sourceBytes = spec.source.capacityBytes - cacheBytes;
    const defer = (callback: () => void) => void kernel.schedule(0, callback);
    return {
      source: new PartitionDevice("source", disk.device, 0, sourceBytes, defer),
      cache: new PartitionDevice("cache", disk.device, sourceBytes, cacheBytes, defer),
      physical,
      descriptions: { source: `${disk.description} (shared with the Cache LU)`, cache: `the same device as the Source LU, last ${cacheBytes} bytes` },
    };
  }
  const source = build("source", spec.source, SOURCE_ORIGIN_STAMP);
  const cache = build("cache", spec.cache, undefined);
  return { source: source.device, cache: cache.device, physical, descriptions: { source: source.description, cache: cache.description } };
}

/** A leaf device's service model; the model's constructor refuses settings it cannot build a device from (BadValueError). */
export function serviceModel(device: Exclude<DeviceSpec, { model: "stripe" }>, kernel: Kernel, rng: Rng): ServiceModel {
  switch (device.model) {
    case "instant":
      return new InstantModel(kernel);
    case "fixed":
      return new FixedBandwidthModel(kernel, {
        latencyNs: device.latencyNs,
        ...(device.readLatencyNs === undefined ? {} : { readLatencyNs: device.readLatencyNs }),
        ...(device.writeLatencyNs === undefined ? {} : { writeLatencyNs: device.writeLatencyNs }),
        bandwidthBytesPerSec: device.bandwidthBytesPerSec,
        parallelism: device.parallelism,
        flushLatencyNs: device.flushLatencyNs,
      });
    case "exponential":
      return new ExponentialModel(kernel, { meanServiceNs: device.meanServiceNs, minServiceNs: device.minServiceNs, parallelism: device.parallelism, flushNs: device.flushNs }, rng);
    case "rotating":
      return new RotatingDiskModel(kernel, {
        capacityBytes: device.capacityBytes,
        sectorSizeBytes: device.sectorSizeBytes,
        sectorsPerTrack: device.sectorsPerTrack,
        heads: device.heads,
        rpm: device.rpm,
        trackToTrackSeekNs: device.trackToTrackSeekNs,
        fullStrokeSeekNs: device.fullStrokeSeekNs,
        scheduler: device.scheduler,
        flushNs: device.flushNs,
      });
    case "flash":
      return new FlashModel(kernel, {
        channels: device.channels,
        diesPerChannel: device.diesPerChannel,
        pageSizeBytes: device.pageSizeBytes,
        pageReadNs: device.pageReadNs,
        pageProgramNs: device.pageProgramNs,
        channelBandwidthBytesPerSec: device.channelBandwidthBytesPerSec,
        flushNs: device.flushNs,
      });
    case "empirical":
      return new EmpiricalModel(kernel, { readLatencyNs: device.readPercentilesNs, writeLatencyNs: device.writePercentilesNs, parallelism: device.parallelism, flushNs: device.flushNs }, rng);
  }
}
