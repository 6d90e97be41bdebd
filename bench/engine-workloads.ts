import type { CommitPolicyName } from "../engine/index.js";
import { BenchRig, GiB, KiB } from "./engine-rig.js";

/**
 * The engine workloads: 4 KiB host writes from concurrent workers to a Source
 * LU with 64 KiB chunks and one live session, on zero-latency devices.
 */
export const CHUNK_BYTES = 64 * KiB;
export const REGION_BYTES = 64 * KiB;
export const WRITE_BYTES = 4 * KiB;
export const BLOCKS_PER_CHUNK = CHUNK_BYTES / WRITE_BYTES;
/** Stamps below this are the devices' never-written contents. */
const FIRST_STAMP = 1000;

export interface EngineRigSize {
  /** Source chunks the rig can take first writes to, each making one copy. */
  readonly chunks: number;
}

/**
 * A formatted engine with one live session (slot 0). Both LUs are sized for
 * `chunks` copies plus metadata with room to spare, so the Cache LU never
 * fills; the devices are sparse, so the size costs nothing until written.
 */
export function engineRig(policy: CommitPolicyName, size: EngineRigSize, seed = "bench-engine"): BenchRig {
  const dataBytes = size.chunks * CHUNK_BYTES;
  const roundUp = (bytes: number) => Math.ceil(bytes / GiB) * GiB;
  const rig = new BenchRig({
    seed: `${seed}/${policy}`,
    sourceBytes: roundUp(dataBytes),
    cacheBytes: roundUp(dataBytes * 1.25 + GiB),
    chunkSizeBytes: CHUNK_BYTES,
    regionSizeBytes: REGION_BYTES,
    policy,
  });
  rig.startSessions(1);
  return rig;
}

/**
 * Copy-on-first-write host writes: write i goes to the first 4 KiB of source
 * chunk `firstChunk + i`, a chunk never written before, so every write makes
 * a copy. Returns the copies made (checked to equal `count`).
 */
export function firstWrites(rig: BenchRig, firstChunk: number, count: number, workers: number): number {
  const copiesBefore = rig.engine.counters.cofwCopies;
  rig.hostWrites(count, workers, (i) => ({ offsetBytes: (firstChunk + i) * CHUNK_BYTES, lengthBytes: WRITE_BYTES, stamp: FIRST_STAMP + firstChunk + i }));
  const copies = rig.engine.counters.cofwCopies - copiesBefore;
  if (copies !== count) throw new Error(`${count} first writes made ${copies} copies`);
  return copies;
}

/**
 * Rewrites of covered chunks: chunks 0..coveredChunks-1 already have their
 * copy. Rewrite number n (counting from `firstRewrite` across calls) goes to
 * chunk n mod coveredChunks, 4 KiB block (n div coveredChunks) mod 16 of it,
 * so the passes walk every block of every chunk and each device bucket holds
 * up to 16 extents of distinct stamps, as random 4 KiB rewrites would leave
 * it. No copy may be made (checked).
 */
export function coveredRewrites(rig: BenchRig, coveredChunks: number, firstRewrite: number, count: number, workers: number): void {
  const copiesBefore = rig.engine.counters.cofwCopies;
  const stampBase = FIRST_STAMP + 1_000_000_000;
  rig.hostWrites(count, workers, (i) => {
    const n = firstRewrite + i;
    const chunk = n % coveredChunks;
    const block = Math.floor(n / coveredChunks) % BLOCKS_PER_CHUNK;
    return { offsetBytes: chunk * CHUNK_BYTES + block * WRITE_BYTES, lengthBytes: WRITE_BYTES, stamp: stampBase + n };
  });
  const copies = rig.engine.counters.cofwCopies - copiesBefore;
  if (copies !== 0) throw new Error(`${count} rewrites of covered chunks made ${copies} copies`);
}
