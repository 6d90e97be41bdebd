import type * as hdr from "hdr-histogram-js";

/** A percentile as the runner reads it (LatencyHistogram): HDR's, kept within the smallest and largest values recorded (0 when empty). */
export function clampedPercentile(histogram: hdr.Histogram, percentile: number): number {
  if (histogram.totalCount === 0) return 0;
  return Math.max(histogram.minNonZeroValue, Math.min(histogram.maxValue, histogram.getValueAtPercentile(percentile)));
}
