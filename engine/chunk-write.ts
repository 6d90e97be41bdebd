import { callStep, waitStep, type Coroutine, type Step } from "../io/coroutine.js";
import type { IntegerObjectMap } from "../io/integer-object-map.js";
import { Machine } from "../io/machine.js";
import type { Payload } from "../io/payload.js";
import { Signal } from "../io/signal.js";
import type { ChunkTable } from "./chunk-table.js";
import type { EngineCounters } from "./counters.js";
import type { DeviceIo } from "./device-io.js";
import type { Gate } from "./gate.js";
import type { Metadata } from "./metadata.js";
import { sourceChunkLengthBytes, type Layout } from "./on-disk/layout.js";
import type { CommitPolicy } from "./policies/commit-policy.js";
import type { Sessions } from "./sessions.js";

/** What a ChunkWrite needs of its engine (see CofwEngine). */
export interface ChunkWriteContext {
  readonly layout: Layout;
  readonly io: DeviceIo;
  readonly counters: EngineCounters;
  readonly chunks: ChunkTable;
  readonly metadata: Metadata;
  readonly policy: CommitPolicy;
  readonly gate: Gate;
  readonly sessions: Sessions;
  /** Source chunks whose copy is being made; a second writer waits for it. */
  readonly copying: IntegerObjectMap<Signal>;
  /** Phantom reads in flight against the Source LU: only whether there are any is read here. */
  readonly phantomSourceReads: { readonly size: number };
  /** Slots with a live session that has no copy of this chunk yet. */
  uncoveredMask(sourceChunk: number): number;
  terminateForCacheFull(mask: number): Coroutine;
  waitForPhantomSourceReads(sourceChunk: number): Coroutine;
}

// The states of a ChunkWrite: where the next resumption goes on.
/** Look for a copy in progress, else for the slots that need one, and start it. */
const CHECK = 0;
/** The source chunk's data has been read: commit the copy. */
const READ = 1;
/** The copy was committed: count it, end it and look again. */
const COMMITTED = 2;
/** The Cache LU was full and the sessions the copy was for were terminated: end it and look again. */
const TERMINATED = 3;
/** Every live session has its copy: the host write may go on. */
const PREPARED = 4;
/** No phantom read of the chunk is in flight: write. */
const WRITE = 5;
/** The host write completed. */
const WRITTEN = 6;
const FINISHED = 7;

/**
 * Makes a source chunk ready to be overwritten (every live session has its
 * copy, durably) and then, when given a host write, writes it to the Source
 * LU and leaves the gate the write entered. The one path of a copy on first
 * write, written as a Machine rather than as generators: through them a copy
 * cost three generators (the host write's, the chunk's preparation and the
 * policy's commit), ~1.4 KB of allocation per copy with their saved
 * registers, and their resumptions.
 *
 * A host write of one chunk that cannot go straight to the Source LU is one
 * ChunkWrite (see CofwEngine.hostWriteStep); writeInGate runs one per chunk,
 * without a write, for the other host writes, and rollback one per chunk it
 * writes back. The order of everything it does
 * is the generators' it replaced: results and event counts are unchanged.
 */
export class ChunkWrite extends Machine {
  private state = CHECK;
  /** Set while this machine makes a copy: fired, and the chunk taken out of `copying`, when the copy ends. */
  private copyDone: Signal | undefined = undefined;
  private copyChunk = 0;
  private copyMask = 0;
  private copySequences: readonly number[] = [];
  private copyLengthBytes = 0;
  /** True while this machine holds the gate the host write entered: it leaves it once, when it finishes or fails. */
  private holdsGate: boolean;

