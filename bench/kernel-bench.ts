import { runBareHeap } from "../reports/wall/bare-heap-loop.js";
import type { Figure } from "./figures.js";
import { runKernelCallbacks, runKernelCoroutines } from "./kernel-workloads.js";
import { sampleRate, timeOnce, type SampleOptions } from "./sampling.js";

const PENDING = 1000;
const SEED = 0x5eed;
const EVENTS_PER_ITERATION = 500_000;
const WHOLE_RUN_EVENTS = 5_000_000;
const SAMPLING: SampleOptions = { timeMs: 1500, minIterations: 8, warmupIterations: 2, warmupTimeMs: 200 };

export const KERNEL_TARGETS = { callbacksPerSecond: 5_000_000, resumptionsPerSecond: 3_000_000 } as const;

/**
 * Kernel throughput with ~1,000 events pending: plain self-rescheduling
 * callbacks (and a bare heap loop doing the same, as the reference), then
 * 1,000 coroutine processes looping on sleep. Each is sampled with tinybench
 * and also timed once over a fixed 5M events.
 */
export function* kernelFigures(): Generator<Figure> {
  const sampledHow = `tinybench, ${EVENTS_PER_ITERATION / 1000}k per sample`;
  const wholeHow = `one run of ${WHOLE_RUN_EVENTS / 1e6}M`;

  const bare = sampleRate("bare heap", EVENTS_PER_ITERATION, () => runBareHeap(EVENTS_PER_ITERATION, PENDING, SEED), SAMPLING);
  const bareFigure: Figure = {
    id: "kernel.bareHeap.sampled",
    label: "bare binary-heap loop, events/s (reference)",
    value: bare.perSecond,
    unit: "/s",
    detail: { how: sampledHow, ...bare },
  };
  yield bareFigure;

  const callbacks = sampleRate("kernel callbacks", EVENTS_PER_ITERATION, () => runKernelCallbacks(EVENTS_PER_ITERATION, PENDING, SEED), SAMPLING);
  yield {
    id: "kernel.callbacks.sampled",
    label: "kernel callbacks, events/s",
    value: callbacks.perSecond,
    unit: "/s",
    target: { op: ">=", value: KERNEL_TARGETS.callbacksPerSecond },
    detail: { how: sampledHow, ...callbacks },
  };

  const bareWhole = timeOnce(() => runBareHeap(WHOLE_RUN_EVENTS, PENDING, SEED));
  const callbacksWhole = timeOnce(() => runKernelCallbacks(WHOLE_RUN_EVENTS, PENDING, SEED));
  yield {
    id: "kernel.callbacks.wholeRun",
    label: "kernel callbacks, events/s, whole run",
    value: (callbacksWhole.value / callbacksWhole.ms) * 1000,
    unit: "/s",
    target: { op: ">=", value: KERNEL_TARGETS.callbacksPerSecond },
    detail: { how: wholeHow, events: callbacksWhole.value, wallMs: callbacksWhole.ms },
  };
  yield {
    id: "kernel.bareHeap.wholeRun",
    label: "bare binary-heap loop, events/s, whole run (reference)",
    value: (bareWhole.value / bareWhole.ms) * 1000,
    unit: "/s",
    detail: { how: wholeHow, events: bareWhole.value, wallMs: bareWhole.ms },
  };
  yield {
    id: "kernel.callbacks.ratioToBareHeap",
    label: "kernel callbacks / bare heap loop",
    value: callbacks.perSecond / bare.perSecond,
    unit: "ratio",
    detail: { how: "tinybench means", wholeRunRatio: (callbacksWhole.value / callbacksWhole.ms) / (bareWhole.value / bareWhole.ms) },
  };

  const coroutines = sampleRate("kernel coroutines", EVENTS_PER_ITERATION, () => runKernelCoroutines(EVENTS_PER_ITERATION, PENDING, SEED), SAMPLING);
  yield {
    id: "kernel.coroutines.sampled",
    label: "coroutine sleep resumptions/s (1,000 processes)",
    value: coroutines.perSecond,
    unit: "/s",
    target: { op: ">=", value: KERNEL_TARGETS.resumptionsPerSecond },
    detail: { how: sampledHow, ...coroutines },
  };
  const coroutinesWhole = timeOnce(() => runKernelCoroutines(WHOLE_RUN_EVENTS, PENDING, SEED));
  yield {
    id: "kernel.coroutines.wholeRun",
    label: "coroutine sleep resumptions/s, whole run",
    value: (coroutinesWhole.value / coroutinesWhole.ms) * 1000,
    unit: "/s",
    target: { op: ">=", value: KERNEL_TARGETS.resumptionsPerSecond },
    detail: { how: wholeHow, resumptions: coroutinesWhole.value, wallMs: coroutinesWhole.ms },
  };
}
