import { type Coroutine } from "../io/coroutine.js";
import { Payload } from "../io/payload.js";
import { Kernel } from "../sim/kernel.js";
import { SimDevice } from "../sim/devices/sim-device.js";
import { InstantModel } from "../sim/devices/models/instant.js";
import { formatCacheLu, makeCommitPolicy, type CofwEngine, type CommitPolicyName } from "../engine/index.js";

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;
export const TiB = 1024 * GiB;

/** Never-written space reads as these stamps: the Source LU's original contents, the Cache LU's garbage. */
const SOURCE_ORIGIN_STAMP = 1;
const CACHE_GARBAGE_STAMP = 2;

export interface BenchRigOptions {
  readonly seed: string;
  readonly sourceBytes: number;
  readonly cacheBytes: number;
  readonly chunkSizeBytes: number;
  readonly regionSizeBytes: number;
  readonly policy: CommitPolicyName;
}

/**
 * A kernel, a Source LU and a Cache LU on zero-latency in-memory devices (no
 * write cache, no write log), and a formatted engine: what the engine
 * benchmarks measure, with device time out of the picture. Sparse devices:
 * capacity costs nothing until written.
 */
export class BenchRig {
  readonly kernel: Kernel;
  readonly source: SimDevice;
  readonly cache: SimDevice;
  readonly engine: CofwEngine;

  constructor(readonly options: BenchRigOptions) {
    this.kernel = new Kernel(options.seed);
    const device = (name: string, capacityBytes: number, unwrittenStamp: number): SimDevice =>
      new SimDevice({
        name,
        capacityBytes,
        sectorSizeBytes: 512,
        queueDepth: 64,
        kernel: this.kernel,
        model: new InstantModel(this.kernel),
        writeCache: false,
        unwrittenStamp,
        recordLog: false,
      });
    this.source = device("source", options.sourceBytes, SOURCE_ORIGIN_STAMP);
    this.cache = device("cache", options.cacheBytes, CACHE_GARBAGE_STAMP);
    this.engine = this.run(
      formatCacheLu(this.source, this.cache, {
        chunkSizeBytes: options.chunkSizeBytes,
        regionSizeBytes: options.regionSizeBytes,
        policy: makeCommitPolicy(options.policy),
      }),
    );
  }

  /** Runs one coroutine to completion in simulated time and returns its result. */
  run<T>(coroutine: Coroutine<T>): T {
    let result: { value: T } | undefined;
    this.kernel.spawn(coroutine, "bench", (value) => (result = { value }));
    this.kernel.runUntilIdle();
    if (result === undefined) throw new Error(`coroutine did not finish (seed ${this.kernel.seed})`);
    return result.value;
  }

  /** Starts sessions in slots 0..count-1. */
  startSessions(count: number): void {
    for (let slot = 0; slot < count; slot++) this.run(this.engine.startSession(slot));
  }

  /**
   * Issues `total` host writes from `workers` concurrent coroutines (each with
   * one write in flight), write i going to `target(i)`, and runs the kernel
   * until all are done.
   */
  hostWrites(total: number, workers: number, target: (index: number) => { offsetBytes: number; lengthBytes: number; stamp: number }, afterEach?: (done: number) => void): void {
    let next = 0;
    let done = 0;
    const engine = this.engine;
    function* worker(): Coroutine {
      while (next < total) {
        const { offsetBytes, lengthBytes, stamp } = target(next++);
        yield engine.hostWriteStep(offsetBytes, Payload.stamp(stamp, lengthBytes));
        done++;
        afterEach?.(done);
      }
    }
    let finished = 0;
    for (let i = 0; i < workers; i++) this.kernel.spawn(worker(), `writer/${i}`, () => finished++);
    this.kernel.runUntilIdle();
    if (finished !== workers || done !== total) throw new Error(`${done} of ${total} host writes done, ${finished} of ${workers} workers finished (seed ${this.kernel.seed})`);
  }
}
