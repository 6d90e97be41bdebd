import { Kernel } from "../../sim/kernel.js";
import { SimDevice } from "../../sim/devices/sim-device.js";
import { InstantModel } from "../../sim/devices/models/instant.js";
import type { ContentStore } from "../../sim/devices/content-store.js";
import type { ServiceModel } from "../../sim/devices/service-model.js";
import { write, type Coroutine } from "../../io/coroutine.js";
import { Payload } from "../../io/payload.js";
import { SimulationError } from "../../sim/errors.js";
import { MountError, formatCacheLu, mountCacheLu, makeCommitPolicy, type CofwEngine, type CommitPolicyName, type CommitPolicy } from "../../engine/index.js";
import type { Layout } from "../../engine/on-disk/layout.js";

/** Stamps that never-written space reads as: the Source LU's original contents, the Cache LU's garbage. */
export const SOURCE_ORIGIN_STAMP = 1;
export const CACHE_GARBAGE_STAMP = 2;

export interface RigOptions {
  readonly seed?: string;
  readonly sourceBytes: number;
  readonly cacheBytes: number;
  readonly sectorSizeBytes?: number;
  readonly writeCache?: boolean;
  readonly recordLog?: boolean;
  readonly sourceContents?: ContentStore;
  readonly cacheContents?: ContentStore;
  /** Latency model of both devices; zero latency when absent. */
  readonly model?: (kernel: Kernel) => ServiceModel;
}

/** A kernel with a zero-latency Source LU and Cache LU, and a way to run engine coroutines to completion. */
export class Rig {
  readonly kernel: Kernel;
  readonly source: SimDevice;
  readonly cache: SimDevice;

  constructor(readonly options: RigOptions) {
    this.kernel = new Kernel(options.seed ?? "rig");
    const device = (name: string, capacityBytes: number, unwrittenStamp: number, initialContents: ContentStore | undefined) =>
      new SimDevice({
        name,
        capacityBytes,
        sectorSizeBytes: options.sectorSizeBytes ?? 512,
        queueDepth: 64,
        kernel: this.kernel,
        model: options.model?.(this.kernel) ?? new InstantModel(this.kernel),
        writeCache: options.writeCache ?? false,
        unwrittenStamp,
        recordLog: options.recordLog ?? false,
        ...(initialContents === undefined ? {} : { initialContents }),
      });
    this.source = device("source", options.sourceBytes, SOURCE_ORIGIN_STAMP, options.sourceContents);
    this.cache = device("cache", options.cacheBytes, CACHE_GARBAGE_STAMP, options.cacheContents);
  }

  /** Runs one coroutine to completion in simulated time and returns its result. */
  run<T>(coroutine: Coroutine<T>): T {
    let result: { value: T } | undefined;
    this.kernel.spawn(coroutine, "test", (value) => (result = { value }));
    this.kernel.runUntilIdle();
    if (result === undefined) throw new Error(`coroutine did not finish (seed ${this.kernel.seed})`);
    return result.value;
  }

  /**
   * Starts a coroutine alongside the others; run the kernel to move it on.
   * The returned box holds its result and the simulated time it finished at, once it has.
   */
  start<T>(coroutine: Coroutine<T>, name: string): { value?: T; doneAtNs?: number } {
    const box: { value?: T; doneAtNs?: number } = {};
    this.kernel.spawn(coroutine, name, (value) => {
      box.value = value;
      box.doneAtNs = this.kernel.nowNs;
    });
    return box;
  }

  /** Runs several coroutines concurrently to completion. */
  runAll(coroutines: ReadonlyArray<Coroutine<unknown>>): void {
    let finished = 0;
    coroutines.forEach((coroutine, i) => this.kernel.spawn(coroutine, `test/${i}`, () => finished++));
    this.kernel.runUntilIdle();
    if (finished !== coroutines.length) throw new Error(`${coroutines.length - finished} coroutines did not finish (seed ${this.kernel.seed})`);
  }

  /** Sector `sector` of the Cache LU as it is now (the device's sector size, 512 bytes unless set). */
  readCacheSector(sector: number): Uint8Array {
    const sectorBytes = this.cache.sectorSizeBytes;
    return this.cache.contents().read(sector * sectorBytes, sectorBytes).toBytes();
  }

  /** Writes `bytes` (FUA) from the start of Cache LU sector `sector`: how tests break a Cache LU by hand. */
  writeCacheSector(sector: number, bytes: Uint8Array): void {
    this.run(write(this.cache, sector * this.cache.sectorSizeBytes, Payload.bytes(bytes), true));
  }

  format(chunkSizeBytes: number, regionSizeBytes: number, policy: CommitPolicyName | CommitPolicy = "write-through"): CofwEngine {
    return this.run(formatCacheLu(this.source, this.cache, { chunkSizeBytes, regionSizeBytes, policy: typeof policy === "string" ? makeCommitPolicy(policy) : policy }));
  }

  mount(policy: CommitPolicyName | CommitPolicy = "write-through"): CofwEngine {
    return this.run(mountCacheLu(this.source, this.cache, { policy: typeof policy === "string" ? makeCommitPolicy(policy) : policy }));
  }
}

/** What a process threw: the kernel reports an exception escaping a process with time and seed, and the engine's typed error is its cause. */
export function causeOf(error: unknown): unknown {
  return error instanceof SimulationError ? error.cause : error;
}

/**
 * A 1 MiB Source LU and Cache LU, formatted with 64 KiB chunks and `regionBytes` regions, with session 0 live and one
 * copy (of source chunk 0, for a 4 KiB write of stamp 50), cleanly unmounted: the Cache LU the recovery tests break.
 */
export function oneCopyUnmounted(regionBytes: number): { rig: Rig; layout: Layout } {
  const rig = new Rig({ sourceBytes: 1024 * 1024, cacheBytes: 1024 * 1024 });
  const engine = rig.format(64 * 1024, regionBytes);
  rig.run(engine.startSession(0));
  rig.run(engine.hostWrite(0, Payload.stamp(50, 4 * 1024)));
  rig.run(engine.unmount());
  return { rig, layout: engine.layout };
}

/** What `call` threw, out of the kernel's SimulationError; throws if it threw nothing. */
export function thrownBy(rig: Rig, call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return causeOf(error);
  }
  throw new Error(`the call was not refused (seed ${rig.kernel.seed})`);
}

/** The typed error a mount of the rig's Cache LU refuses with; throws if the mount succeeds or fails some other way. */
export function mountError(rig: Rig): MountError {
  const cause = thrownBy(rig, () => rig.mount());
  if (cause instanceof MountError) return cause;
  throw cause;
}

/** A host write through either entry: hostWrite's coroutine, or the step of hostWriteStep (its I/O when the write goes straight through), yielded at once as a driver must. */
export function hostWriteVia(engine: CofwEngine, viaStep: boolean, offsetBytes: number, payload: Payload): Coroutine<unknown> {
  if (!viaStep) return engine.hostWrite(offsetBytes, payload);
  return (function* (): Coroutine {
    yield engine.hostWriteStep(offsetBytes, payload);
  })();
}
