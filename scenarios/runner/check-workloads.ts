import { Kernel } from "../../sim/kernel.js";
import { Rng } from "../../sim/rng/streams.js";
import type { Scenario } from "../model.js";
import { buildDevices } from "./build-devices.js";
import { prepareWorkloads, type TraceReadListener } from "./expand-workloads.js";

/** What a run would make of a scenario's workloads, found without running it. */
export interface WorkloadCheck {
  /** Workload groups, as results report them (a job's clones together, a fio file's jobs each). */
  readonly groupNames: readonly string[];
  /** The notes the run's results would carry about its workloads (ignored fio options, trace address mapping). */
  readonly notes: readonly string[];
}

/**
 * Imports the fio job files and parses the traces a scenario references, as
 * `run` does before its first I/O, so that `validate` refuses what `run`
 * would refuse (a job file's unsupported option, a malformed trace line, a
 * trace whose device is absent) and states the same notes. The devices are
 * built on a kernel that never runs: the workloads need only the Source LU's
 * size and sector, and building them is the one way to know those exactly as
 * the run does (a shared disk or a stripe changes them).
 */
export function checkWorkloads(scenario: Scenario, onTraceRead?: TraceReadListener): WorkloadCheck {
  const kernel = new Kernel(scenario.seed);
  const rng = Rng.root(scenario.seed);
  const devices = buildDevices(scenario.devices, kernel, rng, { recordLog: false });
  const { groups, notes } = prepareWorkloads(scenario, rng, devices.source, onTraceRead);
  return { groupNames: groups.map((group) => group.name), notes };
}
