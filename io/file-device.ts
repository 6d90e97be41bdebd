import { open as openFile, type FileHandle } from "node:fs/promises";
import { DeviceError, requestProblem, type BlockDevice, type IoCompletion, type IoRequest } from "./block-device.js";
import { Payload } from "./payload.js";
import { FifoQueue } from "./fifo-queue.js";

export interface FileBlockDeviceOptions {
  /** Defaults to the path; every DeviceError starts with it. */
  readonly name?: string;
  readonly capacityBytes: number;
  /** A power of two, at least 512. */
  readonly sectorSizeBytes: number;
  /** Requests handed to the file system at once; more wait in submission order. Defaults to 32. */
  readonly queueDepth?: number;
  /** Create the file, or truncate an existing one, to `capacityBytes` (sparse: it reads as zeros). */
  readonly create?: boolean;
}

type CompletionCallback = (completion: IoCompletion, error?: DeviceError) => void;

/** A request as the device holds it until it completes. */
interface Pending {
  readonly request: IoRequest;
  /** A write's bytes, materialised at submission so the caller may reuse its buffers at once. */
  readonly writeBytes: Uint8Array | undefined;
  readonly onComplete: CompletionCallback;
}

const DEFAULT_QUEUE_DEPTH = 32;

/**
 * A BlockDevice over a real image file (or a block device node): the engine
 * runs over it unchanged, driven by io/async-driver.ts.
 *
 * Durability maps onto the OS as the interface asks: a completed write is in
 * the page cache (volatile, like a disk's write cache), a flush is an
 * fdatasync, and a FUA write is a write followed by an fdatasync before it
 * completes. fdatasync covers the whole file, so it makes every write that
 * completed before it durable, which is exactly the flush contract.
 */
export class FileBlockDevice implements BlockDevice {
  readonly name: string;
  readonly capacityBytes: number;
  readonly sectorSizeBytes: number;
  readonly queueDepth: number;
  private readonly waiting = new FifoQueue<Pending>();
  private inFlight = 0;
  private closing: Promise<void> | undefined;
  /** Resolves `closing` once the last admitted request has completed. */
  private onDrained: (() => void) | undefined;

  private constructor(
    private readonly handle: FileHandle,
    readonly path: string,
    name: string,
    capacityBytes: number,
    sectorSizeBytes: number,
    queueDepth: number,
  ) {
    this.name = name;
    this.capacityBytes = capacityBytes;
    this.sectorSizeBytes = sectorSizeBytes;
    this.queueDepth = queueDepth;
  }

  /**
   * Opens (or with `create`, creates) the image. Rejects with a DeviceError on
   * a bad geometry, an fs failure, or a regular file shorter than the
   * capacity (reads past its end would have no defined contents).
   */
  static async open(path: string, options: FileBlockDeviceOptions): Promise<FileBlockDevice> {
    const name = options.name ?? path;
    const queueDepth = options.queueDepth ?? DEFAULT_QUEUE_DEPTH;
    const { capacityBytes, sectorSizeBytes } = options;
    const sectorOk = Number.isSafeInteger(sectorSizeBytes) && sectorSizeBytes >= 512 && (sectorSizeBytes & (sectorSizeBytes - 1)) === 0;
    if (!sectorOk) throw new DeviceError(name, `sector size must be a power of two of at least 512 bytes, got ${sectorSizeBytes}`);
    if (!Number.isSafeInteger(capacityBytes) || capacityBytes <= 0 || capacityBytes % sectorSizeBytes !== 0) {
      throw new DeviceError(name, `capacity must be a positive multiple of the ${sectorSizeBytes}-byte sector, got ${capacityBytes} bytes`);
    }
    if (!Number.isSafeInteger(queueDepth) || queueDepth < 1) throw new DeviceError(name, `queue depth must be a positive integer, got ${queueDepth}`);

    let handle: FileHandle;
    try {
      // "w+" creates or truncates; "r+" insists the image exists and never shortens it.
      handle = await openFile(path, options.create === true ? "w+" : "r+");
    } catch (error) {
      throw new DeviceError(name, `cannot open ${path}: ${osMessage(error)}`);
    }
    try {
      if (options.create === true) {
        await handle.truncate(capacityBytes);
      } else {
        const stats = await handle.stat();
        // Block device nodes report size 0; only regular files can be checked this way.
        if (stats.isFile() && stats.size < capacityBytes) {
          throw new DeviceError(name, `${path} holds ${stats.size} bytes, less than the capacity of ${capacityBytes} bytes`);
        }
      }
    } catch (error) {
      await handle.close().catch(() => undefined);
      if (error instanceof DeviceError) throw error;
      throw new DeviceError(name, `cannot prepare ${path}: ${osMessage(error)}`);
    }
    return new FileBlockDevice(handle, path, name, capacityBytes, sectorSizeBytes, queueDepth);
  }

