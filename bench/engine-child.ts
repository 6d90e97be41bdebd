import { COMMIT_POLICY_NAMES, type CommitPolicyName } from "../engine/index.js";
import { doneWithParent, sendToParent } from "./child-process.js";
import { ENGINE_FIGURE_GROUPS, engineFigures, type EngineFigureGroup } from "./engine-bench.js";

/**
 * Child-process entry of one group of engine benchmarks for one commit policy:
 * `node dist/bench/engine-child.js <policy> <sampled|whole-run>`. Each figure goes to the parent
 * as soon as it is measured (or is printed as JSON when run by hand).
 */
const policy = process.argv[2] ?? "";
if (!(COMMIT_POLICY_NAMES as readonly string[]).includes(policy)) {
  console.error(`unknown policy "${policy}"; expected one of ${COMMIT_POLICY_NAMES.join(", ")}`);
  process.exit(2);
}
const group = process.argv[3] ?? "";
if (!(ENGINE_FIGURE_GROUPS as readonly string[]).includes(group)) {
  console.error(`unknown figure group "${group}"; expected one of ${ENGINE_FIGURE_GROUPS.join(", ")}`);
  process.exit(2);
}
for (const figure of engineFigures(policy as CommitPolicyName, group as EngineFigureGroup)) await sendToParent(figure);
doneWithParent();
