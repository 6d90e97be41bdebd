import type { DemoResult } from "../scenarios/demo.js";

const us = (ns: number) => `${(ns / 1000).toFixed(1)} us`;

/** The short human summary `cofwsim run` prints. */
export function formatDemoSummary(result: DemoResult): string {
  const seconds = result.simulatedNs / 1e9;
  const e = result.engine;
  const lat = result.hostWriteLatency;
  return [
    `policy ${result.policy}; source: ${result.devices.source}; cache: ${result.devices.cache}`,
    `simulated ${seconds.toFixed(3)} s, ${result.events} events`,
    `host writes  ${e.hostWrites} (${(e.hostWrites / seconds).toFixed(0)} IOPS)  latency mean ${us(lat.meanNs)}  p50 ${us(lat.p50Ns)}  p99 ${us(lat.p99Ns)}  max ${us(lat.maxNs)}`,
    `COFW copies  ${e.cofwCopies} (${(e.cofwCopies / Math.max(1, e.hostWrites)).toFixed(3)} per host write), ${(e.bytesCopied / 2 ** 20).toFixed(1)} MiB copied`,
    `metadata     ${e.metadataWrites} writes, ${(e.metadataBytesWritten / 2 ** 20).toFixed(2)} MiB; ${e.flushes} engine flushes`,
    `write amplification ${e.writeAmplification.toFixed(2)}; Cache LU chunks in use ${e.chunksInUse}; sessions started ${e.sessionsStarted}, terminated ${e.sessionsTerminated}`,
    `backup read ${(result.backupReadBytes / 2 ** 20).toFixed(0)} MiB through session 0's Phantom LU`,
    "",
  ].join("\n");
}
