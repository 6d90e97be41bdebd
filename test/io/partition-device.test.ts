import { describe, expect, it } from "vitest";
import type { BlockDevice, IoCompletion, IoRequest } from "../../io/block-device.js";
import { PartitionDevice } from "../../io/partition-device.js";

const MiB = 1024 * 1024;

/** A parent that records what it is asked and completes every request at once, deferred like a device. */
function recordingParent(withPrefetch: boolean): BlockDevice & { requests: IoRequest[]; hinted: number[][] } {
  const parent = {
    name: "disk",
    capacityBytes: 16 * MiB,
    sectorSizeBytes: 512,
    queueDepth: 8,
    requests: [] as IoRequest[],
    hinted: [] as number[][],
    submit(request: IoRequest, onComplete: (completion: IoCompletion) => void) {
      parent.requests.push(request);
      queueMicrotask(() => onComplete(undefined));
    },
  };
  return withPrefetch ? Object.assign(parent, { prefetch: (offsetsBytes: ArrayLike<number>, count: number) => parent.hinted.push(Array.from(offsetsBytes).slice(0, count)) }) : parent;
}

describe("PartitionDevice", () => {
  it("moves requests into its window of the parent, and refuses those past its end", async () => {
    const parent = recordingParent(false);
    const partition = new PartitionDevice("cache", parent, 4 * MiB, 2 * MiB, queueMicrotask);
    const errors: string[] = [];
    partition.submit({ op: "read", offsetBytes: 512, lengthBytes: 4096 }, () => undefined);
    partition.submit({ op: "read", offsetBytes: 2 * MiB - 512, lengthBytes: 1024 }, (_, error) => errors.push(error!.message));
    partition.submit({ op: "flush" }, () => undefined);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(parent.requests).toEqual([{ op: "read", offsetBytes: 4 * MiB + 512, lengthBytes: 4096 }, { op: "flush" }]);
    expect(errors).toEqual([expect.stringMatching(/^cache: read of 1024 bytes at .* ends past the capacity/)]);
  });

  it("passes a prefetch hint on for the offsets inside it, moved into the parent, and none to a parent that takes no hints", () => {
    const parent = recordingParent(true);
    const partition = new PartitionDevice("cache", parent, 4 * MiB, 2 * MiB, queueMicrotask);
    partition.prefetch([0, 512, 2 * MiB, -512, Number.NaN, 2 * MiB - 512, 999], 6);
    partition.prefetch([1024], 1);
    expect(parent.hinted).toEqual([[4 * MiB, 4 * MiB + 512, 6 * MiB - 512], [4 * MiB + 1024]]);
    expect(() => new PartitionDevice("source", recordingParent(false), 0, MiB, queueMicrotask).prefetch([0], 1)).not.toThrow();
  });
});
