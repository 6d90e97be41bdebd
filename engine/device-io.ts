import type { BlockDevice } from "../io/block-device.js";
import type { Coroutine } from "../io/coroutine.js";
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
    this.counters.deviceBytesRead += lengthBytes;
    return (yield { kind: "io", device, request: { op: "read", offsetBytes, lengthBytes } }) as Payload;
  }

  *readBytes(device: BlockDevice, offsetBytes: number, lengthBytes: number): Coroutine<Uint8Array> {
    return (yield* this.read(device, offsetBytes, lengthBytes)).toBytes();
  }

  *write(device: BlockDevice, offsetBytes: number, payload: Payload, fua: boolean): Coroutine {
    this.counters.deviceBytesWritten += payload.lengthBytes;
    yield { kind: "io", device, request: { op: "write", offsetBytes, payload, fua } };
  }

  *writeMetadata(sector: number, bytes: Uint8Array, fua: boolean): Coroutine {
    this.counters.metadataWrites++;
    this.counters.metadataBytesWritten += bytes.length;
    // Encoded sectors are fresh and never touched again once written.
    yield* this.write(this.cache, sector * this.metadataSectorBytes, Payload.handedOver(bytes), fua);
  }

  *flush(device: BlockDevice): Coroutine {
    this.counters.flushes++;
    yield { kind: "io", device, request: { op: "flush" } };
  }
}