  /**
   * Without `payload`, only prepares the chunk. With it, the caller has
   * entered the gate (shared) for the host write at `offsetBytes`, which lies
   * in this one chunk, and the machine leaves it. `firstMask`, when not
   * -1, is the chunk's uncovered slots as the caller found them just now,
   * with no copy of the chunk in progress: the first look uses it instead of
   * reading the map again (the machine must be called at once).
   */
  constructor(
    private readonly context: ChunkWriteContext,
    private readonly sourceChunk: number,
    private readonly offsetBytes = 0,
    private readonly payload: Payload | undefined = undefined,
    private firstMask = -1,
  ) {
    super();
    this.holdsGate = payload !== undefined;
  }

  resume(isError: boolean, value: unknown): Step | undefined {
    try {
      if (isError) throw value;
      return this.run(value);
    } catch (error) {
      // What a generator's finally blocks did: the copy in progress ends, then the write leaves the gate.
      if (this.copyDone !== undefined) this.endCopy();
      this.leaveGate();
      this.state = FINISHED;
      throw error;
    }
  }

  private run(value: unknown): Step | undefined {
    const context = this.context;
    for (;;) {
      switch (this.state) {
        case CHECK: {
          const inProgress = context.copying.get(this.sourceChunk);
          if (inProgress !== undefined) {
            context.counters.copyWaits++;
            return waitStep(inProgress);
          }
          const mask = this.firstMask >= 0 ? this.firstMask : context.uncoveredMask(this.sourceChunk);
          // Known for the first look only: after a wait or a copy the map has changed.
          this.firstMask = -1;
          if (mask === 0) {
            this.state = PREPARED;
            continue;
          }
          const done = new Signal();
          context.copying.set(this.sourceChunk, done);
          this.copyDone = done;
          const chunk = context.chunks.allocate(this.sourceChunk, mask);
          if (chunk === undefined) {
            this.state = TERMINATED;
            return callStep(context.terminateForCacheFull(mask));
          }
          context.counters.chunksInUse = context.chunks.inUse;
          this.copyChunk = chunk;
          this.copyMask = mask;
          // The sessions the copy is for, as they are now: a cache-full termination may change them during the read.
          this.copySequences = context.sessions.liveSequenceList();
          this.copyLengthBytes = sourceChunkLengthBytes(context.layout, this.sourceChunk);
          this.state = READ;
          return context.io.readStep(context.io.source, this.sourceChunk * context.layout.geometry.chunkSizeBytes, this.copyLengthBytes);
        }
        case READ: {
          const job = { chunk: this.copyChunk, sourceChunk: this.sourceChunk, data: value as Payload, mask: this.copyMask, sequences: this.copySequences };
          this.state = COMMITTED;
          return callStep(context.policy.commitCopy(context.metadata, job));
        }
        case COMMITTED: {
          context.counters.cofwCopies++;
          context.counters.bytesCopied += this.copyLengthBytes;
          context.counters.chunksInUse = context.chunks.inUse;
          this.endCopy();
          this.state = CHECK;
          continue;
        }
        case TERMINATED: {
          this.endCopy();
          this.state = CHECK;
          continue;
        }
        case PREPARED: {
          if (this.payload === undefined) {
            this.state = FINISHED;
            return undefined;
          }
          this.state = WRITE;
          if (context.phantomSourceReads.size > 0) return callStep(context.waitForPhantomSourceReads(this.sourceChunk));
          continue;
        }
        case WRITE: {
          this.state = WRITTEN;
          return context.io.writeStep(context.io.source, this.offsetBytes, this.payload!, false);
        }
        case WRITTEN: {
          context.counters.hostWrites++;
          context.counters.hostBytesWritten += this.payload!.lengthBytes;
          this.state = FINISHED;
          this.leaveGate();
          return undefined;
        }
        default:
          throw new Error(`a chunk write of source chunk ${this.sourceChunk} was resumed after it had finished`);
      }
    }
  }

  private endCopy(): void {
    const done = this.copyDone!;
    this.copyDone = undefined;
    this.context.copying.delete(this.sourceChunk);
    done.fire();
  }

  private leaveGate(): void {
    if (!this.holdsGate) return;
    this.holdsGate = false;
    this.context.gate.leaveShared();
  }
}
