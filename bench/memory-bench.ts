import type { CommitPolicyName } from "../engine/index.js";
import { runChildForResult } from "./child-process.js";
import { GiB } from "./engine-rig.js";
import type { Figure } from "./figures.js";
import { formatBytes } from "./figures.js";
import type { MemoryRunResult } from "./memory-workload.js";

export const MEMORY_TARGET_BYTES = 1 * GiB;
const CHILD_TIMEOUT_MS = 150_000;

/** Runs the memory workload in a fresh child process (compiled memory-child.js) and returns its result and the child's wall time. */
export async function runMemoryChild(policy: CommitPolicyName = "write-through"): Promise<{ result: MemoryRunResult; childWallMs: number }> {
  const { result, wallMs } = await runChildForResult<MemoryRunResult>("memory-child", [policy], CHILD_TIMEOUT_MS, "memory benchmark child");
  return { result, childWallMs: wallMs };
}

/** Peak memory of 100k random first writes to a 16 TiB Source LU with 4 live sessions, measured in a child process. */
export async function memoryFigures(): Promise<Figure[]> {
  const { result, childWallMs } = await runMemoryChild();
  const { options } = result;
  const how = `child process; ${result.writes / 1000}k random ${formatBytes(options.writeBytes)} first writes, ${formatBytes(options.sourceBytes)} source, ${formatBytes(options.chunkSizeBytes)} chunks, ${options.sessions} sessions, ${options.policy}`;
  const common = {
    rssBeforeBytes: result.rssBeforeBytes,
    rssAfterBytes: result.rssAfterBytes,
    samples: result.samples,
    copies: result.copies,
  };
  return [
    {
      id: "memory.rssPeakSampled",
      label: "16 TiB source, 100k first writes: peak RSS (sampled)",
      value: result.rssPeakSampledBytes,
      unit: "bytes",
      target: { op: "<", value: MEMORY_TARGET_BYTES },
      detail: { how, ...common },
    },
    {
      id: "memory.maxRss",
      label: "16 TiB source, 100k first writes: peak RSS (getrusage)",
      value: result.maxRssBytes,
      unit: "bytes",
      target: { op: "<", value: MEMORY_TARGET_BYTES },
      detail: { how: "whole child process lifetime, ru_maxrss" },
    },
    {
      id: "memory.heapUsedPeakSampled",
      label: "16 TiB source, 100k first writes: peak heap used (sampled)",
      value: result.heapUsedPeakSampledBytes,
      unit: "bytes",
      detail: { heapUsedBeforeBytes: result.heapUsedBeforeBytes, heapUsedAfterBytes: result.heapUsedAfterBytes },
    },
    {
      id: "memory.writesWallMs",
      label: "16 TiB source, 100k first writes: wall time of the writes",
      value: result.wallMs,
      unit: "ms",
      detail: { writesPerSecond: (result.writes / result.wallMs) * 1000, kernelEvents: result.kernelEvents, runWallMs: result.totalWallMs },
    },
    {
      id: "memory.childWallMs",
      label: "16 TiB source, 100k first writes: child process wall time",
      value: childWallMs,
      unit: "ms",
      detail: { how: "fork to exit, including Node start-up, format and session starts" },
    },
  ];
}
