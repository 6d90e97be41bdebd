import { COMMIT_POLICY_NAMES, type CommitPolicyName } from "../engine/index.js";
import { doneWithParent, sendToParent } from "./child-process.js";
import { ENGINE_FIGURE_GROUPS, engineFigures, type EngineFigureGroup } from "./engine-bench.js";

/**
 * Child-process entry of one group of engine benchmarks for one commit policy:
 * `node dist/bench/engine-child.js <policy> <sampled|whole-run>`. Each figure goes to the parent
 * as soon as it is measured (or is printed as JSON when run by hand).
 */
function argument<T extends string>(index: number, what: string, allowed: readonly T[]): T {
  const value = process.argv[index] ?? "";
  if ((allowed as readonly string[]).includes(value)) return value as T;
  console.error(`unknown ${what} "${value}"; expected one of ${allowed.join(", ")}`);
  return process.exit(2);
}

const policy = argument<CommitPolicyName>(2, "policy", COMMIT_POLICY_NAMES);
const group = argument<EngineFigureGroup>(3, "figure group", ENGINE_FIGURE_GROUPS);
for (const figure of engineFigures(policy, group)) await sendToParent(figure);
doneWithParent();
