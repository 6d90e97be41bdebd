import { all, type Callable, type Coroutine } from "../../io/coroutine.js";
import {
  REFERENCE_DECODER,
  makeCommitPolicy,
  sealSector,
  type CommitPolicy,
  type CommitPolicyName,
  type CopyJob,
  type DlmMetadata,
  type Metadata,
  type MetadataDecoder,
  type RecoveryRepair,
} from "../../engine/index.js";
import { DirtyRegionLogPolicy } from "../../engine/policies/dirty-region-log.js";
import type { EngineParts } from "../../scenarios/runner/run-scenario.js";

/**
 * Deliberately broken engines, built only from the engine's own extension
 * points (a commit policy, a metadata decoder): no bug switch lives in engine
 * code. Each names the invariant the crash checker must report for it.
 */
export interface BrokenEngine {
  readonly name: string;
  readonly expectedInvariant: number;
  /** The shipped scenario whose exhaustive campaign must catch it. */
  readonly scenario: string;
  readonly parts: (policy: CommitPolicyName) => EngineParts;
}

/** A policy that delegates everything to the scenario's own, except what a subclass breaks. */
abstract class Delegating implements CommitPolicy {
  readonly name: string;
  constructor(protected readonly inner: CommitPolicy) {
    this.name = `broken ${inner.name}`;
  }
  commitCopy(metadata: Metadata, job: CopyJob): Callable {
    return this.inner.commitCopy(metadata, job);
  }
  onHostFlush(metadata: Metadata): Coroutine {
    return this.inner.onHostFlush(metadata);
  }
  onUnmount(metadata: Metadata): Coroutine {
    return this.inner.onUnmount(metadata);
  }
}

/** Returns before the copy's record and map sector are durable: the host write reaches the Source LU first. */
class HostWriteBeforeCopyMetadata extends Delegating {
  override *commitCopy(metadata: Metadata, job: CopyJob): Coroutine {
    yield* metadata.writeCopyData(job.chunk, job.data, true);
    metadata.markReady(job);
    yield* metadata.ensureRegionInitialized(metadata.regionOfChunk(job.sourceChunk));
    yield* all([metadata.writeRecordOf(job.chunk, false), metadata.writeMapSector(metadata.mapSectorOfChunk(job.sourceChunk), false)]);
    metadata.markLive(job);
  }
}

/** Persists the record with its in-cache bit before the copy data is written. */
class InCacheBitBeforeData extends Delegating {
  override *commitCopy(metadata: Metadata, job: CopyJob): Coroutine {
    metadata.markReady(job);
    yield* metadata.ensureRegionInitialized(metadata.regionOfChunk(job.sourceChunk));
    yield* all([metadata.writeRecordOf(job.chunk, true), metadata.writeMapSector(metadata.mapSectorOfChunk(job.sourceChunk), true)]);
    yield* metadata.writeCopyData(job.chunk, job.data, true);
    metadata.markLive(job);
  }
}

/** Writes a slot table that ends sessions without FUA: their copies are freed, and reused, while it may still be lost. */
class FreedCopyReusedEarly extends Delegating {
  *commitSlots(metadata: Metadata, next: DlmMetadata, endsSessions: boolean): Coroutine {
    yield* metadata.commitSlots(next, !endsSessions);
  }
}

/** Writes every slot table without FUA: a session start is acknowledged while its slot table may still be lost. */
class SlotTableWithoutFua extends Delegating {
  *commitSlots(metadata: Metadata, next: DlmMetadata): Coroutine {
    yield* metadata.commitSlots(next, false);
  }
}

/** Dirty-region log that writes map regions back lazily but never sets their modified bit first. */
class RegionWrittenBackWithoutModifiedBit extends DirtyRegionLogPolicy {
  override *commitCopy(metadata: Metadata, job: CopyJob): Coroutine {
    yield* metadata.writeCopyData(job.chunk, job.data, true);
    metadata.markReady(job);
    metadata.noteMapChange(metadata.mapSectorOfChunk(job.sourceChunk));
    yield* metadata.writeRecordOf(job.chunk, true);
    metadata.markLive(job);
  }
}

