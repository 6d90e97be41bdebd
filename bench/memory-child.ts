import { COMMIT_POLICY_NAMES, type CommitPolicyName } from "../engine/index.js";
import { doneWithParent, sendToParent } from "./child-process.js";
import { MEMORY_RUN_DEFAULTS, runMemoryWorkload } from "./memory-workload.js";

/**
 * Child-process entry of the memory benchmark: `node dist/bench/memory-child.js [policy]`.
 * Runs the workload alone in a fresh process and sends the result to the
 * parent over IPC (or prints it as JSON when run by hand).
 */
const policy = process.argv[2] ?? MEMORY_RUN_DEFAULTS.policy;
if (!(COMMIT_POLICY_NAMES as readonly string[]).includes(policy)) {
  console.error(`unknown policy "${policy}"; expected one of ${COMMIT_POLICY_NAMES.join(", ")}`);
  process.exit(2);
}
await sendToParent(runMemoryWorkload({ ...MEMORY_RUN_DEFAULTS, policy: policy as CommitPolicyName }));
doneWithParent();
