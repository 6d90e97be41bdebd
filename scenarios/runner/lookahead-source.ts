import type { NextIo, WorkloadSource } from "../workloads/source.js";

/**
 * A workload source read `batchIos` I/Os ahead: before it hands out the
 * first I/O of a batch, it tells `onAhead` the offsets of the whole batch
 * (the runner hints the engine with them, see CofwEngine.prefetch). The I/Os
 * are the inner source's, in its order: sources are pure (see
 * WorkloadSource), so taking an I/O early changes nothing but when it is
 * computed. I/Os read ahead past the end of a run are never handed out.
 */
export class LookaheadSource implements WorkloadSource {
  readonly name: string;
  readonly loop: WorkloadSource["loop"];
  readonly startDelayNs: number;
  declare readonly runtimeNs?: number;
  declare readonly lengthIos?: number;
  readonly notes: readonly string[];
  private readonly batch: NextIo[] = [];
  private readonly offsetsBytes: Float64Array;
  private handedOut = 0;
  private innerDone = false;

  constructor(
    private readonly inner: WorkloadSource,
    private readonly batchIos: number,
    private readonly onAhead: (offsetsBytes: Float64Array, count: number) => void,
  ) {
    if (!Number.isSafeInteger(batchIos) || batchIos < 1) throw new RangeError(`LookaheadSource: batchIos must be a positive integer, got ${batchIos}`);
    this.name = inner.name;
    this.loop = inner.loop;
    this.startDelayNs = inner.startDelayNs;
    if (inner.runtimeNs !== undefined) this.runtimeNs = inner.runtimeNs;
    if (inner.lengthIos !== undefined) this.lengthIos = inner.lengthIos;
    this.notes = inner.notes;
    this.offsetsBytes = new Float64Array(batchIos);
  }

  next(): NextIo | undefined {
    if (this.handedOut === this.batch.length) this.readAhead();
    return this.handedOut < this.batch.length ? this.batch[this.handedOut++] : undefined;
  }

  private readAhead(): void {
    this.batch.length = 0;
    this.handedOut = 0;
    // Once the inner source has said it is done, it is not asked again: the contract says nothing of what it answers then.
    while (!this.innerDone && this.batch.length < this.batchIos) {
      const next = this.inner.next();
      if (next === undefined) this.innerDone = true;
      else {
        this.offsetsBytes[this.batch.length] = next.io.offsetBytes;
        this.batch.push(next);
      }
    }
    if (this.batch.length > 0) this.onAhead(this.offsetsBytes, this.batch.length);
  }
}