  /** Requests handed to the file system now. */
  get inFlightCount(): number {
    return this.inFlight;
  }

  /** Requests waiting for a queue slot. */
  get waitingCount(): number {
    return this.waiting.size;
  }

  get closed(): boolean {
    return this.closing !== undefined;
  }

  submit(request: IoRequest, onComplete: CompletionCallback): void {
    const problem = this.closing !== undefined ? `${describe(request)} submitted after close` : requestProblem(this, request);
    if (problem !== undefined) {
      const error = new DeviceError(this.name, problem);
      // The contract forbids completing on the submitter's stack.
      queueMicrotask(() => onComplete(undefined, error));
      return;
    }
    const pending: Pending = { request, writeBytes: request.op === "write" ? request.payload.toBytes() : undefined, onComplete };
    if (this.inFlight < this.queueDepth) this.start(pending);
    else this.waiting.push(pending);
  }

  /**
   * Stops accepting requests, lets every request already submitted (in
   * flight or waiting) complete, then closes the file. It does not flush:
   * like a disk, what was never flushed is only as durable as the OS makes it.
   */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      if (this.inFlight === 0) resolve();
      else this.onDrained = resolve;
    }).then(() =>
      this.handle.close().catch((error: unknown) => {
        throw new DeviceError(this.name, `closing ${this.path} failed: ${osMessage(error)}`);
      }),
    );
    return this.closing;
  }

  private start(pending: Pending): void {
    this.inFlight++;
    this.perform(pending).then(
      (completion) => this.finish(pending, completion, undefined),
      (error: unknown) => this.finish(pending, undefined, this.failure(pending.request, error)),
    );
  }

  private finish(pending: Pending, completion: IoCompletion, error: DeviceError | undefined): void {
    this.inFlight--;
    // The freed slot goes to the oldest waiting request before the caller can submit a new one.
    const next = this.waiting.shift();
    if (next !== undefined) this.start(next);
    else if (this.inFlight === 0 && this.onDrained !== undefined) this.onDrained();
    if (error === undefined) pending.onComplete(completion);
    else pending.onComplete(undefined, error);
  }

  private async perform(pending: Pending): Promise<IoCompletion> {
    const { request } = pending;
    switch (request.op) {
      case "read": {
        const bytes = new Uint8Array(request.lengthBytes);
        await this.readFully(bytes, request.offsetBytes);
        // A fresh buffer per read: the payload owns it, nothing else aliases it.
        return Payload.bytes(bytes);
      }
      case "write": {
        await this.writeFully(pending.writeBytes ?? request.payload.toBytes(), request.offsetBytes);
        if (request.fua) await this.handle.datasync();
        return undefined;
      }
      case "flush":
        await this.handle.datasync();
        return undefined;
    }
  }

  /** Positional reads may return fewer bytes than asked; only the end of the file is an error. */
  private async readFully(bytes: Uint8Array, offsetBytes: number): Promise<void> {
    let doneBytes = 0;
    while (doneBytes < bytes.length) {
      const { bytesRead } = await this.handle.read(bytes, doneBytes, bytes.length - doneBytes, offsetBytes + doneBytes);
      if (bytesRead === 0) throw new Error(`unexpected end of file ${this.path} at byte ${offsetBytes + doneBytes} (was it truncated?)`);
      doneBytes += bytesRead;
    }
  }

  private async writeFully(bytes: Uint8Array, offsetBytes: number): Promise<void> {
    let doneBytes = 0;
    while (doneBytes < bytes.length) {
      const { bytesWritten } = await this.handle.write(bytes, doneBytes, bytes.length - doneBytes, offsetBytes + doneBytes);
      if (bytesWritten === 0) throw new Error(`no progress writing ${this.path} at byte ${offsetBytes + doneBytes}`);
      doneBytes += bytesWritten;
    }
  }

  private failure(request: IoRequest, error: unknown): DeviceError {
    return new DeviceError(this.name, `${describe(request)} failed: ${osMessage(error)}`);
  }

}

function describe(request: IoRequest): string {
  switch (request.op) {
    case "read":
      return `read of ${request.lengthBytes} bytes at offset ${request.offsetBytes}`;
    case "write":
      return `${request.fua ? "FUA write" : "write"} of ${request.payload.lengthBytes} bytes at offset ${request.offsetBytes}`;
    case "flush":
      return "flush";
  }
}

/** The OS error as Node reports it ("ENOSPC: no space left on device, write"), or whatever was thrown. */
function osMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
