import { jsonSyntaxError } from "../scenarios/schema/json-syntax.js";
import { foundNotUtf8, readFailure, readUtf8File } from "../scenarios/text-file.js";

/**
 * A JSON file the commands read back (a gate baseline, a sweep's
 * sweep.json), parsed, or why it is not one, located at its line and column
 * with what was expected there: JSON.parse says at best "position 1", and
 * Node's "utf8" reading turns bytes that are not UTF-8 into replacement
 * characters that JSON.parse then quotes back at the user. `expected` says
 * what the file should be ("a gate baseline written by --update-baseline").
 */
export function readJsonFile(path: string, expected: string): { readonly json: unknown; readonly text: string } | { readonly problem: string } {
  let read: ReturnType<typeof readUtf8File>;
  try {
    read = readUtf8File(path);
  } catch (error) {
    return { problem: `cannot read ${path} (${readFailure(error)}); expected ${expected}` };
  }
  if ("notUtf8" in read) {
    const { line, column } = read.notUtf8;
    return { problem: `${path}:${line}:${column}: not UTF-8 text; expected ${expected}, in UTF-8, found ${foundNotUtf8(read.notUtf8)}` };
  }
  const parsed = parseJsonText(read.text, path, expected);
  return "problem" in parsed ? parsed : { json: parsed.json, text: read.text };
}

/** As readJsonFile, for text already read from `source`. */
export function parseJsonText(text: string, source: string, expected: string): { readonly json: unknown } | { readonly problem: string } {
  const syntax = jsonSyntaxError(text);
  if (syntax !== undefined) {
    const before = text.slice(0, syntax.offset).split("\n");
    return { problem: `${source}:${before.length}:${before.at(-1)!.length + 1}: not JSON, as ${expected} must be: ${syntax.problem}; expected ${syntax.expected}` };
  }
  // The syntax check takes a byte order mark, as RFC 8259 lets a reader; JSON.parse does not.
  return { json: JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as unknown };
}
