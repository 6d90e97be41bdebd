/**
 * `--set path=value` overrides, applied to the parsed YAML document before
 * validation so an overridden value is checked exactly like one written in the
 * file. The path uses dots for keys and [n] for list entries
 * (`workloads[0].iodepth`; a key that is not a plain word is quoted:
 * `devices.cache.readPercentilesNs["99.9"]`); the value is YAML, so
 * `engine.chunkSize=256KiB` sets a string, `stop.hostIos=1000` a number, and
 * `sessions[0]={at: 5ms, action: start, slot: 0}` an object. Missing objects
 * on the way are created, and index n of a list of n entries appends one.
 * A path through a YAML alias changes the alias's own copy of the anchored
 * node, never the anchor (nor the other aliases of it).
 *
 * Problems are located in the argument: file OVERRIDE_FILE, line = which
 * --set (1 = the first), column = position in that argument.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, Pair, parseDocument, Scalar, visit, YAMLMap, YAMLSeq, type Document } from "yaml";
import { formatPath, OVERRIDE_FILE, ScenarioError, type ScenarioProblem } from "./problems.js";
import { ALIAS_SUFFIXES } from "./scenario-schema.js";
import { describeValue } from "./units.js";
import { findPair, type OverrideOrigins } from "./yaml-positions.js";

interface Segment {
  readonly key: string | number;
  /** 1-based column of the segment in the argument. */
  readonly column: number;
}

export interface ParsedOverride {
  readonly segments: readonly Segment[];
  readonly valueText: string;
  /** 1-based column where the value starts. */
  readonly valueColumn: number;
}

/** A malformed override or one that cannot be applied, with its column in the argument. */
export class OverrideProblem {
  constructor(
    readonly column: number,
    readonly path: string,
    readonly message: string,
    readonly expected: string,
    readonly found: string,
  ) {}

  toProblem(line: number): ScenarioProblem {
    return { file: OVERRIDE_FILE, line, column: this.column, path: this.path, message: this.message, expected: this.expected, found: this.found };
  }
}

const KEY_CHAR = /[^.[\]=\s"']/;
const SYNTAX = 'path=value, such as engine.chunkSize=256KiB or workloads[0].iodepth=8';

function foundAt(text: string, index: number): string {
  return index >= text.length ? "the end of the argument" : JSON.stringify(text.slice(index, index + 12));
}

/** Splits `a.b[0]["c.d"]=value` into key segments and the value text. */
export function parseOverride(text: string): ParsedOverride | OverrideProblem {
  const segments: Segment[] = [];
  let i = 0;
  const path = () => formatPath(segments.map((segment) => segment.key));
  const word = (): Segment | OverrideProblem => {
    const start = i;
    while (i < text.length && KEY_CHAR.test(text.charAt(i))) i++;
    if (i === start) return new OverrideProblem(start + 1, path(), "expected a key name", SYNTAX, foundAt(text, start));
    return { key: text.slice(start, i), column: start + 1 };
  };
  const first = word();
  if (first instanceof OverrideProblem) return first;
  segments.push(first);
  while (i < text.length && text.charAt(i) !== "=") {
    const char = text.charAt(i);
    if (char === ".") {
      i++;
      const next = word();
      if (next instanceof OverrideProblem) return next;
      segments.push(next);
    } else if (char === "[") {
      const start = i;
      i++;
      const quote = text.charAt(i);
      if (quote === '"' || quote === "'") {
        const end = text.indexOf(quote, i + 1);
        if (end < 0 || text.charAt(end + 1) !== "]") return new OverrideProblem(start + 1, path(), "unterminated quoted key", `["key"] or ['key']`, foundAt(text, start));
        segments.push({ key: text.slice(i + 1, end), column: start + 1 });
        i = end + 2;
      } else {
        const match = /^(\d+)\]/.exec(text.slice(i));
        if (match === null || match[1] === undefined) return new OverrideProblem(start + 1, path(), "expected a list index", '[n] with n a whole number, or ["key"]', foundAt(text, start));
        segments.push({ key: Number(match[1]), column: start + 1 });
        i += match[0].length;
      }
    } else {
      return new OverrideProblem(i + 1, path(), `unexpected ${JSON.stringify(char)} in the path`, `".key", "[n]" or "=" (${SYNTAX})`, foundAt(text, i));
    }
  }
  if (i >= text.length) return new OverrideProblem(text.length + 1, path(), 'missing "=" and a value', SYNTAX, "the end of the argument");
  return { segments, valueText: text.slice(i + 1), valueColumn: i + 2 };
}

