/**
 * Zeller's delta debugging (ddmin), complement-only variant: remove chunks of
 * the failing input while the test still fails, refining the chunk size when
 * no chunk can go. The result is 1-minimal with respect to removing any one
 * chunk at the final granularity, and keeps the input's order (a shrunk
 * script must still be a subsequence of the original).
 */
export function ddmin<T>(items: readonly T[], fails: (candidate: readonly T[]) => boolean): T[] {
  let current = [...items];
  let granularity = 2;
  while (current.length >= 2) {
    const size = Math.ceil(current.length / granularity);
    let reduced = false;
    for (let start = 0; start < current.length; start += size) {
      const complement = [...current.slice(0, start), ...current.slice(start + size)];
      if (fails(complement)) {
        current = complement;
        granularity = Math.max(granularity - 1, 2);
        reduced = true;
        break;
      }
    }
    if (!reduced) {
      if (granularity >= current.length) break;
      granularity = Math.min(current.length, granularity * 2);
    }
  }
  if (current.length === 1 && fails([])) current = [];
  return current;
}
