import { runChild } from "./child-process.js";
import { GiB } from "./engine-rig.js";
import type { Figure } from "./figures.js";
import type { WholeRunResult } from "./whole-run-child.js";

export const WHOLE_RUN_TARGETS = { hostIosPerSecond: 250_000, peakRssBytes: 1 * GiB } as const;
const CHILD_TIMEOUT_MS = 300_000;

/** The whole simulator on bench/whole-run.yaml, in a fresh child process. */
export async function wholeRunFigures(): Promise<Figure[]> {
  let result: WholeRunResult | undefined;
  await runChild("whole-run-child", [], (message) => (result = message as WholeRunResult), CHILD_TIMEOUT_MS);
  if (result === undefined) throw new Error("whole-run benchmark child exited without a result");
  const r = result;
  const how = `child process; bench/whole-run.yaml: ${r.hostIos} host I/Os (${r.cofwCopies} COFW copies), 8 live sessions, ${r.events} events, ${(r.wallMs / 1000).toFixed(2)} s wall`;
  const detail = { how, simulatedSeconds: r.simulatedNs / 1e9, wallSeconds: r.wallMs / 1000, events: r.events, cofwCopies: r.cofwCopies };
  return [
    {
      id: "wholeRun.hostIosPerSecond",
      label: "whole run: simulated host I/Os per wall second",
      value: r.hostIos / (r.wallMs / 1000),
      unit: "/s",
      target: { op: ">=", value: WHOLE_RUN_TARGETS.hostIosPerSecond },
      detail,
    },
    { id: "wholeRun.simulatedToWall", label: "whole run: simulated time / wall time", value: r.simulatedNs / 1e9 / (r.wallMs / 1000), unit: "ratio", detail },
    { id: "wholeRun.peakRss", label: "whole run: peak RSS", value: r.peakRssBytes, unit: "bytes", target: { op: "<", value: WHOLE_RUN_TARGETS.peakRssBytes }, detail },
  ];
}
