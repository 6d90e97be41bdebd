import type { Kernel } from "../../../sim/kernel.js";
import type { ServiceModel, ServiceRequest } from "../../../sim/devices/service-model.js";

/**
 * Tiny service models for device tests. The real latency models live in
 * sim/devices/models/; these only need to be obviously right.
 */

/** Every request takes the same time; any number run at once. */
export function fixedLatencyModel(kernel: Kernel, latencyNs: number): ServiceModel {
  return {
    description: `test fixed ${latencyNs}ns`,
    submit: (request, done) => {
      kernel.schedule(latencyNs, () => done(request));
    },
  };
}

/** Request i (in the order the model receives them) takes latenciesNs[i % length]; any number run at once. */
export function scriptedLatencyModel(kernel: Kernel, latenciesNs: readonly number[]): ServiceModel {
  let received = 0;
  return {
    description: "test scripted latencies",
    submit: (request, done) => {
      const latencyNs = latenciesNs[received++ % latenciesNs.length] ?? 0;
      kernel.schedule(latencyNs, () => done(request));
    },
  };
}

/** Wraps a model and records what it receives and how many requests it holds at once. */
export class RecordingModel implements ServiceModel {
  readonly description: string;
  readonly received: ServiceRequest[] = [];
  inService = 0;
  maxInService = 0;

  constructor(private readonly inner: ServiceModel) {
    this.description = `recording ${inner.description}`;
  }

  submit<R extends ServiceRequest>(request: R, done: (request: R) => void): void {
    this.received.push(request);
    this.inService++;
    this.maxInService = Math.max(this.maxInService, this.inService);
    this.inner.submit(request, () => {
      this.inService--;
      done(request);
    });
  }
}
