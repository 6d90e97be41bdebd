import type { RwMode } from "../model.js";

/**
 * The directions a job issues: one for read/randread and write/randwrite,
 * both for rw/randrw unless rwmixread leaves one out (100 or 0). The
 * directions that need a rate_iops, and the arrival streams of a rated job.
 */
export function issuedDirections(rw: RwMode, readPercent: number): Array<"read" | "write"> {
  if (rw === "read" || rw === "randread") return ["read"];
  if (rw === "write" || rw === "randwrite") return ["write"];
  return readPercent === 100 ? ["read"] : readPercent === 0 ? ["write"] : ["read", "write"];
}
