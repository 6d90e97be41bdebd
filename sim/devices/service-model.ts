/**
 * A latency and parallelism model: *when* a request completes. What the
 * request does to the device's contents and durability is the SimDevice's
 * business (sim/devices/sim-device.ts); a model only keeps time.
 */
export interface ServiceRequest {
  readonly op: "read" | "write" | "flush";
  readonly offsetBytes: number;
  /** 0 for a flush. */
  readonly lengthBytes: number;
  readonly fua: boolean;
}

export interface ServiceModel {
  /** A short description for reports, e.g. "fixed 100us + 500 MB/s x4". */
  readonly description: string;
  /**
   * Accepts a request at the kernel's current time and calls `done` with it
   * exactly once at its simulated completion time, through the kernel (never
   * synchronously). The model owns its own queueing and parallelism: it may
   * hold requests back and complete them out of submission order. Handing
   * the request back lets a device pass one `done` for all its requests
   * rather than a closure per request.
   */
  submit<R extends ServiceRequest>(request: R, done: (request: R) => void): void;
}
