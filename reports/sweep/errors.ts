/**
 * Bad sweep input the user can fix: a malformed --vary or --shard, or shard
 * outputs that cannot be merged. The CLI maps it to exit 2 (bad input), like
 * a scenario error, and prints only its message (no stack: it is not a bug).
 */
export class SweepError extends Error {
  override readonly name = "SweepError";
}
