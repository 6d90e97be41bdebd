import { describe, expect, it } from "vitest";
import { countersSince, zeroCounters } from "../../engine/counters.js";

describe("countersSince", () => {
  it("takes the totals' growth and the gauge and last mount's figures as they are now", () => {
    const before = { ...zeroCounters(), metadataWrites: 7, deviceBytesWritten: 262_144, flushes: 1, chunksInUse: 3, recoveryBytesRead: 99 };
    const now = { ...zeroCounters(), hostWrites: 40, hostBytesWritten: 163_840, metadataWrites: 7, deviceBytesWritten: 425_984, flushes: 1, chunksInUse: 5, recoveryBytesRead: 11 };
    const since = countersSince(now, before);
    expect(since).toEqual({ ...zeroCounters(), hostWrites: 40, hostBytesWritten: 163_840, deviceBytesWritten: 163_840, chunksInUse: 5, recoveryBytesRead: 11 });
    // Every counter zeroCounters knows is either a total or one of the four kept as they are.
    const kept = Object.keys(zeroCounters()).filter((key) => countersSince({ ...zeroCounters(), [key]: 1 }, { ...zeroCounters(), [key]: 1 })[key as keyof typeof since] === 1);
    expect(kept.sort()).toEqual(["chunksInUse", "recoveryBytesRead", "recoveryChunksReclaimed", "recoveryRegionsRebuilt"]);
  });
});
