import { EngineUsageError } from "../errors.js";
import type { CommitPolicy } from "./commit-policy.js";
import { DirtyRegionLogPolicy } from "./dirty-region-log.js";
import { GroupCommitPolicy } from "./group-commit.js";
import { WriteThroughPolicy } from "./write-through.js";

export type CommitPolicyName = "write-through" | "group-commit" | "dirty-region-log";
export const COMMIT_POLICY_NAMES: readonly CommitPolicyName[] = ["write-through", "group-commit", "dirty-region-log"];

export function makeCommitPolicy(name: CommitPolicyName): CommitPolicy {
  switch (name) {
    case "write-through":
      return new WriteThroughPolicy();
    case "group-commit":
      return new GroupCommitPolicy();
    case "dirty-region-log":
      return new DirtyRegionLogPolicy();
    default:
      throw new EngineUsageError(`unknown commit policy "${String(name)}"; expected one of ${COMMIT_POLICY_NAMES.join(", ")}`);
  }
}

export type { CommitPolicy } from "./commit-policy.js";
