import type { BlockDevice } from "../io/block-device.js";
import type { Coroutine, IoStep } from "../io/coroutine.js";
import { Payload } from "../io/payload.js";
import type { EngineCounters } from "./counters.js";

/** The engine's only path to its devices: every byte is counted here. */
export class DeviceIo {
  /**
   * `metadataSectorBytes` is the engine's metadata block (the geometry's
   * sector size): a multiple of the Cache LU device's sector, so on a device
   * with smaller sectors one metadata block spans several device sectors.
   */
  constructor(
    readonly source: BlockDevice,
    readonly cache: BlockDevice,
    readonly counters: EngineCounters,
    readonly metadataSectorBytes: number = cache.sectorSizeBytes,
  ) {}

  // The steps are yielded here directly rather than through io/coroutine's helpers: one generator less per I/O on the hot path.
  *read(device: BlockDevice, offsetBytes: number, lengthBytes: number): Coroutine<Payload> {
    return (yield this.readStep(device, offsetBytes, lengthBytes)) as Payload;
  }

  /**
   * The step of a counted read, for hot paths that yield it themselves (no
   * generator per I/O): the caller is resumed with the read's Payload.
   */
  readStep(device: BlockDevice, offsetBytes: number, lengthBytes: number): IoStep {
    this.counters.deviceBytesRead += lengthBytes;
    return { kind: "io", device, op: "read", offsetBytes, lengthBytes };
  }

  /** The step of a counted write, for hot paths that yield it themselves. */
  writeStep(device: BlockDevice, offsetBytes: number, payload: Payload, fua: boolean): IoStep {
    this.counters.deviceBytesWritten += payload.lengthBytes;
    return { kind: "io", device, op: "write", offsetBytes, payload, fua };
  }

  /** The step of a counted metadata sector write of `bytes`, handed over (never touched again). */
  metadataWriteStep(sector: number, bytes: Uint8Array, fua: boolean): IoStep {
    return this.metadataPayloadWriteStep(sector, Payload.handedOver(bytes), fua);
  }

  /**
   * The step of a counted metadata sector write of `payload`. Its bytes may be
   * lent (see BytesSegment): the caller then leaves them as they are until
   * the write completes, and may reuse them, and the payload, after.
   */
  metadataPayloadWriteStep(sector: number, payload: Payload, fua: boolean): IoStep {
    this.counters.metadataWrites++;
    this.counters.metadataBytesWritten += payload.lengthBytes;
    return this.writeStep(this.cache, sector * this.metadataSectorBytes, payload, fua);
  }

  *write(device: BlockDevice, offsetBytes: number, payload: Payload, fua: boolean): Coroutine {
    yield this.writeStep(device, offsetBytes, payload, fua);
  }

  *writeMetadata(sector: number, bytes: Uint8Array, fua: boolean): Coroutine {
    yield this.metadataWriteStep(sector, bytes, fua);
  }

  *flush(device: BlockDevice): Coroutine {
    this.counters.flushes++;
    yield { kind: "io", device, op: "flush" };
  }
}
