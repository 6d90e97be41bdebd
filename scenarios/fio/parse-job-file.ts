/**
 * Reads a fio job file into sections and options, keeping line numbers. This
 * is only the INI layer (fio's __parse_jobs_ini in init.c and
 * strip_blank_end in parse.c); what the options mean is import-job-file.ts's
 * business. The rules follow fio:
 *
 * - Every line is trimmed. A `;` or `#` anywhere ends the line's content, as
 *   in fio, which cuts at the first of either; so `bs=4k ; small blocks` is
 *   `bs=4k`, and a line that starts with one is a comment.
 * - `[name]` starts a section. A section whose name begins with "global" is a
 *   global section (fio compares the first six characters, case and all:
 *   [Global] is a job named Global); it sets defaults
 *   for the job sections below it, and there may be several.
 * - `name=value` sets an option; `name` alone is an option without a value
 *   (`time_based`, `norandommap`). Options before the first section are an
 *   error, as in fio.
 *
 * Refused here because the text alone does not say what they mean:
 * `include file` (the import reads one file; fio would read another from
 * disk), `${VAR}` environment substitutions and fio's `$pagesize`,
 * `$mb_memory`, `$ncpus` keywords (they depend on the machine fio runs on).
 */
import { FioImportError, type FioProblem } from "./fio-import-error.js";

export interface FioOptionLine {
  /** The option's name as written (not resolved to an alias). */
  readonly name: string;
  /** The text after '=', trimmed; undefined when the line has no '='. */
  readonly value: string | undefined;
  readonly line: number;
  /** 1-based column where the name starts, and where the value starts (when it has one that is not empty). */
  readonly column: number;
  readonly valueColumn?: number;
}

export interface FioSection {
  readonly name: string;
  /** Line of the `[name]` header. */
  readonly line: number;
  readonly isGlobal: boolean;
  readonly options: readonly FioOptionLine[];
}

export interface FioJobFile {
  readonly fileName: string;
  readonly sections: readonly FioSection[];
}

const OPTION_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const ENVIRONMENT_VARIABLE = /\$\{([^}]*)\}/;
const FIO_KEYWORD = /\$(pagesize|mb_memory|ncpus)\b/;

interface OpenSection {
  readonly name: string;
  readonly line: number;
  readonly isGlobal: boolean;
  readonly options: FioOptionLine[];
}

/** Throws FioImportError listing every syntax problem in the file. */
export function parseFioJobFile(text: string, fileName: string): FioJobFile {
  const { file, problems } = readFioJobFile(text, fileName);
  if (problems.length > 0) throw new FioImportError(fileName, problems);
  return file;
}

/**
 * The sections that parse, and the syntax problems, for a caller that goes on
 * to check options and reports everything together (the options of a broken
 * section header are left out, so they add no problems of their own).
 */
export function readFioJobFile(text: string, fileName: string): { readonly file: FioJobFile; readonly problems: readonly FioProblem[] } {
  const problems: FioProblem[] = [];
  const fail = (line: number, message: string, column?: number): void => {
    problems.push({ fileName, line, message, ...(column === undefined ? {} : { column }) });
  };
  const sections: OpenSection[] = [];
  // "broken" after a header that did not parse: its options are skipped, the header was reported.
  let current: OpenSection | "broken" | undefined;

  text.split(/\r\n|\n|\r/).forEach((rawLine, index) => {
    const line = index + 1;
    const content = stripComment(rawLine).trim();
    if (content === "") return;
    // Where the trimmed content starts on the line, 1-based: every column below is relative to it.
    const column = rawLine.length - rawLine.trimStart().length + 1;

    if (content.startsWith("[")) {
      if (!content.endsWith("]")) {
        fail(line, `section header "${content}": expected ']' at the end of the line, as in [job-name]`, column);
        current = "broken";
        return;
      }
      const name = content.slice(1, -1).trim();
      if (name === "") {
        fail(line, "empty section header []: expected a job name or global inside the brackets", column);
        current = "broken";
        return;
      }
      current = { name, line, isGlobal: name.startsWith("global"), options: [] };
      sections.push(current);
      return;
    }

    if (/^include\s/.test(content) || content === "include") {
      fail(line, `"${content}": include directives are not supported; the importer reads one file, so copy the included options into this one`, column);
      return;
    }

    const equals = content.indexOf("=");
    const name = (equals < 0 ? content : content.slice(0, equals)).trim();
    const value = equals < 0 ? undefined : content.slice(equals + 1).trim();
    const afterEquals = equals < 0 ? "" : content.slice(equals + 1);
    const valueColumn = value === undefined || value === "" ? undefined : column + equals + 1 + (afterEquals.length - afterEquals.trimStart().length);
    if (name === "") {
      fail(line, `"${content}": expected an option name before '=', as in bs=4k`, column);
      return;
    }
    if (!OPTION_NAME.test(name)) {
      fail(line, `"${content}": expected an option as name=value or a bare name such as time_based; "${name}" is not an option name`, column);
      return;
    }
    if (current === "broken") return;
    if (current === undefined) {
      fail(line, `option "${name}" outside of any section: fio requires options inside a [global] or [job-name] section`, column);
      return;
    }
    if (value !== undefined) {
      const variable = ENVIRONMENT_VARIABLE.exec(value);
      if (variable !== null) {
        fail(line, `${name}=${value}: fio substitutes \${${variable[1] ?? ""}} from the environment of the machine it runs on; write the value itself so the import does not depend on that environment`, valueColumn);
        return;
      }
      const keyword = FIO_KEYWORD.exec(value);
      if (keyword !== null) {
        fail(line, `${name}=${value}: $${keyword[1] ?? ""} is the value of the machine fio runs on; write the value itself`, valueColumn);
        return;
      }
    }
    current.options.push({ name, value, line, column, ...(valueColumn === undefined ? {} : { valueColumn }) });
  });

  return { file: { fileName, sections }, problems };
}

/** fio cuts a line at its first ';' and then at its first '#' (parse.c, strip_blank_end). */
function stripComment(line: string): string {
  const semicolon = line.indexOf(";");
  const beforeSemicolon = semicolon < 0 ? line : line.slice(0, semicolon);
  const hash = beforeSemicolon.indexOf("#");
  return hash < 0 ? beforeSemicolon : beforeSemicolon.slice(0, hash);
}
