/**
 * fio's bssplit (HOWTO "Block size"): `size/percent:size/percent...`, with
 * comma-separated lists for reads, writes and trims like bs. A percentage
 * left blank (`4k/50:1k/:32k/`) gets an equal share of what the others leave
 * of 100, as in fio; so does a percentage of 0, which fio's parser (options.c,
 * split_parse_ddir: atoi, then 0 means "not given") cannot tell from a blank
 * one: `4k/0:8k/` is 4k and 8k at 50% each in fio, not 8k alone. fio lets percentages that add to less than 100 through
 * and then gives the remainder to the last size it tries; the import refuses
 * that instead, because the resulting mix is not what the file says.
 */
import { FioValueError, parseFioBytes, splitPerDirection, type KbBase } from "./fio-values.js";

export interface BlockSizeWeight {
  readonly sizeBytes: number;
  readonly percent: number;
}

/** Empty list: that direction has no bssplit and uses bs. */
export function parseBssplit(text: string, kbBase: KbBase): { readonly read: BlockSizeWeight[]; readonly write: BlockSizeWeight[] } {
  const { read, write } = splitPerDirection(text);
  return { read: read === undefined ? [] : parseDirection(read, kbBase), write: write === undefined ? [] : parseDirection(write, kbBase) };
}

function parseDirection(text: string, kbBase: KbBase): BlockSizeWeight[] {
  const example = 'e.g. "4k/10:64k/50:32k/40"';
  const entries = text.split(":").map((entry) => entry.trim());
  const parsed = entries.map((entry) => {
    if (entry === "") throw new FioValueError(`"${text}" has an empty entry; expected size/percent pairs separated by ':', ${example}`);
    const slash = entry.indexOf("/");
    const sizeText = slash < 0 ? entry : entry.slice(0, slash);
    const percentText = slash < 0 ? "" : entry.slice(slash + 1).trim();
    const sizeBytes = parseFioBytes(sizeText, kbBase);
    if (percentText === "") return { sizeBytes, percent: undefined };
    if (!/^\d+(\.\d+)?$/.test(percentText)) throw new FioValueError(`"${entry}": "${percentText}" is not a percentage; expected size/percent, ${example}`);
    // fio reads the whole part, and takes 0 for "not given" (see above).
    const percent = Number(percentText);
    return { sizeBytes, percent: percent < 1 ? undefined : percent };
  });
  const given = parsed.reduce((sum, entry) => sum + (entry.percent ?? 0), 0);
  const missing = parsed.filter((entry) => entry.percent === undefined).length;
  if (given > 100 + 1e-9) throw new FioValueError(`"${text}": the percentages add to ${given}, more than 100`);
  const share = missing === 0 ? 0 : (100 - given) / missing;
  const weights = parsed.map((entry) => ({ sizeBytes: entry.sizeBytes, percent: entry.percent ?? share }));
  const total = weights.reduce((sum, entry) => sum + entry.percent, 0);
  if (Math.abs(total - 100) > 1e-9) throw new FioValueError(`"${text}": the percentages add to ${total}; expected 100 (or leave some blank to share the rest)`);
  return weights.filter((entry) => entry.percent > 0);
}
