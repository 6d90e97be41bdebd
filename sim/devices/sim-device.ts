import { DeviceError, requestProblem, type BlockDevice, type IoCompletion, type IoRequest } from "../../io/block-device.js";
import { FifoQueue } from "../../io/fifo-queue.js";
import type { Kernel } from "../kernel.js";
import { ContentStore, type ContentView } from "./content-store.js";
import { buildCrashImageFrom, crashStateAt, durablePrefix, type CrashState, type ImagePrefix, type Tear } from "./crash-image.js";
import { CrashImageKeyer } from "./crash-image-key.js";
import type { ServiceModel, ServiceRequest } from "./service-model.js";
import { WriteCacheDurability } from "./write-cache.js";
import { WriteLog, type LogEntry, type WriteLogView } from "./write-log.js";
import { prefetchSink } from "../../io/prefetch-sink.js";
import { withDoubleFields } from "../../io/double-fields.js";

export interface SimDeviceOptions {
  readonly name: string;
  readonly capacityBytes: number;
  /** A power of two, at least 512. */
  readonly sectorSizeBytes: number;
  /** Requests in the service model at once; more wait in submission order. */
  readonly queueDepth: number;
  readonly kernel: Kernel;
  /** When requests complete; the device decides what they do to the contents. */
  readonly model: ServiceModel;
  /** With a volatile write cache, completed writes are durable only after a flush (or with FUA). */
  readonly writeCache: boolean;
  /** Never-written space reads as this stamp at the absolute offset instead of zeros. */
  readonly unwrittenStamp?: number;
  /** Keep the log of writes and flushes that crash images are built from. */
  readonly recordLog?: boolean;
  /** What the media holds before the first request; the device keeps its own copy. */
  readonly initialContents?: ContentStore;
  /**
   * The device writes straight into `initialContents` instead of copies of
   * it: for a device used once whose start nobody asks for again (a crash
   * check mounts each image once; three copies of it per device were most of
   * a check's allocation). Excludes recordLog, and initialContents() throws.
   */
  readonly handOverInitialContents?: boolean;
}

/** A misconfigured device: an expected failure of bad input, reported before the simulation starts. */
export class DeviceConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DeviceConfigError";
  }
}

export interface DeviceStats {
  reads: number;
  writes: number;
  flushes: number;
  fuaWrites: number;
  bytesRead: number;
  bytesWritten: number;
}

type CompletionCallback = (completion: IoCompletion, error?: DeviceError) => void;

/** A request on its way through the device; it is also what the service model sees (one object per request, not two). */
class Admission implements ServiceRequest {
  readonly op: IoRequest["op"];
  readonly offsetBytes: number;
  readonly lengthBytes: number;
  readonly fua: boolean;
  /** Set when the model completes it: a second completion is a model bug. */
  completed = false;

  constructor(
    readonly request: IoRequest,
    readonly onComplete: CompletionCallback,
    /** Write id for a write, flush id for a flush, unused for a read. */
    readonly id: number,
    /** For a flush: how many completed writes it covers (see WriteCacheDurability.flushSubmitted). */
    readonly flushCoverage: number,
  ) {
    this.op = request.op;
    this.offsetBytes = request.op === "flush" ? 0 : request.offsetBytes;
    this.lengthBytes = request.op === "read" ? request.lengthBytes : request.op === "write" ? request.payload.lengthBytes : 0;
    this.fua = request.op === "write" && request.fua;
  }
}

/**
 * A simulated block device: sparse contents, a volatile write cache with
 * flush and FUA, a queue-depth limit with FIFO admission, and the write log
 * crash images are built from. When requests complete is the service model's
 * business; what they do is decided here, at completion: a write's data
 * becomes visible when it completes and a read returns what is visible when it
 * completes. Statistics count completed requests.
 */
export class SimDevice implements BlockDevice {
  readonly name: string;
  readonly capacityBytes: number;
  readonly sectorSizeBytes: number;
  readonly queueDepth: number;
  readonly writeCache: boolean;
  private readonly kernel: Kernel;
  private readonly model: ServiceModel;
  private readonly initial: ContentStore;
  /** False when the initial contents were handed over and written into (see SimDeviceOptions.handOverInitialContents). */
  private readonly initialKept: boolean;
  private readonly visible: ContentStore;
  /** Present only with a write cache; without one the visible contents are the durable ones. */
  private readonly cache: WriteCacheDurability | undefined;
  private readonly writeLog: WriteLog | undefined;
  /** Built on the first image key, rebuilt if writes were logged since. */
  private keyer: CrashImageKeyer | undefined;
  /** The durable prefix of the last crash point imaged: a campaign builds a point's images one after another. */
  private imagePrefix: (ImagePrefix & { readonly logLength: number }) | undefined;
  private readonly waiting = new FifoQueue<Admission>();
  private inModel = 0;
  private nextWriteId = 0;
  private nextFlushId = 0;
  private readonly counters: DeviceStats = { reads: 0, writes: 0, flushes: 0, fuaWrites: 0, bytesRead: 0, bytesWritten: 0 };

