/**
 * What a scenario file gets wrong, all of it at once: a user fixing a file
 * should see every problem in one run, each with where it is (file:line:column,
 * 1-based, as editors and compilers print them), the key path, what was
 * expected and what was found.
 */

/** The pseudo file name of problems in `--set` overrides; their line is the override's number (1 = the first --set). */
export const OVERRIDE_FILE = "<--set>";

export interface ScenarioProblem {
  /** The scenario file as the caller named it, or OVERRIDE_FILE. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  /** Where in the scenario, e.g. `workloads[0].iodepth`; empty for the file as a whole. */
  readonly path: string;
  /** What is wrong, e.g. "unknown key". */
  readonly message: string;
  readonly expected: string;
  readonly found: string;
  /** For an unknown key: the allowed key it most likely meant. */
  readonly suggestion?: string;
}

/** One line per problem, e.g. `quickstart.yaml:12:5: workloads[0].iodeph: unknown key; did you mean "iodepth"?`. */
export function formatProblem(problem: ScenarioProblem): string {
  const where = `${problem.file}:${problem.line}:${problem.column}: ${problem.path === "" ? "" : `${problem.path}: `}`;
  const detail = problem.suggestion === undefined ? `; expected ${problem.expected}, found ${problem.found}` : `; did you mean "${problem.suggestion}"?`;
  return `${where}${problem.message}${detail}`;
}

/** Problems in reading order: the file's, by position, then the overrides'. */
export function sortProblems(problems: readonly ScenarioProblem[]): ScenarioProblem[] {
  const rank = (problem: ScenarioProblem) => (problem.file === OVERRIDE_FILE ? 1 : 0);
  return [...problems].sort((a, b) => rank(a) - rank(b) || a.line - b.line || a.column - b.column || a.path.localeCompare(b.path));
}

/** A scenario that cannot be used, with every problem found in it. */
export class ScenarioError extends Error {
  override readonly name = "ScenarioError";
  readonly problems: readonly ScenarioProblem[];

  constructor(problems: readonly ScenarioProblem[]) {
    const sorted = sortProblems(problems);
    super(sorted.map(formatProblem).join("\n"));
    this.problems = sorted;
  }
}

/** `workloads[0].iodepth` from ["workloads", 0, "iodepth"]; keys that are not identifiers are quoted: `readPercentilesNs["99.9"]`. */
export function formatPath(path: ReadonlyArray<string | number | symbol>): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key === "string" && /^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key)) out += out === "" ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

/** Optimal string alignment distance (Damerau-Levenshtein with adjacent transpositions): "iodetph" is one edit from "iodepth". */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number) => d[i * cols + j] ?? 0;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      d[i * cols + j] = best;
    }
  }
  return at(a.length, b.length);
}

/** Case, '_' and '-' differences are not typos worth counting: random_distribution and randomDistribution are the same key to a reader. */
function canonical(key: string): string {
  return key.toLowerCase().replace(/[_-]/g, "");
}

/**
 * The allowed key an unknown one most likely meant, or undefined when none is
 * close: at most a third of the key's length in edits (at least one), so
 * short keys only match near-identical ones.
 */
export function suggestKey(unknown: string, allowed: readonly string[]): string | undefined {
  const wanted = canonical(unknown);
  const limit = Math.max(1, Math.floor(wanted.length / 3));
  let best: { key: string; distance: number } | undefined;
  for (const key of allowed) {
    const distance = editDistance(wanted, canonical(key));
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { key, distance };
  }
  return best?.key;
}
