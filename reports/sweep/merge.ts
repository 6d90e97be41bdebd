/**
 * `cofwsim merge`: shard outputs back into one sweep. The result is what the
 * unsharded sweep would have produced (same rows, no shard in the manifest),
 * so it is written by the same code to the same bytes. Outputs of different
 * sweeps (scenario, content, seed, --set, --vary or cofwsim version), a point
 * given twice and a point given by no shard are refused: a silently partial
 * or mixed table would recommend the wrong point.
 */
import { listPointIds, sweepPoints } from "./points.js";
import { SweepError } from "./errors.js";
import { seedOf } from "../../scenarios/schema/overrides.js";
import type { PointRow, SweepIdentity, SweepResult } from "./sweep-document.js";

export interface NamedSweep {
  /** Where it came from (its directory), for messages. */
  readonly source: string;
  readonly result: SweepResult;
}

/** The first field in which two identities differ, described (the most telling first), or undefined when they agree. */
function difference(a: SweepIdentity, b: SweepIdentity): string | undefined {
  if (a.scenario.name !== b.scenario.name || a.scenario.file !== b.scenario.file) return `scenario ${a.scenario.name} (${a.scenario.file}) vs ${b.scenario.name} (${b.scenario.file})`;
  if (a.seed !== b.seed) return `seed ${a.seed} vs ${b.seed}`;
  const seedA = seedOf(a.set), seedB = seedOf(b.set);
  // The seeds agree (checked above), so one of the sweeps was given the scenario's own seed with --seed: told as
  // such, not as a --set list the user never wrote. The two are refused all the same: a sweep's identity records
  // its --seed in `set` (its content hash leaves out a --seed that restates the scenario's seed, as `cofwsim run`'s does).
  if (seedA !== seedB) return `--seed ${seedA ?? "not given"} vs ${seedB ?? "not given"} (the same seed, ${a.seed}, but a sweep's manifest records its --seed: give every shard the same --seed, or none)`;
  if (JSON.stringify(a.set) !== JSON.stringify(b.set)) return `--set ${JSON.stringify(a.set)} vs ${JSON.stringify(b.set)}`;
  const vary = (identity: SweepIdentity) => identity.vary.map((axis) => `${axis.path}=${axis.values.join(",")}`).join(" ");
  if (vary(a) !== vary(b)) return `--vary ${vary(a)} vs ${vary(b)}`;
  // Last of the scenario checks: a different seed or --set changes the hash too, and saying which is more useful.
  if (a.scenario.contentHash !== b.scenario.contentHash) return `scenario file content hash ${a.scenario.contentHash.slice(0, 12)}... vs ${b.scenario.contentHash.slice(0, 12)}... (the file was edited between the runs?)`;
  if (a.cofwsimVersion !== b.cofwsimVersion) return `cofwsim ${a.cofwsimVersion} vs ${b.cofwsimVersion} (results may differ between versions)`;
  return undefined;
}

export function mergeSweeps(parts: readonly NamedSweep[]): SweepResult {
  const first = parts[0];
  if (first === undefined) throw new SweepError("nothing to merge: give the output directories of the shards");
  for (const part of parts.slice(1)) {
    const differs = difference(first.result.identity, part.result.identity);
    if (differs !== undefined) throw new SweepError(`${part.source} is not part of the same sweep as ${first.source}: ${differs}`);
  }
  const points = sweepPoints(first.result.identity.vary);
  const byIndex = new Map<number, { row: PointRow; source: string }>();
  for (const part of parts) {
    if (part.result.pointCount !== points.length) throw new SweepError(`${part.source}: its manifest counts ${part.result.pointCount} points; its --vary list makes ${points.length}`);
    for (const row of part.result.rows) {
      const point = points[row.point];
      if (point === undefined || point.id !== row.point_id) throw new SweepError(`${part.source}: point ${row.point} (${row.point_id}) is not a point of this sweep`);
      const earlier = byIndex.get(row.point);
      if (earlier !== undefined) throw new SweepError(`point ${row.point_id} is in both ${earlier.source} and ${part.source}; expected each point from one shard (the same shard given twice?)`);
      byIndex.set(row.point, { row, source: part.source });
    }
  }
  const missing = points.filter((point) => !byIndex.has(point.index)).map((point) => point.id);
  if (missing.length > 0) throw new SweepError(`${missing.length} of ${points.length} points are in none of the outputs (a shard missing?); expected every point of the sweep in one of them, found none for ${listPointIds(missing)}`);
  return {
    identity: first.result.identity,
    pointCount: points.length,
    rows: points.map((point) => byIndex.get(point.index)!.row),
  };
}