/** Marks a node from an override's value, and everything in it, as coming from that override. */
function registerValue(node: unknown, line: number, valueColumn: number, origins: OverrideOrigins): void {
  if (node === null || typeof node !== "object") return;
  const range = (node as { range?: readonly number[] | null }).range;
  origins.set(node, { line, column: valueColumn + (range?.[0] ?? 0) });
  if (isMap(node) || isSeq(node)) {
    for (const item of node.items) {
      if (isPair(item)) {
        registerValue(item.key, line, valueColumn, origins);
        registerValue(item.value, line, valueColumn, origins);
      } else {
        registerValue(item, line, valueColumn, origins);
      }
    }
  }
}

function kindOf(node: unknown): string {
  if (isMap(node)) return "an object";
  if (isSeq(node)) return `a list of ${node.items.length}`;
  if (isScalar(node)) return describeValue(node.value);
  return "a value";
}

/**
 * What a path through an alias leads to, made the alias's own: `cache: *disk`
 * becomes a copy of the anchored node, so that an override under it changes
 * the cache, not the anchored source as well. The copy carries no anchors, so
 * later aliases still mean what they meant. Anything else is returned as is.
 */
function ownCopy(node: unknown, document: Document, put: (copy: unknown) => void): unknown {
  if (!isAlias(node)) return node;
  const target = node.resolve(document);
  // An alias to nothing is left for the loader to report.
  if (target === undefined) return node;
  const copy = target.clone() as typeof target;
  visit(copy, {
    Node(_key, inner) {
      delete inner.anchor;
    },
  });
  put(copy);
  return copy;
}

/** A key without its unit suffix (see ALIAS_SUFFIXES): the setting both its spellings set, `chunkSize` for `chunkSizeBytes`. */
export function settingOfKey(key: string): string {
  const suffix = ALIAS_SUFFIXES.find((candidate) => key.length > candidate.length && key.endsWith(candidate));
  return suffix === undefined ? key : key.slice(0, -suffix.length);
}

/**
 * Removes from `map` the keys that set what `key` sets in another spelling
 * (`chunkSize` for `chunkSizeBytes`, and the reverse): an override replaces
 * the file's value whichever spelling either uses. Left, the two were
 * refused as setting the same thing, so `--set engine.chunkSizeBytes=256KiB`
 * failed on any scenario that writes `chunkSize`.
 */
function removeOtherSpellings(map: YAMLMap, key: string): void {
  const setting = settingOfKey(key);
  map.items = map.items.filter((pair) => {
    const other = isScalar(pair.key) ? pair.key.value : pair.key;
    return typeof other !== "string" || other === key || settingOfKey(other) !== setting;
  });
}

/** What a --set path is expected to be where a segment does not fit the document. */
const A_PATH = "a path through objects and lists of the scenario";

/**
 * Applies one override to the document. `line` is its number among the
 * overrides (1-based), used to locate problems and the nodes it creates.
 */
