import { describe, expect, it } from "vitest";
import { all, type Coroutine } from "../../io/coroutine.js";
import { makeCommitPolicy, type CommitPolicy, type CopyJob, type Metadata } from "../../engine/index.js";
import { checkBitsNotVerified } from "../crash/broken-engines.js";
import { exploreCrashes, SECTOR_BLOCKS, spreadSteps, SUBSETS, TORN_BLOCKS, type Step } from "./crash-harness.js";

/**
 * Deliberately broken commit orderings, handed to the engine the way any
 * policy is (no bug switch in engine code). The crash explorer must find each
 * one; the correct policies pass the same workload (crash-points.test.ts).
 */
const STEPS: readonly Step[] = [
  { kind: "writes", writes: [[0, 8], [40, 4]] },
  { kind: "start", slot: 0 },
  { kind: "writes", writes: [[2, 2], [8, 8], [100, 40]] },
  { kind: "start", slot: 1 },
  { kind: "writes", writes: [[0, 4], [200, 8]] },
];

abstract class Broken implements CommitPolicy {
  abstract readonly name: string;
  abstract commitCopy(metadata: Metadata, job: CopyJob): Coroutine;
  *onHostFlush(): Coroutine {}
  *onUnmount(): Coroutine {}
}

/** The copy data is written without FUA: its record can be durable while the data is still in a volatile cache. */
class DataNotDurable extends Broken {
  readonly name = "data-not-durable";
  *commitCopy(metadata: Metadata, job: CopyJob): Coroutine {
    yield* metadata.writeCopyData(job.chunk, job.data, false);
    metadata.markReady(job);
    yield* metadata.ensureRegionInitialized(metadata.regionOfChunk(job.sourceChunk));
    yield* all([metadata.writeRecordOf(job.chunk, true), metadata.writeMapSector(metadata.mapSectorOfChunk(job.sourceChunk), true)]);
    metadata.markLive(job);
  }
}

/** Metadata written without FUA: the host write reaches the Source LU before the copy's metadata is durable. */
class MetadataNotDurable extends Broken {
  readonly name = "metadata-not-durable";
  *commitCopy(metadata: Metadata, job: CopyJob): Coroutine {
    yield* metadata.writeCopyData(job.chunk, job.data, true);
    metadata.markReady(job);
    yield* metadata.ensureRegionInitialized(metadata.regionOfChunk(job.sourceChunk));
    yield* all([metadata.writeRecordOf(job.chunk, false), metadata.writeMapSector(metadata.mapSectorOfChunk(job.sourceChunk), false)]);
    metadata.markLive(job);
  }
}

/** Dirty-region log that never sets the modified bit: recovery reads a stale region instead of rebuilding it. */
class NoModifiedBit extends Broken {
  readonly name = "no-modified-bit";
  *commitCopy(metadata: Metadata, job: CopyJob): Coroutine {
    yield* metadata.writeCopyData(job.chunk, job.data, true);
    metadata.markReady(job);
    yield* metadata.ensureRegionInitialized(metadata.regionOfChunk(job.sourceChunk));
    yield* metadata.writeRecordOf(job.chunk, true);
    metadata.markLive(job);
  }
}

describe.each([
  ["copy data not durable before its record", () => new DataNotDurable()],
  ["copy metadata not durable before the host write", () => new MetadataNotDurable()],
  ["map region never covered by a modified bit", () => new NoModifiedBit()],
])("the crash explorer catches a broken ordering: %s", (_name, makePolicy) => {
  it("reports invariant 1 findings", () => {
    const report = exploreCrashes({ seed: "crash-broken", ...SECTOR_BLOCKS, ...SUBSETS, makePolicy, steps: STEPS });
    expect(report.findings.length).toBeGreaterThan(0);
    expect(report.findings.some((f) => f.problem.startsWith("invariant 1"))).toBe(true);
  });
});

describe("the crash explorer catches a torn metadata block trusted at mount", () => {
  it("reports invariant 5 findings when recovery reads 4 KiB blocks without their check bits", () => {
    const report = exploreCrashes({
      seed: "crash-broken-4k",
      ...TORN_BLOCKS,
      ...SUBSETS,
      makePolicy: () => makeCommitPolicy("write-through"),
      decoder: checkBitsNotVerified,
      steps: spreadSteps(STEPS, 12),
    });
    expect(report.tornMetadataImages).toBeGreaterThan(0);
    expect(report.findings.some((f) => f.problem.startsWith("invariant 5: recovery mounted although fsck finds the image broken"))).toBe(true);
  });
});