/** Reads every metadata block as if its check bits were right: recomputes them before the reference decoder looks. */
export const checkBitsNotVerified: MetadataDecoder = Object.fromEntries(
  Object.entries(REFERENCE_DECODER).map(([name, decode]) => [
    name,
    (...args: unknown[]) => {
      const bytes = args[args.length - 1] as Uint8Array;
      // A blank block stays blank (resealing would give it check bits); anything else passes whatever its check bits say.
      const trusted = bytes.every((b) => b === 0) ? bytes : sealSector(new Uint8Array(bytes));
      return (decode as (...a: unknown[]) => unknown)(...args.slice(0, -1), trusted);
    },
  ]),
) as unknown as MetadataDecoder;

/** Takes every allocation record's Session IDs to be the slots' current ones: a reused slot's stale masks are honoured. */
function sequenceNotChecked(): MetadataDecoder {
  let current: number[] = [];
  return {
    ...REFERENCE_DECODER,
    decodeDlmMetadata: (layout, copy, bytes) => {
      const decoded = REFERENCE_DECODER.decodeDlmMetadata(layout, copy, bytes);
      if (decoded.ok) current = decoded.value.slots.map((slot) => slot.sequence);
      return decoded;
    },
    decodeRecord: (layout, index, bytes) => {
      const decoded = REFERENCE_DECODER.decodeRecord(layout, index, bytes);
      return decoded.ok ? { ...decoded, value: { ...decoded.value, sessionIds: Uint32Array.from(current) } } : decoded;
    },
  };
}

export const BROKEN_ENGINES: readonly BrokenEngine[] = [
  { name: "host write reaches the Source LU before the copy's metadata is durable", expectedInvariant: 1, scenario: "crash-write-through.yaml", parts: (p) => ({ makePolicy: () => new HostWriteBeforeCopyMetadata(makeCommitPolicy(p)) }) },
  { name: "in-cache bit persisted before the copy data", expectedInvariant: 1, scenario: "crash-write-through.yaml", parts: (p) => ({ makePolicy: () => new InCacheBitBeforeData(makeCommitPolicy(p)) }) },
  { name: "check bits not verified at mount", expectedInvariant: 5, scenario: "crash-write-through.yaml", parts: () => ({ decoder: checkBitsNotVerified }) },
  { name: "slot reused without checking the sequence number", expectedInvariant: 4, scenario: "crash-write-through.yaml", parts: () => ({ decoder: sequenceNotChecked() }) },
  { name: "freed copy reused before the metadata that frees it is durable", expectedInvariant: 1, scenario: "crash-write-through.yaml", parts: (p) => ({ makePolicy: () => new FreedCopyReusedEarly(makeCommitPolicy(p)) }) },
  { name: "map region written back without its modified-region bit", expectedInvariant: 1, scenario: "crash-dirty-region-log.yaml", parts: () => ({ makePolicy: () => new RegionWrittenBackWithoutModifiedBit() }) },
];

/**
 * Not in BROKEN_ENGINES (held to the shipped scenarios): used on
 * test/crash/fixtures/late-ack.yaml, where states that lose an acknowledged
 * start have the same images as states before the start was acknowledged
 * (see dedup.test.ts).
 */
export const SLOT_TABLE_WITHOUT_FUA: BrokenEngine = {
  name: "session start acknowledged before its slot table is durable",
  expectedInvariant: 1,
  scenario: "late-ack.yaml",
  parts: (p) => ({ makePolicy: () => new SlotTableWithoutFua(makeCommitPolicy(p)) }),
};

/**
 * A broken recovery: the mount clears a rebuilt region's modified bit before
 * the region is written back (zeroed, then its map sectors). The finished
 * mount is right, so every crash of the run passes; only a crash during the
 * repair leaves a zeroed region the next mount trusts.
 */
export const MODIFIED_BIT_CLEARED_BEFORE_REBUILD: RecoveryRepair = {
  name: "rebuilt region's modified bit cleared before the region is written back",
  *repair(metadata, plan) {
    yield* all(plan.reclaimedRecords.map((record) => metadata.writeRecordOf(record * metadata.layout.chunksPerRecord, true)));
    for (const region of plan.rebuiltRegions) {
      yield* metadata.writeRegionBit("modifiedBitmap", region, 0, true);
      // Still modified in memory, so the write-back below runs as the engine's would.
      metadata.regionModified[region] = 1;
      yield* metadata.writeBackRegion(region);
    }
    yield* metadata.commitRepository(plan.repository);
  },
};
