import fc from "fast-check";

/**
 * The slips every fuzz test of a text format makes, wherever they land: a
 * character inserted, replaced or deleted; a line deleted, duplicated or
 * swapped with another; CRLF line ends; a byte order mark. Each format's test
 * adds the edits that know its syntax (a scalar, an option's value).
 */
export type TextEdit =
  | { readonly kind: "insert" | "replace"; readonly at: number; readonly slip: string }
  | { readonly kind: "delete" | "delete-line" | "duplicate-line" | "crlf" | "bom"; readonly at: number }
  | { readonly kind: "swap-lines"; readonly at: number; readonly other: number };

/** A TextEdit whose inserted or replacing character is one of `slips`. */
export function textEdit(slips: readonly string[]): fc.Arbitrary<TextEdit> {
  return fc.oneof(
    fc.record({ kind: fc.constantFrom("insert" as const, "replace" as const), at: fc.nat(), slip: fc.constantFrom(...slips) }),
    fc.record({ kind: fc.constantFrom("delete" as const, "delete-line" as const, "duplicate-line" as const, "crlf" as const, "bom" as const), at: fc.nat() }),
    fc.record({ kind: fc.constant("swap-lines" as const), at: fc.nat(), other: fc.nat() }),
  );
}

/** `text` with the edit made; positions wrap around the text's length (or its number of lines). */
export function applyTextEdit(text: string, e: TextEdit): string {
  const lines = text.split("\n");
  switch (e.kind) {
    case "insert": {
      const i = e.at % (text.length + 1);
      return text.slice(0, i) + e.slip + text.slice(i);
    }
    case "replace":
    case "delete": {
      const i = e.at % Math.max(1, text.length);
      return text.slice(0, i) + (e.kind === "replace" ? e.slip : "") + text.slice(i + 1);
    }
    case "crlf":
      return text.replace(/\r?\n/g, "\r\n");
    case "bom":
      return `\ufeff${text}`;
    case "delete-line":
      lines.splice(e.at % lines.length, 1);
      return lines.join("\n");
    case "duplicate-line": {
      const i = e.at % lines.length;
      lines.splice(i, 0, lines[i] ?? "");
      return lines.join("\n");
    }
    case "swap-lines": {
      const i = e.at % lines.length;
      const j = e.other % lines.length;
      [lines[i], lines[j]] = [lines[j] ?? "", lines[i] ?? ""];
      return lines.join("\n");
    }
  }
}
