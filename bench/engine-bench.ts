import { COMMIT_POLICY_NAMES, type CommitPolicyName } from "../engine/index.js";
import { runChild } from "./child-process.js";
import type { BenchRig } from "./engine-rig.js";
import { BLOCKS_PER_CHUNK, coveredRewrites, engineRig, firstWrites } from "./engine-workloads.js";
import type { Figure } from "./figures.js";
import { medianBy, sampleRate, timeOnce, type SampleOptions } from "./sampling.js";

const WORKERS = 32;
const FIRST_WRITES_PER_SAMPLE = 20_000;
const REWRITES_PER_SAMPLE = 100_000;
/** Chunks given their copy before the sampled rewrites. */
const COVERED_CHUNKS = 10_000;
const WHOLE_RUN_FIRST_WRITES = 100_000;
/** Whole runs per policy; the median is reported (an odd count, so it is one of the runs). */
const WHOLE_RUNS = 3;
/** One rewrite of every 4 KiB block of every chunk written in the whole run. */
const WHOLE_RUN_REWRITES = WHOLE_RUN_FIRST_WRITES * BLOCKS_PER_CHUNK;
const SAMPLING: SampleOptions = { timeMs: 3000, minIterations: 8, warmupIterations: 1, warmupTimeMs: 0 };
const CHILD_TIMEOUT_MS = 150_000;

export const ENGINE_TARGETS = { firstWritesPerSecond: 200_000, rewritesPerSecond: 1_000_000 } as const;

/** The two groups of engine figures; each runs in a process of its own (see engineFiguresInChildren). */
export const ENGINE_FIGURE_GROUPS = ["sampled", "whole-run"] as const;
export type EngineFigureGroup = (typeof ENGINE_FIGURE_GROUPS)[number];

/**
 * The engine on zero-latency devices for one commit policy: copy-on-first-write
 * host writes (each to a never-written chunk) and rewrites of covered chunks,
 * 32 writes in flight. "sampled": tinybench samples. "whole-run": three whole
 * runs, each of 100k first writes followed by 1.6M rewrites on the same
 * engine, after one untimed run of the same; the median run is reported.
 */
export function engineFigures(policy: CommitPolicyName, group: EngineFigureGroup): Generator<Figure> {
  return group === "sampled" ? sampledFigures(policy) : wholeRunFigures(policy);
}

function* sampledFigures(policy: CommitPolicyName): Generator<Figure> {
  // First writes: a fresh engine per sample (built outside the timing), so every chunk is never-written.
  let rig: BenchRig | undefined;
  const freshRig = (): BenchRig => {
    if (rig === undefined) throw new Error("no engine built for this sample");
    return rig;
  };
  const first = sampleRate(`${policy} first writes`, FIRST_WRITES_PER_SAMPLE, () => firstWrites(freshRig(), 0, FIRST_WRITES_PER_SAMPLE, WORKERS), {
    ...SAMPLING,
    beforeEach: () => (rig = engineRig(policy, { chunks: FIRST_WRITES_PER_SAMPLE })),
    afterAll: () => (rig = undefined),
  });
  yield {
    id: `engine.${policy}.firstWrites.sampled`,
    label: `${policy}: COFW first writes/s`,
    value: first.perSecond,
    unit: "/s",
    target: { op: ">=", value: ENGINE_TARGETS.firstWritesPerSecond },
    detail: { how: `tinybench, ${FIRST_WRITES_PER_SAMPLE / 1000}k per sample, fresh engine each`, ...first },
  };

  // Rewrites: one engine whose first COVERED_CHUNKS chunks have their copy, and every block of them
  // rewritten once already (untimed), so the samples see the steady state; they continue each other.
  const covered = engineRig(policy, { chunks: COVERED_CHUNKS });
  firstWrites(covered, 0, COVERED_CHUNKS, WORKERS);
  let rewritesDone = COVERED_CHUNKS * BLOCKS_PER_CHUNK;
  coveredRewrites(covered, COVERED_CHUNKS, 0, rewritesDone, WORKERS);
  const rewrites = sampleRate(
    `${policy} rewrites`,
    REWRITES_PER_SAMPLE,
    () => {
      coveredRewrites(covered, COVERED_CHUNKS, rewritesDone, REWRITES_PER_SAMPLE, WORKERS);
      rewritesDone += REWRITES_PER_SAMPLE;
    },
    SAMPLING,
  );
  yield {
    id: `engine.${policy}.rewrites.sampled`,
    label: `${policy}: covered-chunk rewrites/s`,
    value: rewrites.perSecond,
    unit: "/s",
    target: { op: ">=", value: ENGINE_TARGETS.rewritesPerSecond },
    detail: { how: `tinybench, ${REWRITES_PER_SAMPLE / 1000}k per sample over ${COVERED_CHUNKS / 1000}k chunks, all blocks rewritten before`, ...rewrites },
  };
}

