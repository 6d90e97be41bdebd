/** The engine's public surface: what scenarios, the CLI and tests use. */
export { CofwEngine, type SessionInfo, type SessionRef, type TerminationListener } from "./engine.js";
export { formatCacheLu, type FormatOptions } from "./format.js";
export { mountCacheLu, RecoveryRefused, type MountOptions } from "./recovery.js";
export { ORDERED_REPAIR, type RecoveryRepair, type RepairPlan } from "./repair.js";
export { fsck, type FsckReport } from "./fsck.js";
export type { Finding } from "./scan.js";
export { countersSince, type EngineCounters, writeAmplification } from "./counters.js";
export { EngineError, GeometryError, MountError, EngineUsageError, EngineAssertionError } from "./errors.js";
export { computeLayout, cofwChunkOffsetBytes, SESSION_SLOTS, type Geometry, type Layout } from "./on-disk/layout.js";
export { makeCommitPolicy, COMMIT_POLICY_NAMES, type CommitPolicyName, type CommitPolicy } from "./policies/index.js";
export type { CopyJob, Metadata } from "./metadata.js";
export { REFERENCE_DECODER, type MetadataDecoder } from "./on-disk/decoder.js";
export { sealSector } from "./on-disk/codec.js";
export type { DlmMetadata } from "./on-disk/codec.js";
