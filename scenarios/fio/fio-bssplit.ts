/**
 * fio's bssplit (HOWTO "Block size"): `size/percent:size/percent...`, with
 * comma-separated lists for reads, writes and trims like bs. A percentage
 * left blank (`4k/50:1k/:32k/`) gets an equal share of what the others leave
 * of 100, as in fio; so does a percentage of 0, which fio's parser (options.c,
 * split_parse_ddir: atoi, then 0 means "not given") cannot tell from a blank
 * one: `4k/0:8k/` is 4k and 8k at 50% each in fio, not 8k alone. The same
 * atoi reads a decimal's whole part only, so `4k/33.3` is 33% in fio and
 * here too, with a note. fio lets percentages that add to less than 100 through
 * and then gives the remainder to the last size it tries; the import refuses
 * that instead, because the resulting mix is not what the file says.
 */
import { FioValueError, parseFioBytes, splitPerDirection, type KbBase } from "./fio-values.js";

export interface BlockSizeWeight {
  readonly sizeBytes: number;
  readonly percent: number;
}

/** Empty list: that direction has no bssplit and uses bs. `note` hears of percentages fio reads otherwise than written. */
export function parseBssplit(text: string, kbBase: KbBase, note: (message: string) => void = () => {}): { readonly read: BlockSizeWeight[]; readonly write: BlockSizeWeight[] } {
  const { read, write } = splitPerDirection(text);
  // "4k/33.3" once, though fio reads it for both directions.
  const told = new Set<string>();
  const noteOnce = (message: string) => {
    if (!told.has(message)) note(message);
    told.add(message);
  };
  return { read: read === undefined ? [] : parseDirection(read, kbBase, noteOnce), write: write === undefined ? [] : parseDirection(write, kbBase, noteOnce) };
}

function parseDirection(text: string, kbBase: KbBase, note: (message: string) => void): BlockSizeWeight[] {
  const example = 'e.g. "4k/10:64k/50:32k/40"';
  const entries = text.split(":").map((entry) => entry.trim());
  const truncated: string[] = [];
  const parsed = entries.map((entry) => {
    if (entry === "") throw new FioValueError(`"${text}" has an empty entry; expected size/percent pairs separated by ':', ${example}`);
    const slash = entry.indexOf("/");
    const sizeText = slash < 0 ? entry : entry.slice(0, slash);
    const percentText = slash < 0 ? "" : entry.slice(slash + 1).trim();
    const sizeBytes = parseFioBytes(sizeText, kbBase);
    if (percentText === "") return { sizeBytes, percent: undefined };
    if (!/^\d+(\.\d*)?$/.test(percentText)) throw new FioValueError(`"${entry}": "${percentText}" is not a percentage; expected size/percent, ${example}`);
    // fio reads the whole part, and takes 0 for "not given" (see above).
    const percent = Math.trunc(Number(percentText));
    if (percent !== Number(percentText)) truncated.push(`${entry} is ${percent}%`);
    return { sizeBytes, percent: percent < 1 ? undefined : percent };
  });
  const truncation = truncated.length === 0 ? "" : ` (fio reads only a percentage's whole part: ${truncated.join(", ")})`;
  const given = parsed.reduce((sum, entry) => sum + (entry.percent ?? 0), 0);
  const missing = parsed.filter((entry) => entry.percent === undefined).length;
  if (given > 100 + 1e-9) throw new FioValueError(`"${text}": the percentages add to ${given}, more than 100${truncation}`);
  const share = missing === 0 ? 0 : (100 - given) / missing;
  const weights = parsed.map((entry) => ({ sizeBytes: entry.sizeBytes, percent: entry.percent ?? share }));
  const total = weights.reduce((sum, entry) => sum + entry.percent, 0);
  if (Math.abs(total - 100) > 1e-9) throw new FioValueError(`"${text}": the percentages add to ${total}${truncation}; expected 100 (or leave some blank to share the rest)`);
  if (truncated.length > 0) note(`fio reads only the whole part of a percentage (atoi): ${truncated.join(", ")}, as imported`);
  return weights.filter((entry) => entry.percent > 0);
}
