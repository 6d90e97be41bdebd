import type { RunResults, WallFigures } from "../scenarios/runner/results.js";

const us = (ns: number) => `${(ns / 1000).toFixed(1)} us`;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/** The short human summary `cofwsim run` prints: fio-style lines per job, then the engine. */
export function formatRunSummary(results: RunResults, wall: WallFigures): string {
  const lines: string[] = [];
  const windowSeconds = (results.window.endNs - results.window.startNs) / 1e9;
  lines.push(`scenario ${results.manifest.scenario.name} (${results.manifest.scenario.file}), seed ${results.manifest.seed}, measured ${windowSeconds.toFixed(3)} s of simulated time`);
  lines.push(`source: ${results.devices.source}`);
  lines.push(`cache:  ${results.devices.cache}`);
  for (const job of results.jobs) {
    for (const direction of ["read", "write"] as const) {
      const d = job[direction];
      if (d.total_ios === 0) continue;
      const p = d.clat_ns.percentile ?? {};
      lines.push(
        `  ${job.jobname} ${direction}: IOPS=${d.iops.toFixed(0)}, BW=${mib(d.bw_bytes)}/s, ${d.total_ios} ios; clat mean ${us(d.clat_ns.mean)}, p50 ${us(p["50.000000"] ?? 0)}, p99 ${us(p["99.000000"] ?? 0)}, max ${us(d.clat_ns.max)}`,
      );
    }
  }
  const e = results.engine;
  lines.push(`engine (${e.commitPolicy}, ${e.chunkSizeBytes / 1024} KiB chunks, ${e.regionSizeBytes / 1024} KiB regions):`);
  lines.push(`  COFW copies ${e.cofwCopies} (${e.copiesPerHostWrite.toFixed(3)} per host write, ${mib(e.bytesCopied)}); metadata writes ${e.metadataWrites} (${mib(e.metadataBytesWritten)}); engine flushes ${e.flushes}`);
  lines.push(`  write amplification ${e.writeAmplification.toFixed(3)}; Cache LU chunks ${e.cacheChunksUsed}/${e.cacheChunksTotal}; sessions started ${e.sessionsStarted}, terminated by a full Cache LU ${e.sessionsTerminated}`);
  lines.push(`  recovery (a fresh mount after the run): ${(e.recoveryNs / 1e6).toFixed(3)} ms simulated, ${mib(e.recoveryBytesRead)} read, ${e.recoveryRegionsRebuilt} regions rebuilt`);
  for (const note of results.notes) lines.push(`note: ${note}`);
  for (const problem of results.problems) lines.push(`PROBLEM: ${problem}`);
  // Said when it is a visible part of the wall time: the rates below are over all of it.
  const reading = wall.workloadReadSeconds >= 0.05 ? ` (${wall.workloadReadSeconds.toFixed(2)} s of it reading the workloads)` : "";
  lines.push(`wall ${wall.wallSeconds.toFixed(2)} s${reading}, ${wall.events} events (${(wall.eventsPerSecond / 1e6).toFixed(2)} M/s), ${Math.round(wall.hostIosPerWallSecond)} host I/Os per wall second, simulated/wall ${wall.simulatedToWallRatio.toFixed(2)}`);
  return `${lines.join("\n")}\n`;
}
