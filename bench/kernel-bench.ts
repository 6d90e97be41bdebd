import { runBareHeap } from "../reports/wall/bare-heap-loop.js";
import type { Figure } from "./figures.js";
import { runKernelCallbacks, runKernelCoroutines } from "./kernel-workloads.js";
import { sampleRate, timeOnce, type SampledRate, type SampleOptions } from "./sampling.js";

const PENDING = 1000;
const SEED = 0x5eed;
const EVENTS_PER_ITERATION = 500_000;
const WHOLE_RUN_EVENTS = 5_000_000;
const SAMPLING: SampleOptions = { timeMs: 1500, minIterations: 8, warmupIterations: 2, warmupTimeMs: 200 };
const SAMPLED_HOW = `tinybench, ${EVENTS_PER_ITERATION / 1000}k per sample`;
const WHOLE_HOW = `one run of ${WHOLE_RUN_EVENTS / 1e6}M`;

export const KERNEL_TARGETS = { callbacksPerSecond: 5_000_000, resumptionsPerSecond: 3_000_000 } as const;

type Workload = (events: number, pending: number, seed: number) => number;

/** A workload's rate sampled with tinybench and its rate over one whole run of 5M events, as two figures. */
function rateFigures(id: string, label: string, workload: Workload, targetPerSecond?: number): { sampled: SampledRate; wholePerSecond: number; figures: Figure[] } {
  const target = targetPerSecond === undefined ? {} : { target: { op: ">=" as const, value: targetPerSecond } };
  const sampled = sampleRate(label, EVENTS_PER_ITERATION, () => workload(EVENTS_PER_ITERATION, PENDING, SEED), SAMPLING);
  const whole = timeOnce(() => workload(WHOLE_RUN_EVENTS, PENDING, SEED));
  const wholePerSecond = (whole.value / whole.ms) * 1000;
  return {
    sampled,
    wholePerSecond,
    figures: [
      { id: `${id}.sampled`, label, value: sampled.perSecond, unit: "/s", ...target, detail: { how: SAMPLED_HOW, ...sampled } },
      { id: `${id}.wholeRun`, label: `${label}, whole run`, value: wholePerSecond, unit: "/s", ...target, detail: { how: WHOLE_HOW, events: whole.value, wallMs: whole.ms } },
    ],
  };
}

/**
 * Kernel throughput with ~1,000 events pending: plain self-rescheduling
 * callbacks (and a bare heap loop doing the same, as the reference), then
 * 1,000 coroutine processes looping on sleep. Each is sampled with tinybench
 * and also timed once over a fixed 5M events.
 */
export function* kernelFigures(): Generator<Figure> {
  const bare = rateFigures("kernel.bareHeap", "bare binary-heap loop, events/s (reference)", runBareHeap);
  yield* bare.figures;
  const callbacks = rateFigures("kernel.callbacks", "kernel callbacks, events/s", runKernelCallbacks, KERNEL_TARGETS.callbacksPerSecond);
  yield* callbacks.figures;
  yield {
    id: "kernel.callbacks.ratioToBareHeap",
    label: "kernel callbacks / bare heap loop",
    value: callbacks.sampled.perSecond / bare.sampled.perSecond,
    unit: "ratio",
    detail: { how: "tinybench means", wholeRunRatio: callbacks.wholePerSecond / bare.wholePerSecond },
  };
  yield* rateFigures("kernel.coroutines", "coroutine sleep resumptions/s (1,000 processes)", runKernelCoroutines, KERNEL_TARGETS.resumptionsPerSecond).figures;
}
