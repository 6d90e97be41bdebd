#!/usr/bin/env node
import { relaunchWithHeapFlags, simulates } from "./heap-flags.js";

// The command line proper is loaded only in the process that runs it, not in the one that relaunches with the heap flags.
if (simulates(process.argv.slice(2))) {
  const relaunchedStatus = await relaunchWithHeapFlags();
  if (relaunchedStatus !== undefined) process.exit(relaunchedStatus);
}
await import("./cli.js");