export function applyOverride(document: Document, text: string, line: number, origins: OverrideOrigins): OverrideProblem[] {
  const parsed = parseOverride(text);
  if (parsed instanceof OverrideProblem) return [parsed];
  const { segments, valueText, valueColumn } = parsed;

  const valueLines = new LineCounter();
  const valueDocument = parseDocument(valueText, { lineCounter: valueLines, prettyErrors: false, uniqueKeys: true });
  const path = formatPath(segments.map((segment) => segment.key));
  if (valueDocument.errors.length > 0) {
    return valueDocument.errors.map((error) => new OverrideProblem(valueColumn + (error.pos[0] ?? 0), path, `the value is not valid YAML: ${error.message}`, "a YAML value, such as 64KiB, 1000 or {a: 1}", JSON.stringify(valueText)));
  }
  const value: unknown = valueDocument.contents ?? new Scalar(null);
  registerValue(value, line, valueColumn, origins);

  if (document.contents === null || document.contents === undefined) document.contents = new YAMLMap();
  let node: unknown = document.contents;
  for (const [index, segment] of segments.entries()) {
    const last = index === segments.length - 1;
    const following = segments[index + 1];
    const here = formatPath(segments.slice(0, index).map((s) => s.key));
    // A container for the next segment, created where the path runs out of document; located at the key that holds it.
    const create = (): YAMLMap | YAMLSeq => {
      const container = typeof following?.key === "number" ? new YAMLSeq() : new YAMLMap();
      origins.set(container, { line, column: segment.column });
      return container;
    };
    const child = last ? value : undefined;
    /** The problem of a segment the node it reaches cannot hold: `node` is of another kind, `why` says what it lacks. */
    const wrongKind = (why: string, expected: string, found: string): OverrideProblem[] => [
      new OverrideProblem(segment.column, here, `${here === "" ? "the scenario" : here} is ${kindOf(node)}, ${why}`, expected, found),
    ];

    if (typeof segment.key === "string") {
      if (isSeq(node) && /^\d+$/.test(segment.key)) {
        // `workloads.0.bs`: a dotted index, as other tools spell it; the message shows this one's spelling.
        const bracketed = `${here}[${segment.key}]`;
        return wrongKind("whose entries are written with brackets", `${bracketed} (${A_PATH})`, `${here}.${segment.key}`);
      }
      if (!isMap(node)) {
        return wrongKind(`not an object, so it has no key "${segment.key}"`, A_PATH, kindOf(node));
      }
      if (last) removeOtherSpellings(node, segment.key);
      let pair = findPair(node, segment.key);
      if (pair === undefined) {
        const key = new Scalar(segment.key);
        origins.set(key, { line, column: segment.column });
        pair = new Pair(key, child ?? create());
        node.items.push(pair);
      } else if (last) {
        pair.value = value;
      } else if (pair.value === null || (isScalar(pair.value) && pair.value.value === null)) {
        pair.value = create();
      }
      const holder = pair;
      node = ownCopy(pair.value, document, (copy) => {
        holder.value = copy;
      });
    } else {
      if (!isSeq(node)) {
        return wrongKind(`not a list, so it has no entry [${segment.key}]`, A_PATH, kindOf(node));
      }
      if (segment.key > node.items.length) {
        return [new OverrideProblem(segment.column, here, `index ${segment.key} is beyond the end of the list`, `an index from 0 to ${node.items.length} (${node.items.length} appends)`, String(segment.key))];
      }
      if (segment.key === node.items.length) node.items.push(child ?? create());
      else if (last) node.items[segment.key] = value;
      const list = node, position = segment.key;
      node = ownCopy(list.items[position], document, (copy) => {
        list.items[position] = copy;
      });
    }
  }
  return [];
}

/** The path an override sets, as formatPath writes it, or undefined when it does not parse (applying it says why). */
export function overridePath(text: string): string | undefined {
  const parsed = parseOverride(text);
  return parsed instanceof OverrideProblem ? undefined : formatPath(parsed.segments.map((segment) => segment.key));
}

/** A formatted path's segments: an index or quoted key in brackets (left as it is), or a key written plainly (group 2). */
const PATH_SEGMENT = /\[(?:\d+|"(?:[^"\\]|\\.)*")\]|(^|\.)([A-Za-z_$][A-Za-z0-9_$-]*)/g;

/**
 * A path as formatPath writes it, each plain key named by the setting it
 * sets (`engine.chunkSize` for `engine.chunkSizeBytes`, and
 * `devices.cache.percentiles["99"]` for `devices.cache.percentilesNs["99"]`):
 * either spelling replaces the other (see removeOtherSpellings). A quoted
 * key is a table's entry, never a spelling.
 */
export function settingPath(path: string): string {
  return path.replace(PATH_SEGMENT, (segment: string, dot: string | undefined, key: string | undefined) => (key === undefined ? segment : `${dot ?? ""}${settingOfKey(key)}`));
}

/** Whether setting `later` replaces what setting `earlier` did: the same setting (in either spelling), or one that holds it. */
export function overwrites(later: string, earlier: string): boolean {
  const replacing = settingPath(later);
  const replaced = settingPath(earlier);
  return replacing === replaced || replaced.startsWith(`${replacing}.`) || replaced.startsWith(`${replacing}[`);
}

/**
 * The user's --set overrides that would drop an earlier one without a word:
 * applied in order, `--set stop.hostIos=1 --set stop.hostIos=2` ran 2, and
 * `--set stop.hostIos=1 --set 'stop={runtime: 1s}'` lost the host I/Os. One
 * below an earlier one's path (`--set 'stop={...}' --set stop.hostIos=2`)
 * refines it and is kept. Throws ScenarioError at the later --set.
 */
