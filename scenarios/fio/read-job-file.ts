import { foundNotUtf8, readUtf8File } from "../text-file.js";
import { FioImportError } from "./fio-import-error.js";

/** A job file's text; one that cannot be read, or is not UTF-8, is bad input said as the importer says its problems. */
export function readFioJobFile(file: string): string {
  let read: ReturnType<typeof readUtf8File>;
  try {
    read = readUtf8File(file);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "EISDIR" ? "it is a directory" : error instanceof Error ? error.message : String(error);
    throw new FioImportError(file, [{ fileName: file, line: 1, message: `cannot read the job file (${reason}); expected a readable fio job file` }]);
  }
  if ("notUtf8" in read) {
    const { line, column } = read.notUtf8;
    throw new FioImportError(file, [{ fileName: file, line, column, message: `not UTF-8 text (${foundNotUtf8(read.notUtf8)}); expected a fio job file in UTF-8 (or ASCII)` }]);
  }
  return read.text;
}
