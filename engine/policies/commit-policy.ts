import type { Callable, Coroutine } from "../../io/coroutine.js";
import type { CopyJob, Metadata } from "../metadata.js";
import type { DlmMetadata } from "../on-disk/codec.js";

/**
 * When and how a copy's data and metadata reach the Cache LU. The engine
 * calls `commitCopy` once per copy and lets the host write reach the Source
 * LU only after it returns; so whatever a policy does, on return the copy
 * data, its allocation record (in-cache bit, mask, Session IDs, source chunk)
 * and whatever recovery needs to find it must be durable.
 *
 * Policies are objects handed to the engine, so tests can hand it broken
 * ones (the crash checker must catch them) without a bug switch in here.
 * `commitCopy` may be a generator or, on a policy's hot path, a Machine
 * (io/machine.ts): the engine calls it either way.
 */
export interface CommitPolicy {
  readonly name: string;
  commitCopy(metadata: Metadata, job: CopyJob): Callable;
  /** A host flush: the policy may use it to write back lazily kept metadata. */
  onHostFlush(metadata: Metadata): Coroutine;
  /** Before a clean unmount: everything lazily kept must reach disk. */
  onUnmount(metadata: Metadata): Coroutine;
  /**
   * Persists a new slot table (a start, stop, replacement or termination).
   * On return it must be durable: the engine then acknowledges the change
   * and, when `endsSessions`, frees the copies that served only the ended
   * sessions, which new copies may overwrite at once. Optional: without it
   * the engine writes the table durably itself (Metadata.commitSlots).
   */
  commitSlots?(metadata: Metadata, next: DlmMetadata, endsSessions: boolean): Coroutine;
}