export function refuseOverwrittenOverrides(overrides: readonly string[]): void {
  const paths = overrides.map(overridePath);
  const problems: ScenarioProblem[] = [];
  paths.forEach((path, index) => {
    if (path === undefined) return;
    const earlier = paths.findIndex((other, j) => j < index && other !== undefined && overwrites(path, other));
    if (earlier < 0) return;
    const other = paths[earlier]!;
    const what = settingPath(other) !== settingPath(path) ? `${other}, below this path` : other === path ? "the same path" : `the same setting as ${other}`;
    problems.push({ file: OVERRIDE_FILE, line: index + 1, column: 1, path, message: `--set ${earlier + 1} already sets ${what}, and this --set would drop its value`, expected: "each path in one --set", found: JSON.stringify(overrides[index]) });
  });
  if (problems.length > 0) throw new ScenarioError(problems);
}

/**
 * The overrides a command applies: its --set ones, refused when a later one
 * would drop an earlier one (see refuseOverwrittenOverrides), then --seed's.
 */
export function commandOverrides(set: readonly string[], seed: string | undefined): string[] {
  refuseOverwrittenOverrides(set);
  return [...set, ...seedOverride(seed)];
}

/** Applies the overrides in order (a later one wins over an earlier one), returning every problem. */
export function applyOverrides(document: Document, overrides: readonly string[], origins: OverrideOrigins): ScenarioProblem[] {
  return overrides.flatMap((text, index) => applyOverride(document, text, index + 1, origins).map((problem) => problem.toProblem(index + 1)));
}

/** The pseudo file name of a problem in the --seed option. */
const SEED_OPTION = "<--seed>";

/**
 * What reads as a number other than a plain non-negative integer: a sign, a
 * fraction, an exponent, a base prefix, leading zeros. In a scenario file
 * YAML reads these as numbers, and `seed: -1` or `seed: 1.5` is refused;
 * --seed takes its value as a string, and took "-1" as a seed named "-1".
 */
const NUMBER_NOT_A_SEED = /^([-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?|0[xXoObB][0-9a-fA-F]+)$/;
const PLAIN_INTEGER = /^(0|[1-9]\d*)$/;

/**
 * The --seed option of run, sweep and crash as the override it is applied
 * as. A seed that is empty, has blanks around it (" 1" would be another seed
 * than "1") or reads as a number other than a non-negative integer (or past 2^53) is
 * refused here, naming --seed: as an override it was refused as a --set the
 * user never gave, or not at all.
 */
export function seedOverride(seed: string | undefined): string[] {
  if (seed === undefined) return [];
  const refuse = (message: string): never => {
    throw new ScenarioError([{ file: SEED_OPTION, line: 1, column: 1, path: "seed", message, expected: "a non-empty string or a non-negative integer", found: JSON.stringify(seed) }]);
  };
  if (seed.trim() === "") refuse("not a seed");
  if (seed.trim() !== seed) refuse("blanks around the seed (it would be another seed than the one without them)");
  if (NUMBER_NOT_A_SEED.test(seed) && !PLAIN_INTEGER.test(seed)) refuse("a number that is not a non-negative integer written plainly (a scenario file refuses it as a seed)");
  if (PLAIN_INTEGER.test(seed) && !Number.isSafeInteger(Number(seed))) refuse(`an integer past ${Number.MAX_SAFE_INTEGER} (a scenario file reads it rounded, and refuses it as a seed)`);
  return [`${SEED_OVERRIDE_PREFIX}${JSON.stringify(seed)}`];
}

const SEED_OVERRIDE_PREFIX = "seed=";

/**
 * The seed an override list's --seed gave, or undefined when it gave none:
 * seedOverride's entry, which callers put last. A `--set seed=...` of the
 * user's own is not one (it is not a JSON string, or not last), unless it is
 * written exactly as --seed would have, which means the same.
 */
export function seedOf(overrides: readonly string[]): string | undefined {
  const last = overrides.at(-1);
  if (last === undefined || !last.startsWith(`${SEED_OVERRIDE_PREFIX}"`)) return undefined;
  try {
    const seed: unknown = JSON.parse(last.slice(SEED_OVERRIDE_PREFIX.length));
    return typeof seed === "string" ? seed : undefined;
  } catch {
    return undefined;
  }
}
