import { all, type Coroutine } from "../../io/coroutine.js";
import type { CopyJob, Metadata } from "../metadata.js";
import type { CommitPolicy } from "./commit-policy.js";

export interface DirtyRegionLogOptions {
  /** Write modified regions back once more than this many are modified. */
  readonly maxModifiedRegions: number;
}

/**
 * Dirty-region log: the allocation record is the durable truth for a copy;
 * map regions are written back lazily, and the modified-regions bitmap tells
 * recovery which regions to rebuild from records instead of reading.
 *
 *   1. copy data -> COFW chunk (FUA)
 *   2. allocation record (FUA) || region's modified bit (FUA, if not yet set)
 *   3. return: the host write may proceed
 *   later, at host flush, unmount, or when too many regions are modified:
 *   4. (first time) zero the region -> dirty map sectors -> flush
 *      -> (first time) initialized bit -> clear the modified bit
 *
 * The bit is cleared only if no entry of the region changed after step 4
 * began (see Metadata.writeBackRegion).
 */
export class DirtyRegionLogPolicy implements CommitPolicy {
  readonly name = "dirty-region-log";

  constructor(readonly options: DirtyRegionLogOptions = { maxModifiedRegions: 64 }) {}

  *commitCopy(metadata: Metadata, job: CopyJob): Coroutine {
    yield metadata.copyDataWriteStep(job.chunk, job.data, true);
    metadata.markReady(job);
    metadata.noteMapChange(metadata.mapSectorOfChunk(job.sourceChunk));
    yield* all([metadata.writeRecordOf(job.chunk, true), metadata.ensureRegionModified(metadata.regionOfChunk(job.sourceChunk))]);
    metadata.markLive(job);
    if (metadata.modifiedRegionCount > this.options.maxModifiedRegions) yield* this.writeBackAll(metadata);
  }

  *onHostFlush(metadata: Metadata): Coroutine {
    yield* this.writeBackAll(metadata);
  }

  *onUnmount(metadata: Metadata): Coroutine {
    yield* this.writeBackAll(metadata);
  }

  private *writeBackAll(metadata: Metadata): Coroutine {
    yield* all(metadata.modifiedRegions().map((region) => metadata.writeBackRegion(region)));
  }
}