  constructor(options: SimDeviceOptions) {
    validateOptions(options);
    // Bytes past 2^30 (see withDoubleFields).
    withDoubleFields(this.counters, ["bytesRead", "bytesWritten"]);
    this.name = options.name;
    this.capacityBytes = options.capacityBytes;
    this.sectorSizeBytes = options.sectorSizeBytes;
    this.queueDepth = options.queueDepth;
    this.writeCache = options.writeCache;
    this.kernel = options.kernel;
    this.model = options.model;
    const storeOptions = { capacityBytes: options.capacityBytes, ...(options.unwrittenStamp === undefined ? {} : { unwrittenStamp: options.unwrittenStamp }) };
    this.initialKept = options.handOverInitialContents !== true;
    this.initial = (this.initialKept ? options.initialContents?.clone() : options.initialContents) ?? new ContentStore(storeOptions);
    this.visible = this.initialKept ? this.initial.clone() : this.initial;
    this.cache = options.writeCache ? new WriteCacheDurability(this.initial.clone()) : undefined;
    this.writeLog = options.recordLog === true ? new WriteLog({ writeCache: options.writeCache, sectorSizeBytes: options.sectorSizeBytes }) : undefined;
  }

  get stats(): Readonly<DeviceStats> {
    return this.counters;
  }

  /** Requests in the service model now. */
  get inServiceCount(): number {
    return this.inModel;
  }

  /** Requests waiting for a queue slot. */
  get waitingCount(): number {
    return this.waiting.size;
  }

  /** Completed writes held only in the volatile cache. */
  get cachedWriteCount(): number {
    return this.cache?.cachedWriteCount ?? 0;
  }

  submit(request: IoRequest, onComplete: CompletionCallback): void {
    const problem = requestProblem(this, request);
    if (problem !== undefined) {
      const error = new DeviceError(this.name, problem);
      this.kernel.schedule(0, () => onComplete(undefined, error));
      return;
    }
    const nowNs = this.kernel.nowNs;
    let admission: Admission;
    if (request.op === "write") {
      // Lent bytes stay unchanged until the write completes, and the contents copy what they keep then; the log keeps
      // the bytes that were submitted for good, so it takes its own copy now (which the contents then share).
      const payload = this.writeLog === undefined ? request.payload : request.payload.owned();
      const owned: IoRequest = payload === request.payload ? request : { ...request, payload };
      admission = new Admission(owned, onComplete, this.nextWriteId++, 0);
      this.writeLog?.writeSubmitted(nowNs, admission.id, request.offsetBytes, payload, request.fua);
    } else if (request.op === "flush") {
      admission = new Admission(request, onComplete, this.nextFlushId++, this.cache?.flushSubmitted() ?? 0);
      this.writeLog?.flushSubmitted(nowNs, admission.id);
    } else {
      admission = new Admission(request, onComplete, -1, 0);
    }
    if (this.inModel < this.queueDepth) this.admit(admission);
    else this.waiting.push(admission);
  }

  /**
   * Reads ahead of a batch of I/Os the contents they will look up (see
   * ContentStore.touch).
   */
  prefetch(offsetsBytes: ArrayLike<number>, count: number): void {
    prefetchSink.checksum = this.visible.touch(offsetsBytes, count);
  }

  /** The visible contents: what reads return now. */
  contents(): ContentView {
    return this.visible;
  }

  /** A copy of what a power loss with nothing pending would leave on the media. */
  durableContents(): ContentStore {
    return (this.cache?.durable ?? this.visible).clone();
  }

  /** A copy of the contents the device started with; crash images start from them. */
  initialContents(): ContentStore {
    if (!this.initialKept) throw new Error(`device ${this.name} was handed its initial contents to write into, so it kept no copy of them`);
    return this.initial.clone();
  }

  /** The log entries so far; crash points are 0..logEntries().length. */
  logEntries(): readonly LogEntry[] {
    return this.requireLog().entries;
  }

  /** The write log, read-only, for crash tooling that wants per-write records. */
  log(): WriteLogView {
    return this.requireLog();
  }

  crashStateAt(crashPoint: number): CrashState {
    return crashStateAt(this.requireLog(), crashPoint);
  }

