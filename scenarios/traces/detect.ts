/**
 * Which trace format a text is in, for scenarios that name a trace without a
 * format. Decided on the first line that is not blank (and, for MSR, not a
 * column header): each format's first line is distinctive enough, and looking
 * no further keeps detection cheap on a multi-gigabyte trace.
 */
import type { TraceFormat } from "../model.js";
import { BLKPARSE_EVENT_LINE } from "./blkparse.js";

/** Enough text to reach the first record even after a header or blank lines. */
const SNIFF_CHARS = 64 * 1024;
const NUMBER = /^[0-9]+(\.[0-9]*)?$/;

export function detectTraceFormat(text: string): TraceFormat | undefined {
  const lines = text.slice(0, SNIFF_CHARS).split("\n");
  for (const raw of lines) {
    const line = raw.trim();
    if (line === "") continue;
    if (/^fio version \d+ iolog$/.test(line)) return "fio-iolog";
    if (BLKPARSE_EVENT_LINE.test(line)) return "blkparse";
    if (/^timestamp\s*,\s*hostname\s*,/i.test(line)) return "msr-cambridge";
    const csv = line.split(",").map((f) => f.trim());
    if (csv.length === 7 && /^[0-9]+$/.test(csv[0] as string) && /^(read|write)$/i.test(csv[3] as string)) return "msr-cambridge";
    const fields = line.split(/\s+/);
    if (fields.length === 5 && fields.every((f) => NUMBER.test(f))) return "disksim";
    return undefined;
  }
  return undefined;
}
