import type { Payload } from "./payload.js";
import { isMultipleOf } from "./multiple-of.js";

/**
 * The one interface between the engine and storage. Simulated devices (sim/)
 * and the file-backed device (io/file-device.ts) both implement it, so the
 * engine runs unchanged over either.
 */
export interface ReadRequest {
  readonly op: "read";
  readonly offsetBytes: number;
  readonly lengthBytes: number;
}

export interface WriteRequest {
  readonly op: "write";
  readonly offsetBytes: number;
  readonly payload: Payload;
  /** Force unit access: durable when it completes, whatever the write cache does. */
  readonly fua: boolean;
}

/** Makes every write that completed before the flush was submitted durable. */
export interface FlushRequest {
  readonly op: "flush";
}

export type IoRequest = ReadRequest | WriteRequest | FlushRequest;

/** What a completion carries: the data for a read, nothing otherwise. */
export type IoCompletion = Payload | undefined;

export interface BlockDevice {
  readonly name: string;
  readonly capacityBytes: number;
  readonly sectorSizeBytes: number;
  /** Requests the device works on at once; more wait in submission order. */
  readonly queueDepth: number;
  /**
   * Starts a request. `onComplete` is called exactly once, never synchronously
   * from inside `submit`, with the completion or with the error that failed it.
   */
  submit(request: IoRequest, onComplete: (completion: IoCompletion, error?: DeviceError) => void): void;
  /**
   * A hint that I/O at the first `count` of these offsets comes soon: the
   * device may bring what it will look up for them into the processor's
   * caches. It must change nothing; offsets outside the device are ignored.
   * Optional: a device for which it would save nothing leaves it out.
   */
  prefetch?(offsetsBytes: ArrayLike<number>, count: number): void;
}

/** A typed failure of a device request (out of range, misaligned, I/O error). */
export class DeviceError extends Error {
  constructor(
    readonly deviceName: string,
    message: string,
  ) {
    super(`${deviceName}: ${message}`);
    this.name = "DeviceError";
  }
}

/** Checks a request against a device's geometry; returns the problem, or undefined. */
export function requestProblem(device: BlockDevice, request: IoRequest): string | undefined {
  if (request.op === "flush") return undefined;
  const lengthBytes = request.op === "read" ? request.lengthBytes : request.payload.lengthBytes;
  const { offsetBytes } = request;
  if (!Number.isSafeInteger(offsetBytes) || offsetBytes < 0) return `${request.op} offset ${offsetBytes} is not a non-negative integer`;
  if (!Number.isSafeInteger(lengthBytes) || lengthBytes <= 0) return `${request.op} length ${lengthBytes} is not a positive integer`;
  if (!isMultipleOf(offsetBytes, device.sectorSizeBytes) || !isMultipleOf(lengthBytes, device.sectorSizeBytes)) {
    return `${request.op} of ${lengthBytes} bytes at ${offsetBytes} is not aligned to the ${device.sectorSizeBytes}-byte sector`;
  }
  if (offsetBytes + lengthBytes > device.capacityBytes) {
    return `${request.op} of ${lengthBytes} bytes at ${offsetBytes} ends past the capacity of ${device.capacityBytes} bytes`;
  }
  return undefined;
}
