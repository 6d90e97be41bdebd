/**
 * A fio job file given where a scenario is expected (`cofwsim run job.fio`)
 * was refused as YAML at its first `rw=...` line, which says what is wrong
 * with the text but not what to do. Such a file is refused with the two ways
 * to run it as well: `cofwsim import`, or a scenario that names it.
 */
import { basename, extname } from "node:path";
import { readFioJobFile } from "../fio/parse-job-file.js";
import { ScenarioError, type ScenarioProblem } from "./problems.js";

/**
 * What shows a file to be a fio job file: its sections, when it reads whole
 * as one (sections of name=value options, no syntax problem), or its .fio
 * name; undefined when neither does.
 */
export function fioJobFileEvidence(fileName: string, text: string): string | undefined {
  const { file, problems } = readFioJobFile(text, fileName);
  const sections = file.sections.map((section) => `[${section.name}]`);
  if (problems.length === 0 && sections.length > 0) return `the fio job ${sections.length === 1 ? "section" : "sections"} ${sections.slice(0, 3).join(", ")}${sections.length > 3 ? ", ..." : ""}`;
  return extname(fileName).toLowerCase() === ".fio" ? "a file named .fio" : undefined;
}

export function fioJobFileProblem(fileName: string, evidence: string): ScenarioProblem {
  return {
    file: fileName,
    line: 1,
    column: 1,
    path: "",
    message: "a fio job file, not a scenario",
    expected: `a scenario (YAML or JSON): \`cofwsim import ${fileName}\` prints one that runs its jobs, or a scenario's workloads can name the job file as { kind: fio, path: ${basename(fileName)} } (a path relative to the scenario's directory)`,
    found: evidence,
  };
}

/** `error` with the fio job file problem first, when it refuses a file that is one; else `error` itself. */
export function withFioJobFileHint(error: unknown, fileName: string, text: string): unknown {
  if (!(error instanceof ScenarioError)) return error;
  const evidence = fioJobFileEvidence(fileName, text);
  return evidence === undefined ? error : new ScenarioError([fioJobFileProblem(fileName, evidence), ...error.problems]);
}
