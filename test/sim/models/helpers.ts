import type { Kernel } from "../../../sim/kernel.js";
import type { ServiceModel, ServiceRequest } from "../../../sim/devices/service-model.js";

export const read = (offsetBytes: number, lengthBytes: number): ServiceRequest => ({ op: "read", offsetBytes, lengthBytes, fua: false });
export const write = (offsetBytes: number, lengthBytes: number): ServiceRequest => ({ op: "write", offsetBytes, lengthBytes, fua: false });
export const flush: ServiceRequest = { op: "flush", offsetBytes: 0, lengthBytes: 0, fua: false };

export interface Completion {
  readonly id: number;
  readonly submittedNs: number;
  readonly completedNs: number;
}

/**
 * Submits requests at chosen simulated times and records when each completes.
 * Also fails the test if a model calls `done` twice or synchronously.
 */
export class Recorder {
  readonly completions: Completion[] = [];
  private nextId = 0;

  constructor(
    private readonly kernel: Kernel,
    private readonly model: ServiceModel,
  ) {}

  /** Submits now; returns the request's id. */
  submit(request: ServiceRequest, then?: (completion: Completion) => void): number {
    const id = this.nextId++;
    const submittedNs = this.kernel.nowNs;
    let inSubmit = true;
    let called = false;
    this.model.submit(request, () => {
      if (inSubmit) throw new Error(`request ${id}: done called synchronously inside submit`);
      if (called) throw new Error(`request ${id}: done called twice`);
      called = true;
      const completion = { id, submittedNs, completedNs: this.kernel.nowNs };
      this.completions.push(completion);
      then?.(completion);
    });
    inSubmit = false;
    return id;
  }

  submitAt(atNs: number, request: ServiceRequest): void {
    this.kernel.scheduleAt(atNs, () => this.submit(request));
  }

  /** Completion time of request `id`. */
  completedNs(id: number): number {
    const completion = this.completions.find((c) => c.id === id);
    if (completion === undefined) throw new Error(`request ${id} never completed`);
    return completion.completedNs;
  }

  get order(): number[] {
    return this.completions.map((c) => c.id);
  }
}

export function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** The empirical p-quantile (0 <= p <= 1) by the nearest-rank method. */
export function quantile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[index] as number;
}
