/**
 * "Did you mean" for option names and values: the candidate with the fewest
 * single-character edits (Levenshtein distance, as fio's own string_distance
 * in parse.c), if it is close enough to be a likely typo.
 */
export function closestName(text: string, candidates: readonly string[]): string | undefined {
  const lower = text.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  // Up to a third of the length, at least one edit: "iodepht" -> "iodepth", but not "bs" -> "rw".
  return bestDistance <= Math.max(1, Math.floor(text.length / 3)) ? best : undefined;
}

/** "; did you mean X?" or nothing. */
export function didYouMean(text: string, candidates: readonly string[]): string {
  const close = closestName(text, candidates);
  return close === undefined || close === text ? "" : `; did you mean ${close}?`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
