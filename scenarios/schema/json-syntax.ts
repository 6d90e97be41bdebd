/**
 * Strict JSON syntax (RFC 8259) for scenario files named .json. The loader
 * reads every scenario through the YAML parser, which gives line and column
 * to every value; but YAML also takes what JSON does not (a trailing comma, a
 * comment, an unquoted key, a single-quoted string), so a .json file that
 * other JSON tools refuse would pass. This checks the text as JSON first and
 * says where it stops being JSON; JSON.parse cannot, as V8's messages give a
 * position only for some errors.
 */

/** Where the text stops being JSON: a UTF-16 offset into it, what is wrong there and what would have been accepted. */
export interface JsonSyntaxError {
  readonly offset: number;
  readonly problem: string;
  readonly expected: string;
}

class Failure {
  constructor(readonly error: JsonSyntaxError) {}
}

const WHITESPACE = new Set([" ", "\t", "\n", "\r"]);
const NUMBER = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
const ESCAPE = /\\(["\\/bfnrt]|u[0-9a-fA-F]{4})/y;

/** The first place `text` is not one JSON value, or undefined when it is. */
export function jsonSyntaxError(text: string): JsonSyntaxError | undefined {
  // RFC 8259 lets a reader ignore a byte order mark, which editors on Windows write; the YAML reader does too.
  let at = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const fail = (problem: string, expected: string, offset = at): never => {
    throw new Failure({ offset, problem, expected });
  };
  const skipWhitespace = () => {
    while (at < text.length && WHITESPACE.has(text[at]!)) at++;
  };
  const describe = () => (at >= text.length ? "the end of the file" : JSON.stringify(text[at]));

  const string = () => {
    at++; // the opening quote
    for (;;) {
      const char = text[at];
      if (char === undefined || char === "\n") fail("a string is not closed on its line", 'a closing "');
      if (char === '"') {
        at++;
        return;
      }
      if (char === "\\") {
        ESCAPE.lastIndex = at;
        if (!ESCAPE.test(text)) fail("an escape JSON does not have", 'one of \\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX');
        at = ESCAPE.lastIndex;
      } else if (char! < " ") {
        fail("a control character inside a string", "it written as an escape such as \\t");
      } else at++;
    }
  };

  const value = (): void => {
    skipWhitespace();
    const char = text[at];
    if (char === "{") return object();
    if (char === "[") return array();
    if (char === '"') return string();
    for (const literal of ["true", "false", "null"]) {
      if (text.startsWith(literal, at)) {
        at += literal.length;
        return;
      }
    }
    NUMBER.lastIndex = at;
    if (char !== undefined && /[-\d]/.test(char) && NUMBER.test(text)) {
      at = NUMBER.lastIndex;
      return;
    }
    const hint = char === "'" ? " (JSON strings take double quotes)" : char === "/" || char === "#" ? " (JSON has no comments)" : "";
    fail(`${describe()} is not a JSON value${hint}`, "a value: an object, a list, a double-quoted string, a number, true, false or null");
  };

  /** After a value in an object or list: a comma and another, or the end; a comma right before the end is JSON's most common slip. */
  const members = (close: "}" | "]", member: () => void) => {
    at++; // the opening bracket
    skipWhitespace();
    if (text[at] === close) {
      at++;
      return;
    }
    for (;;) {
      member();
      skipWhitespace();
      if (text[at] === close) {
        at++;
        return;
      }
      if (text[at] !== ",") fail(`${describe()} after a ${close === "}" ? "member" : "list item"}`, `"," or "${close}"`);
      const comma = at;
      at++;
      skipWhitespace();
      if (text[at] === close) fail(`a trailing comma before "${close}"`, `another ${close === "}" ? "member" : "item"} after the comma, or no comma`, comma);
    }
  };

  const object = () =>
    members("}", () => {
      skipWhitespace();
      if (text[at] !== '"') fail(`${describe()} where a key starts`, 'a key in double quotes, such as "devices"');
      string();
      skipWhitespace();
      if (text[at] !== ":") fail(`${describe()} after a key`, '":"');
      at++;
      value();
    });

  const array = () => members("]", value);

  try {
    value();
    skipWhitespace();
    if (at < text.length) fail(`${describe()} after the document's value`, "the end of the file: a JSON file holds one value");
    return undefined;
  } catch (error) {
    if (error instanceof Failure) return error.error;
    throw error;
  }
}
