/**
 * Everything that stops a fio job file from being imported: syntax errors,
 * unknown options, values that do not parse, and options whose meaning the
 * simulator cannot reproduce. The importer collects every problem of a file
 * before throwing, so one run of `cofwsim import` shows them all.
 */

/** One problem at one line of the job file. */
export interface FioProblem {
  readonly fileName: string;
  /** 1-based line number in the job file. */
  readonly line: number;
  /** 1-based column of what the problem is about (an option's value, else its name; a section header's '['), when it is one place on the line. */
  readonly column?: number;
  readonly message: string;
}

export class FioImportError extends Error {
  readonly problems: readonly FioProblem[];

  constructor(
    readonly fileName: string,
    problems: readonly FioProblem[],
  ) {
    const sorted = sortProblems(problems);
    const count = sorted.length === 1 ? "1 problem" : `${sorted.length} problems`;
    super(`cannot import fio job file ${fileName} (${count}):\n${sorted.map((problem) => `  ${formatFioProblem(problem)}`).join("\n")}`);
    this.name = "FioImportError";
    this.problems = sorted;
  }
}

export function formatFioProblem(problem: FioProblem): string {
  return `${problem.fileName}:${problem.line}${problem.column === undefined ? "" : `:${problem.column}`}: ${problem.message}`;
}

/** By line, column, then text; a [global] option shared by several jobs is reported once. */
function sortProblems(problems: readonly FioProblem[]): FioProblem[] {
  const seen = new Set<string>();
  const unique: FioProblem[] = [];
  for (const problem of problems) {
    const key = `${problem.line}\u0000${problem.column ?? 0}\u0000${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(problem);
  }
  return unique.sort((a, b) => a.line - b.line || (a.column ?? 0) - (b.column ?? 0) || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
}