  buildImage(crashPoint: number, survivingPendingIds: ReadonlySet<number>, tear?: Tear): ContentStore {
    const log = this.requireLog();
    let prefix = this.imagePrefix;
    if (prefix?.crashPoint !== crashPoint || prefix.logLength !== log.length) {
      const earlier = prefix?.logLength === log.length ? prefix : undefined;
      prefix = this.imagePrefix = { ...durablePrefix(log, this.initial, crashPoint, earlier), logLength: log.length };
    }
    return buildCrashImageFrom(log, prefix, crashPoint, survivingPendingIds, tear);
  }

  /**
   * A key of buildImage's result, without building it: equal exactly when
   * the images' contents are equal (see CrashImageKeyer), so a crash campaign
   * builds only the images it has not seen. Keys compare only while no
   * write is logged between them (a campaign keys a finished recording).
   */
  imageKey(crashPoint: number, survivingPendingIds: ReadonlySet<number>, tear?: Tear): string {
    const log = this.requireLog();
    if (this.keyer === undefined || this.keyer.writeCount !== log.writes.length) this.keyer = new CrashImageKeyer(log, this.initial);
    return this.keyer.key(crashPoint, survivingPendingIds, tear);
  }

  private requireLog(): WriteLog {
    if (this.writeLog === undefined) throw new Error(`device ${this.name} was created without recordLog, so it has no write log`);
    return this.writeLog;
  }

  private admit(admission: Admission): void {
    this.inModel++;
    this.model.submit(admission, this.served);
  }

  /** What the model calls back with each request it served: one function for all of them, not a closure per request. */
  private readonly served = (admission: Admission): void => {
    if (admission.completed) throw new Error(`service model ${this.model.description} of device ${this.name} completed a ${admission.op} twice`);
    admission.completed = true;
    this.complete(admission);
  };

  private complete(admission: Admission): void {
    const { request } = admission;
    const nowNs = this.kernel.nowNs;
    let completion: IoCompletion;
    switch (request.op) {
      case "read":
        completion = this.visible.read(request.offsetBytes, request.lengthBytes);
        this.counters.reads++;
        this.counters.bytesRead += request.lengthBytes;
        break;
      case "write":
        this.visible.write(request.offsetBytes, request.payload);
        this.cache?.writeCompleted(request.offsetBytes, request.payload, request.fua);
        this.writeLog?.writeCompleted(nowNs, admission.id);
        this.counters.writes++;
        this.counters.bytesWritten += request.payload.lengthBytes;
        if (request.fua) this.counters.fuaWrites++;
        break;
      case "flush":
        this.cache?.flushCompleted(admission.flushCoverage);
        this.writeLog?.flushCompleted(nowNs, admission.id);
        this.counters.flushes++;
        break;
    }
    this.inModel--;
    // The freed slot goes to the oldest waiting request before the caller can submit a new one.
    const next = this.waiting.shift();
    if (next !== undefined) this.admit(next);
    admission.onComplete(completion);
  }

}

function validateOptions(options: SimDeviceOptions): void {
  const { name, capacityBytes, sectorSizeBytes, queueDepth, unwrittenStamp, initialContents } = options;
  if (typeof name !== "string" || name === "") throw new DeviceConfigError("device name must be a non-empty string");
  const where = `device ${name}`;
  if (!Number.isSafeInteger(sectorSizeBytes) || sectorSizeBytes < 512 || (sectorSizeBytes & (sectorSizeBytes - 1)) !== 0) {
    throw new DeviceConfigError(`${where}: sectorSizeBytes must be a power of two of at least 512, got ${sectorSizeBytes}`);
  }
  if (!Number.isSafeInteger(capacityBytes) || capacityBytes <= 0 || capacityBytes % sectorSizeBytes !== 0) {
    throw new DeviceConfigError(`${where}: capacityBytes must be a positive multiple of the ${sectorSizeBytes}-byte sector, got ${capacityBytes}`);
  }
  if (!Number.isSafeInteger(queueDepth) || queueDepth < 1) throw new DeviceConfigError(`${where}: queueDepth must be a positive integer, got ${queueDepth}`);
  if (unwrittenStamp !== undefined && !Number.isSafeInteger(unwrittenStamp)) {
    throw new DeviceConfigError(`${where}: unwrittenStamp must be a safe integer, got ${unwrittenStamp}`);
  }
  if (options.handOverInitialContents === true && (initialContents === undefined || options.recordLog === true)) {
    throw new DeviceConfigError(`${where}: handOverInitialContents needs initialContents and no recordLog (crash images start from a kept copy)`);
  }
  if (initialContents !== undefined && unwrittenStamp !== undefined && initialContents.unwrittenStamp !== unwrittenStamp) {
    throw new DeviceConfigError(`${where}: unwrittenStamp ${unwrittenStamp} disagrees with the initial contents' ${String(initialContents.unwrittenStamp)}`);
  }
}
