import { all, waitStep, type Coroutine } from "../../io/coroutine.js";
import { Latch } from "../../io/latch.js";
import { Signal } from "../../io/signal.js";
import type { CopyJob, Metadata } from "../metadata.js";
import type { CommitPolicy } from "./commit-policy.js";

class Batch {
  readonly jobs: CopyJob[] = [];
  readonly committed = new Signal();
  /** Fired when this batch's first job is to lead its commit. */
  readonly lead = new Signal();
}

/**
 * Group commit: copies that finish their data write while a commit is in
 * flight wait and commit together in the next one, so records and map sectors
 * shared by several copies are written once, and two flushes serve the batch.
 *
 *   1. copy data -> COFW chunk (plain write), then join the open batch
 *   2. the batch's leader: flush the Cache LU        batch data durable
 *   3. regions zeroed + initialized bits (FUA)       first touch only
 *   4. every record and map sector of the batch (plain writes, one per sector)
 *   5. flush the Cache LU                            batch metadata durable
 *   6. every job of the batch returns; host writes may proceed
 *
 * No timers: a batch closes when the commit before it finishes, so batches
 * grow with load and a lone copy commits at once.
 */
export class GroupCommitPolicy implements CommitPolicy {
  readonly name = "group-commit";
  private open = new Batch();
  private busy = false;

  *commitCopy(metadata: Metadata, job: CopyJob): Coroutine {
    yield metadata.copyDataWriteStep(job.chunk, job.data, false);
    const batch = this.open;
    batch.jobs.push(job);
    if (this.busy) {
      // Every copy of a batch waits here: the steps are yielded directly, with no generator per wait.
      if (batch.jobs.length > 1) {
        yield waitStep(batch.committed);
        return;
      }
      yield waitStep(batch.lead);
    }
    this.busy = true;
    this.open = new Batch();
    yield* this.commitBatch(metadata, batch.jobs);
    batch.committed.fire();
    if (this.open.jobs.length > 0) this.open.lead.fire();
    else this.busy = false;
  }

  private *commitBatch(metadata: Metadata, jobs: readonly CopyJob[]): Coroutine {
    yield* metadata.flushCache();
    for (const job of jobs) metadata.markReady(job);
    const regions = [...new Set(jobs.map((job) => metadata.regionOfChunk(job.sourceChunk)))].sort((a, b) => a - b);
    yield* all(regions.map((region) => metadata.ensureRegionInitialized(region)));
    const records = new Map<number, number>();
    const sectors = new Set<number>();
    for (const job of jobs) {
      records.set(Math.floor(job.chunk / metadata.layout.chunksPerRecord), job.chunk);
      sectors.add(metadata.mapSectorOfChunk(job.sourceChunk));
    }
    const written = new Latch(records.size + sectors.size);
    for (const chunk of records.values()) metadata.requestRecordWrite(chunk, false, written);
    for (const sector of sectors) metadata.requestMapSectorWrite(sector, false, written);
    yield written;
    yield* metadata.flushCache();
    for (const job of jobs) metadata.markLive(job);
  }

  *onHostFlush(): Coroutine {}

  *onUnmount(): Coroutine {}
}
