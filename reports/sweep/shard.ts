/**
 * `--shard i/n`: a deterministic share of a sweep's points, so CI jobs on
 * several machines can split one sweep and `cofwsim merge` can put it back
 * together. Round-robin by point index (index mod n = i - 1) rather than
 * contiguous blocks: neighbouring points (say, the large chunk sizes, which
 * run slower) spread over the shards, which evens out their wall times.
 */
import { SweepError } from "./errors.js";
import { MAX_POINTS } from "./points.js";

export interface Shard {
  /** 1-based, as written. */
  readonly index: number;
  readonly count: number;
}

export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (match === null) throw new SweepError(`--shard ${JSON.stringify(text)}: expected i/n with whole numbers, such as 1/4 (the first of four shards)`);
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1) throw new SweepError(`--shard ${text}: no shards; expected at least 1 as the number of shards (i/n with n >= 1), found ${count}`);
  // No sweep has more points (and beyond 2^53 the count would not even be stored exactly).
  if (count > MAX_POINTS) throw new SweepError(`--shard ${text}: too many shards; expected the number of shards to be at most ${MAX_POINTS.toLocaleString("en-US")}, the most points a sweep may have, found ${count}`);
  if (index < 1 || index > count) throw new SweepError(`--shard ${text}: no such shard; expected the shard number to be from 1 to ${count} (shards are numbered from 1), found ${index}`);
  return { index, count };
}

export function inShard(pointIndex: number, shard: Shard | undefined): boolean {
  return shard === undefined || pointIndex % shard.count === shard.index - 1;
}

export function selectShard<T extends { readonly index: number }>(points: readonly T[], shard: Shard | undefined): T[] {
  return points.filter((point) => inShard(point.index, shard));
}