function* wholeRunFigures(policy: CommitPolicyName): Generator<Figure> {
  // Whole runs: WHOLE_RUNS times, each on a fresh engine, 100k first writes, then 1.6M rewrites of those chunks
  // (every block once). The median run is the figure: one run alone swings by a quarter on a shared VM. One more
  // run goes first, untimed, to warm the JIT up on this very shape (in a fresh process the first run's first
  // writes ran at half the speed of the third's).
  const runs = Array.from({ length: WHOLE_RUNS + 1 }, () => {
    const whole = engineRig(policy, { chunks: WHOLE_RUN_FIRST_WRITES });
    const eventsAtStart = whole.kernel.eventCount;
    const first = timeOnce(() => firstWrites(whole, 0, WHOLE_RUN_FIRST_WRITES, WORKERS));
    const eventsAfterFirst = whole.kernel.eventCount;
    const rewrite = timeOnce(() => coveredRewrites(whole, WHOLE_RUN_FIRST_WRITES, 0, WHOLE_RUN_REWRITES, WORKERS));
    return {
      first: { wallMs: first.ms, copies: first.value, kernelEventsPerWrite: (eventsAfterFirst - eventsAtStart) / WHOLE_RUN_FIRST_WRITES },
      rewrite: { wallMs: rewrite.ms, kernelEventsPerWrite: (whole.kernel.eventCount - eventsAfterFirst) / WHOLE_RUN_REWRITES },
    };
  }).slice(1);
  const firstRun = medianBy(runs.map((run) => run.first), (run) => run.wallMs);
  yield {
    id: `engine.${policy}.firstWrites.wholeRun`,
    label: `${policy}: COFW first writes/s, whole run`,
    value: (WHOLE_RUN_FIRST_WRITES / firstRun.wallMs) * 1000,
    unit: "/s",
    target: { op: ">=", value: ENGINE_TARGETS.firstWritesPerSecond },
    detail: {
      how: `median of ${WHOLE_RUNS} runs of ${WHOLE_RUN_FIRST_WRITES / 1000}k, each on a fresh engine, after one untimed run`,
      writes: WHOLE_RUN_FIRST_WRITES,
      ...firstRun,
      eachRunPerSecond: runs.map((run) => Math.round((WHOLE_RUN_FIRST_WRITES / run.first.wallMs) * 1000)).join(", "),
    },
  };
  const rewriteRun = medianBy(runs.map((run) => run.rewrite), (run) => run.wallMs);
  yield {
    id: `engine.${policy}.rewrites.wholeRun`,
    label: `${policy}: covered-chunk rewrites/s, whole run`,
    value: (WHOLE_RUN_REWRITES / rewriteRun.wallMs) * 1000,
    unit: "/s",
    target: { op: ">=", value: ENGINE_TARGETS.rewritesPerSecond },
    detail: {
      how: `median of ${WHOLE_RUNS} runs of ${WHOLE_RUN_REWRITES / 1e6}M over ${WHOLE_RUN_FIRST_WRITES / 1000}k chunks, each block once, after that run's first writes (and one untimed run)`,
      writes: WHOLE_RUN_REWRITES,
      ...rewriteRun,
      eachRunPerSecond: runs.map((run) => Math.round((WHOLE_RUN_REWRITES / run.rewrite.wallMs) * 1000)).join(", "),
    },
  };
}

/**
 * The engine figures with each policy's groups in child processes of their
 * own, so that one measurement's garbage and JIT feedback do not weigh on the
 * next: a whole run, like a user's run, starts in a fresh process. (Run after
 * the sampled figures in one process, the whole run's rewrites were ~20%
 * slower than alone: the hot code had been optimized on the sampled phase's
 * feedback.) `onFigure` gets each figure as soon as its child has measured it.
 */
export async function engineFiguresInChildren(onFigure: (figure: Figure) => void, policies: readonly CommitPolicyName[] = COMMIT_POLICY_NAMES): Promise<void> {
  for (const policy of policies) {
    for (const group of ENGINE_FIGURE_GROUPS) {
      await runChild("engine-child", [policy, group], (message) => onFigure(message as Figure), CHILD_TIMEOUT_MS);
    }
  }
}
