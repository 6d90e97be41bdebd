import type { BlockDevice } from "../io/block-device.js";
import { flush, read, write, type Coroutine } from "../io/coroutine.js";
import { Payload } from "../io/payload.js";
import type { EngineCounters } from "./counters.js";

/** The engine's only path to its devices: every byte is counted here. */
export class DeviceIo {
  constructor(
    readonly source: BlockDevice,
    readonly cache: BlockDevice,
    readonly counters: EngineCounters,
  ) {}

  *read(device: BlockDevice, offsetBytes: number, lengthBytes: number): Coroutine<Payload> {
    this.counters.deviceBytesRead += lengthBytes;
    return yield* read(device, offsetBytes, lengthBytes);
  }

  *readBytes(device: BlockDevice, offsetBytes: number, lengthBytes: number): Coroutine<Uint8Array> {
    return (yield* this.read(device, offsetBytes, lengthBytes)).toBytes();
  }

  *write(device: BlockDevice, offsetBytes: number, payload: Payload, fua: boolean): Coroutine {
    this.counters.deviceBytesWritten += payload.lengthBytes;
    yield* write(device, offsetBytes, payload, fua);
  }

  *writeMetadata(sector: number, bytes: Uint8Array, fua: boolean): Coroutine {
    this.counters.metadataWrites++;
    this.counters.metadataBytesWritten += bytes.length;
    yield* this.write(this.cache, sector * this.cache.sectorSizeBytes, Payload.bytes(bytes), fua);
  }

  *flush(device: BlockDevice): Coroutine {
    this.counters.flushes++;
    yield* flush(device);
  }
}
