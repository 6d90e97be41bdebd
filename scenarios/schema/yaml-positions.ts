/**
 * From a key path (as zod reports it) to a line and column in the YAML/JSON
 * source, using the parsed document's node ranges. Nodes put in by `--set`
 * overrides carry no range in the file; they are registered as `origins` and
 * located in their override argument instead.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, type Document, type Node, type Pair } from "yaml";
import { OVERRIDE_FILE } from "./problems.js";

export interface SourcePosition {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** Nodes (and pair keys) created by overrides: which override (1-based line of OVERRIDE_FILE) and where in it. */
export type OverrideOrigins = WeakMap<object, { readonly line: number; readonly column: number }>;

export type KeyPath = ReadonlyArray<string | number>;

export function findPair(map: { readonly items: ReadonlyArray<Pair<unknown, unknown>> }, key: string | number): Pair<unknown, unknown> | undefined {
  return map.items.find((pair) => {
    const k = pair.key;
    const value = isScalar(k) ? k.value : k;
    return value !== null && typeof value !== "object" && String(value) === String(key);
  });
}

/**
 * Where each line of `text` starts, counted from the text itself. The parser's
 * own lineCounter misses the line breaks inside a multi-line scalar it meets
 * where no value may start (a line moved above `devices:` runs into the next
 * one), and every error after that was placed on an earlier line, past its end.
 */
function lineStarts(text: string): LineCounter {
  const lines = new LineCounter();
  lines.addNewLine(0);
  for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) lines.addNewLine(at + 1);
  return lines;
}

export class DocumentPositions {
  private readonly lineCounter: LineCounter;

  constructor(
    private readonly document: Document,
    text: string,
    private readonly fileName: string,
    private readonly origins: OverrideOrigins,
  ) {
    this.lineCounter = lineStarts(text);
  }

  /** Where `offset` (into the file's text) is. */
  atOffset(offset: number): SourcePosition {
    const { line, col } = this.lineCounter.linePos(offset);
    return { file: this.fileName, line, column: col };
  }

  private nodePosition(node: unknown): SourcePosition | undefined {
    if (node === null || typeof node !== "object") return undefined;
    const origin = this.origins.get(node);
    if (origin !== undefined) return { file: OVERRIDE_FILE, ...origin };
    const range = (node as Partial<Node>).range;
    return range === undefined || range === null ? undefined : this.atOffset(range[0]);
  }

  /**
   * The position of the node at `path`: its key when `target` is "key", else
   * its value. Where the path leaves the document (a missing key, or a
   * position inside a scalar such as one entry of a bssplit string), the
   * deepest node on the way: for a missing key, its parent object.
   */
  locate(path: KeyPath, target: "key" | "value"): SourcePosition {
    const fallback: SourcePosition = { file: this.fileName, line: 1, column: 1 };
    let best = this.nodePosition(this.document.contents) ?? fallback;
    let node: unknown = this.document.contents;
    for (const [index, key] of path.entries()) {
      if (isAlias(node)) node = node.resolve(this.document);
      let next: unknown;
      if (isMap(node)) {
        const pair = findPair(node, key);
        if (pair === undefined) return best;
        const keyPosition = this.nodePosition(pair.key);
        if (index === path.length - 1 && target === "key") return keyPosition ?? best;
        next = pair.value;
        // `key:` with nothing after it has an empty null node where the value would be; the key is the better place to
        // point. Not so for an empty value a --set put there (`key=`): it is the override's, and located in it.
        const empty = next === null || (isScalar(next) && next.value === null && !this.origins.has(next));
        best = (empty ? keyPosition : this.nodePosition(next)) ?? keyPosition ?? best;
      } else if (isSeq(node)) {
        const item = typeof key === "number" || /^\d+$/.test(key) ? node.items[Number(key)] : undefined;
        if (item === undefined) return best;
        next = item;
        best = this.nodePosition(next) ?? best;
      } else {
        return best;
      }
      node = next;
    }
    return best;
  }
}
