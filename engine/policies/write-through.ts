import type { Coroutine } from "../../io/coroutine.js";
import { Latch } from "../../io/latch.js";
import type { CopyJob, Metadata } from "../metadata.js";
import type { CommitPolicy } from "./commit-policy.js";

/**
 * Write-through: every copy commits on its own, all with FUA.
 *
 *   1. copy data -> COFW chunk (FUA)             data durable
 *   2. region zeroed + initialized bit (FUA)     first touch of the region only
 *   3. allocation record (FUA) || map sector (FUA)
 *   4. return: the host write may reach the Source LU
 *
 * The record and the map sector may land in either order: recovery honours a
 * map entry only if the record agrees (allocated, in cache, same source
 * chunk, mask bit and Session ID current), and a record without its map entry
 * is a leak that recovery reclaims. Neither can be seen by the host before
 * both are durable, because the host write waits for step 3.
 */
export class WriteThroughPolicy implements CommitPolicy {
  readonly name = "write-through";

  *commitCopy(metadata: Metadata, job: CopyJob): Coroutine {
    yield metadata.copyDataWriteStep(job.chunk, job.data, true);
    metadata.markReady(job);
    const region = metadata.regionOfChunk(job.sourceChunk);
    // Checked first so that the common case (region long initialized) makes no coroutine; the call would return at once.
    if (!metadata.isRegionInitialized(region)) yield* metadata.ensureRegionInitialized(region);
    const bothDurable = new Latch(2);
    metadata.requestRecordWrite(job.chunk, true, bothDurable);
    metadata.requestMapSectorWrite(metadata.mapSectorOfChunk(job.sourceChunk), true, bothDurable);
    yield bothDurable;
    metadata.markLive(job);
  }

  *onHostFlush(): Coroutine {}

  *onUnmount(): Coroutine {}
}
