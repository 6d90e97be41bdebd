import { describe, expect, it } from "vitest";
import { DeviceError, type BlockDevice, type IoCompletion, type IoRequest } from "../../io/block-device.js";
import type { Coroutine } from "../../io/coroutine.js";
import { PartitionDevice } from "../../io/partition-device.js";
import { Payload } from "../../io/payload.js";
import { formatCacheLu, makeCommitPolicy, type CofwEngine, type CommitPolicyName } from "../../engine/index.js";
import type { Kernel } from "../../sim/kernel.js";
import { Rig } from "./rig.js";

const KiB = 1024;
const CHUNK_BYTES = 64 * KiB;

/** The whole of another device (a partition of all of it), except that the next request `failNext` matches fails with a DeviceError. */
class FailOnce extends PartitionDevice {
  failNext: ((request: IoRequest) => boolean) | undefined;
  failures = 0;

  constructor(
    inner: BlockDevice,
    private readonly kernel: Kernel,
  ) {
    super(inner.name, inner, 0, inner.capacityBytes, (callback) => kernel.schedule(0, callback));
  }

  override submit(request: IoRequest, onComplete: (completion: IoCompletion, error?: DeviceError) => void): void {
    if (this.failNext?.(request) !== true) return super.submit(request, onComplete);
    this.failNext = undefined;
    this.failures++;
    this.kernel.schedule(10, () => onComplete(undefined, new DeviceError(this.name, `injected failure of a ${request.op}`)));
  }
}

/** A formatted engine over a Cache LU that can fail a request, with a live session in slot 0. */
function engineOverFailingCache(policy: CommitPolicyName): { rig: Rig; cache: FailOnce; engine: CofwEngine } {
  const rig = new Rig({ sourceBytes: 1024 * KiB, cacheBytes: 2048 * KiB });
  const cache = new FailOnce(rig.cache, rig.kernel);
  const engine = rig.run(formatCacheLu(rig.source, cache, { chunkSizeBytes: CHUNK_BYTES, regionSizeBytes: 4 * KiB, policy: makeCommitPolicy(policy) }));
  rig.run(engine.startSession(0));
  return { rig, cache, engine };
}

/** A host write as a driver makes it (hostWriteStep); returns the error it failed with, if any. */
function* write(engine: CofwEngine, offsetBytes: number, stamp: number, outcome: { error?: unknown }): Coroutine {
  try {
    yield engine.hostWriteStep(offsetBytes, Payload.stamp(stamp, 4 * KiB));
  } catch (error) {
    outcome.error = error;
  }
}

describe("a copy on first write that fails", () => {
  for (const policy of ["write-through", "group-commit", "dirty-region-log"] as const) {
    it(`${policy}: fails its host write, and leaves neither the chunk nor the gate held`, () => {
      const { rig, cache, engine } = engineOverFailingCache(policy);
      // The copy's data write: the only write of a whole chunk to the Cache LU.
      cache.failNext = (request) => request.op === "write" && request.payload.lengthBytes === CHUNK_BYTES;
      const failed: { error?: unknown } = {};
      // A second writer of the same chunk waits for the copy in progress, then makes its own.
      const second: { error?: unknown } = {};
      rig.runAll([write(engine, CHUNK_BYTES, 50, failed), write(engine, CHUNK_BYTES + 8 * KiB, 51, second)]);
      expect(cache.failures).toBe(1);
      expect(failed.error).toBeInstanceOf(DeviceError);
      expect(second.error).toBeUndefined();
      expect(engine.counters.copyWaits).toBe(1);
      expect(engine.counters.cofwCopies).toBe(1);
      expect(engine.counters.hostWrites).toBe(1);
      // The session still reads the chunk as it was, from the copy the second writer made.
      expect(rig.run(engine.phantomRead(0, CHUNK_BYTES, 4 * KiB)).equals(Payload.stamp(1, 4 * KiB, CHUNK_BYTES))).toBe(true);
      expect(rig.run(engine.hostRead(CHUNK_BYTES + 8 * KiB, 4 * KiB)).equals(Payload.stamp(51, 4 * KiB))).toBe(true);
      // The gate is free: a session start (exclusive) goes through, and the engine holds its invariants.
      rig.run(engine.startSession(1));
      engine.assertConsistent();
    });
  }
});
