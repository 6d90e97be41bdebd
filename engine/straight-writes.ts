import type { BlockDevice, DeviceError, IoCompletion, IoRequest } from "../io/block-device.js";
import type { EngineCounters } from "./counters.js";
import type { Gate } from "./gate.js";

/**
 * The Source LU as the host writes that go straight through see it (see
 * CofwEngine.hostWriteStep): each request goes to the Source LU, and when it
 * completes, before its submitter hears of it, the write leaves the gate it
 * entered at hostWriteStep and, if it succeeded, is counted. That is what
 * writeInGate does after its I/O, without a generator.
 */
export class StraightSourceWrites implements BlockDevice {
  constructor(
    private readonly source: BlockDevice,
    private readonly gate: Gate,
    private readonly counters: EngineCounters,
  ) {}

  get name(): string {
    return this.source.name;
  }

  get capacityBytes(): number {
    return this.source.capacityBytes;
  }

  get sectorSizeBytes(): number {
    return this.source.sectorSizeBytes;
  }

  get queueDepth(): number {
    return this.source.queueDepth;
  }

  submit(request: IoRequest, onComplete: (completion: IoCompletion, error?: DeviceError) => void): void {
    if (request.op !== "write") throw new Error(`straight source writes: a ${request.op} request (only host writes go this way)`);
    const lengthBytes = request.payload.lengthBytes;
    try {
      this.source.submit(request, (completion, error) => {
        this.gate.leaveShared();
        if (error === undefined) {
          this.counters.hostWrites++;
          this.counters.hostBytesWritten += lengthBytes;
        }
        onComplete(completion, error);
      });
    } catch (thrown) {
      // Never submitted: the write will not complete, so it leaves the gate now.
      this.gate.leaveShared();
      throw thrown;
    }
  }
}
