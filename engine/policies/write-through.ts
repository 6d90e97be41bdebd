import { callStep, type Callable, type Coroutine, type Step } from "../../io/coroutine.js";
import { Latch } from "../../io/latch.js";
import { Machine } from "../../io/machine.js";
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

  commitCopy(metadata: Metadata, job: CopyJob): Callable {
    return new WriteThroughCommit(metadata, job);
  }

  *onHostFlush(): Coroutine {}

  *onUnmount(): Coroutine {}
}

// The states of a WriteThroughCommit: the step it waits for.
const START = 0;
const DATA_DURABLE = 1;
const REGION_INITIALIZED = 2;
const METADATA_DURABLE = 3;
const FINISHED = 4;

/**
 * The steps above for one copy, as a Machine (see io/machine.ts): the commit
 * runs once per copy on first write, and as a generator it cost a generator
 * per copy.
 */
class WriteThroughCommit extends Machine {
  private state = START;

  constructor(
    private readonly metadata: Metadata,
    private readonly job: CopyJob,
  ) {
    super();
  }

  resume(isError: boolean, value: unknown): Step | undefined {
    if (isError) {
      this.state = FINISHED;
      throw value;
    }
    const { metadata, job } = this;
    switch (this.state) {
      case START:
        this.state = DATA_DURABLE;
        return metadata.copyDataWriteStep(job.chunk, job.data, true);
      case DATA_DURABLE: {
        metadata.markReady(job);
        const region = metadata.regionOfChunk(job.sourceChunk);
        this.state = REGION_INITIALIZED;
        // Checked first so that the common case (region long initialized) makes no coroutine; the call would return at once.
        if (!metadata.isRegionInitialized(region)) return callStep(metadata.ensureRegionInitialized(region));
        return this.requestMetadata();
      }
      case REGION_INITIALIZED:
        return this.requestMetadata();
      case METADATA_DURABLE:
        this.state = FINISHED;
        metadata.markLive(job);
        return undefined;
      default:
        throw new Error(`a write-through commit of chunk ${job.chunk} was resumed after it had finished`);
    }
  }

  /** Step 3: the record and the map sector at once, resumed when both are durable. */
  private requestMetadata(): Latch {
    const { metadata, job } = this;
    const bothDurable = new Latch(2);
    metadata.requestRecordWrite(job.chunk, true, bothDurable);
    metadata.requestMapSectorWrite(metadata.mapSectorOfChunk(job.sourceChunk), true, bothDurable);
    this.state = METADATA_DURABLE;
    return bothDurable;
  }
}
