import { cpus } from "node:os";
import { relaunchWithHeapFlags } from "../bin/heap-flags.js";
import { fileURLToPath } from "node:url";
import { engineFiguresInChildren } from "./engine-bench.js";
import { figureLine, met, summaryTable, writeJson, type Figure } from "./figures.js";
import { kernelFigures } from "./kernel-bench.js";
import { memoryFigures } from "./memory-bench.js";
import { wholeRunFigures } from "./whole-run-bench.js";
import { sweepFigures } from "./sweep-bench.js";
import { crashFigures } from "./crash-bench.js";
import { traceFigures, traceFileFigures } from "./trace-bench.js";

/**
 * `npm run bench`: wall-clock throughput of the kernel and the engine, and
 * the memory of a large sparse run. These figures depend on the machine and
 * its load; they are kept out of the simulator's deterministic results and
 * written to out/bench.json.
 */
async function main(): Promise<void> {
  const startedAt = new Date();
  const started = performance.now();
  const outPath = fileURLToPath(new URL("../../out/bench.json", import.meta.url));
  const cpuModel = cpus()[0]?.model ?? "unknown";
  console.log(`cofwsim bench: node ${process.version}, ${cpus().length} x ${cpuModel}, ${startedAt.toISOString()}`);
  console.log("wall-clock figures: they vary with the machine and its load\n");

  const figures: Figure[] = [];
  const report = (figure: Figure): void => {
    figures.push(figure);
    console.log(figureLine(figure));
  };

  console.log("== kernel (about 1,000 events pending)");
  for (const figure of kernelFigures()) report(figure);
  console.log("\n== engine on zero-latency devices (64 KiB chunks, 4 KiB writes, 32 in flight, 1 session; per policy, a child process for the samples and one for the whole runs)");
  await engineFiguresInChildren(report);
  console.log("\n== memory (child process)");
  for (const figure of await memoryFigures()) report(figure);
  console.log("\n== whole run: bench/whole-run.yaml through the scenario runner (the median of three child processes)");
  for (const figure of await wholeRunFigures()) report(figure);
  console.log("\n== trace reading: the DiskSim parser, 1M requests read and placed as a run does before its first I/O, and a 2M-line MSR Cambridge file read so (child process)");
  for (const figure of traceFigures()) report(figure);
  for (const figure of await traceFileFigures()) report(figure);
  console.log("\n== crash: the exhaustive campaign of each shipped crash scenario");
  for (const figure of crashFigures()) report(figure);
  console.log("\n== sweep: 24 points of the quickstart with 1 and with 2 worker threads");
  for (const figure of await sweepFigures()) report(figure);

  const totalMs = performance.now() - started;
  console.log(`\n== summary (total ${(totalMs / 1000).toFixed(1)} s)`);
  console.log(summaryTable(figures));
  writeJson(outPath, {
    kind: "cofwsim-bench",
    note: "wall-clock figures: machine- and load-dependent, not part of the deterministic results",
    startedAt: startedAt.toISOString(),
    totalWallMs: totalMs,
    environment: { node: process.version, platform: process.platform, arch: process.arch, cpus: cpus().length, cpuModel },
    figures: figures.map((figure) => ({ ...figure, met: met(figure) ?? null })),
  });
  console.log(`\nwritten to ${outPath}`);
}

// The benchmarks run in the runtime the command line gives a simulation (bin/heap-flags.ts).
const relaunchedStatus = await relaunchWithHeapFlags();
if (relaunchedStatus !== undefined) process.exit(relaunchedStatus);
main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
