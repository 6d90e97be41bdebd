import { foundNotUtf8, readFailure, readUtf8File } from "../text-file.js";
import { FioImportError } from "./fio-import-error.js";

/** The job file argument that means standard input, as in cat(1) and fio itself. */
export const STDIN_ARGUMENT = "-";
/** How problems name standard input: `<stdin>:3:1: unknown fio option`. */
export const STDIN_FILE_NAME = "<stdin>";

/** The name a job file argument goes by in messages: the path as given, or STDIN_FILE_NAME for "-". */
export function jobFileName(argument: string): string {
  return argument === STDIN_ARGUMENT ? STDIN_FILE_NAME : argument;
}

/**
 * A job file's text ("-" reads standard input to its end); one that cannot
 * be read, or is not UTF-8, is bad input said as the importer says its
 * problems.
 */
export function readFioJobFile(argument: string): string {
  const file = jobFileName(argument);
  let read: ReturnType<typeof readUtf8File>;
  try {
    read = readUtf8File(argument === STDIN_ARGUMENT ? 0 : argument);
  } catch (error) {
    throw new FioImportError(file, [{ fileName: file, line: 1, message: `cannot read the job file (${readFailure(error)}); expected a readable fio job file` }]);
  }
  if ("notUtf8" in read) {
    const { line, column } = read.notUtf8;
    throw new FioImportError(file, [{ fileName: file, line, column, message: `not UTF-8 text (${foundNotUtf8(read.notUtf8)}); expected a fio job file in UTF-8 (or ASCII)` }]);
  }
  return read.text;
}
