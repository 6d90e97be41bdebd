import { readFileSync } from "node:fs";

/** Where a file stops being UTF-8: the first byte that does not begin or continue a sequence (1-based line and column). */
export interface NotUtf8 {
  readonly line: number;
  readonly column: number;
  /** That byte, or undefined when the file ends inside a sequence. */
  readonly byte: number | undefined;
  /** The compression the file's first bytes announce ("gzip"), when they do: the text to read is inside it. */
  readonly compression?: string;
}

/**
 * Magic numbers of the compressors traces are shipped with (SNIA publishes
 * the MSR Cambridge traces as .csv.gz): such a file is not text, and saying
 * which it is tells the user what to do rather than which byte is wrong.
 */
const COMPRESSION_MAGIC: ReadonlyArray<{ readonly name: string; readonly magic: readonly number[] }> = [
  { name: "gzip", magic: [0x1f, 0x8b] },
  { name: "bzip2", magic: [0x42, 0x5a, 0x68] },
  { name: "xz", magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] },
  { name: "zstd", magic: [0x28, 0xb5, 0x2f, 0xfd] },
  { name: "zip", magic: [0x50, 0x4b, 0x03, 0x04] },
];

function compressionOf(bytes: Uint8Array): string | undefined {
  return COMPRESSION_MAGIC.find(({ magic }) => magic.every((byte, i) => bytes[i] === byte))?.name;
}

const FATAL = new TextDecoder("utf-8", { fatal: true });

/**
 * A file's text, or where it is not UTF-8. Node's "utf8" reading turns a
 * byte that is not into U+FFFD without a word, so a Latin-1 name in a
 * scenario or a trace would be changed, not refused. Read errors (a missing
 * file, a directory) are thrown as readFileSync throws them.
 */
export function readUtf8File(path: string): { readonly text: string } | { readonly notUtf8: NotUtf8 } {
  const bytes = readFileSync(path);
  try {
    return { text: FATAL.decode(bytes) };
  } catch {
    const compression = compressionOf(bytes);
    return { notUtf8: compression === undefined ? firstInvalidSequence(bytes) : { ...firstInvalidSequence(bytes), compression } };
  }
}

/** The first byte that does not begin or continue a well-formed UTF-8 sequence (RFC 3629: no overlongs, no surrogates, nothing past U+10FFFF). */
function firstInvalidSequence(bytes: Uint8Array): NotUtf8 {
  let line = 1;
  let column = 1;
  let i = 0;
  while (i < bytes.length) {
    const length = sequenceLength(bytes, i);
    if (length === 0) return { line, column, byte: bytes[i] };
    if (bytes[i] === 0x0a) {
      line++;
      column = 1;
    } else column++;
    i += length;
  }
  // The strict decoder refused what this scan accepts: point at the end rather than nowhere.
  return { line, column, byte: undefined };
}

/** The length of the well-formed sequence at `i`, or 0. */
function sequenceLength(bytes: Uint8Array, i: number): number {
  const lead = bytes[i]!;
  if (lead < 0x80) return 1;
  const [length, low, high] = lead >= 0xc2 && lead <= 0xdf ? [2, 0x80, 0xbf] : lead === 0xe0 ? [3, 0xa0, 0xbf] : lead === 0xed ? [3, 0x80, 0x9f] : lead >= 0xe1 && lead <= 0xef ? [3, 0x80, 0xbf] : lead === 0xf0 ? [4, 0x90, 0xbf] : lead >= 0xf1 && lead <= 0xf3 ? [4, 0x80, 0xbf] : lead === 0xf4 ? [4, 0x80, 0x8f] : [0, 0, 0];
  if (length === 0 || i + length > bytes.length) return 0;
  const second = bytes[i + 1]!;
  if (second < low || second > high) return 0;
  for (let k = 2; k < length; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return 0;
  return length;
}

/** "byte 0xe9": what the reader found where the text stops being UTF-8, and the compression behind it if that is what it is. */
export function foundNotUtf8(at: NotUtf8): string {
  const found = at.byte === undefined ? "the file ending inside a character" : `byte 0x${at.byte.toString(16).padStart(2, "0")}`;
  return at.compression === undefined ? found : `${found}; the file is ${at.compression}-compressed: decompress it first`;
}
