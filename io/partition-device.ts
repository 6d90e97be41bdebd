import { DeviceError, requestProblem, type BlockDevice, type IoCompletion, type IoRequest } from "./block-device.js";
import { BadValueError } from "./bad-value-error.js";

/**
 * A window [offsetBytes, offsetBytes + capacityBytes) of another device, seen
 * as a device of its own. Two partitions of one physical device share its
 * queue, actuator and cache: that is how a Source LU and a Cache LU on the
 * same disk contend. A flush flushes the whole physical device, as it would.
 */
export class PartitionDevice implements BlockDevice {
  readonly sectorSizeBytes: number;
  readonly queueDepth: number;
  /** prefetch()'s offsets, moved into the parent. */
  private prefetchOffsets = new Float64Array(0);

  constructor(
    readonly name: string,
    readonly parent: BlockDevice,
    readonly offsetBytes: number,
    readonly capacityBytes: number,
    /** Completes a rejected request without calling back inside `submit`. */
    private readonly defer: (callback: () => void) => void,
  ) {
    this.sectorSizeBytes = parent.sectorSizeBytes;
    this.queueDepth = parent.queueDepth;
    if (offsetBytes % parent.sectorSizeBytes !== 0 || capacityBytes % parent.sectorSizeBytes !== 0 || offsetBytes + capacityBytes > parent.capacityBytes) {
      throw new BadValueError(`partition ${name} [${offsetBytes}, +${capacityBytes}) does not fit sector-aligned in ${parent.name} (${parent.capacityBytes} bytes)`);
    }
  }

  submit(request: IoRequest, onComplete: (completion: IoCompletion, error?: DeviceError) => void): void {
    const problem = requestProblem(this, request);
    if (problem !== undefined) {
      const error = new DeviceError(this.name, problem);
      this.defer(() => onComplete(undefined, error));
      return;
    }
    const shifted: IoRequest = request.op === "flush" ? request : { ...request, offsetBytes: request.offsetBytes + this.offsetBytes };
    this.parent.submit(shifted, onComplete);
  }

  /** Passes the hint on, for the offsets inside the partition, as the parent's offsets. */
  prefetch(offsetsBytes: ArrayLike<number>, count: number): void {
    if (this.parent.prefetch === undefined) return;
    if (this.prefetchOffsets.length < count) this.prefetchOffsets = new Float64Array(count);
    let inside = 0;
    for (let i = 0; i < count; i++) {
      const offsetBytes = offsetsBytes[i]!;
      if (offsetBytes >= 0 && offsetBytes < this.capacityBytes) this.prefetchOffsets[inside++] = offsetBytes + this.offsetBytes;
    }
    this.parent.prefetch(this.prefetchOffsets, inside);
  }
}
