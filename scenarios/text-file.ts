import { isAscii } from "node:buffer";
import { closeSync, fstatSync, openSync, readFileSync, readSync } from "node:fs";

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
 * file, a directory) are thrown as readFileSync throws them. A number is a
 * file descriptor, read to its end (0: standard input).
 */
export function readUtf8File(path: string | number): { readonly text: string } | { readonly notUtf8: NotUtf8 } {
  const bytes = readFileSync(path);
  try {
    return { text: FATAL.decode(bytes) };
  } catch {
    const compression = compressionOf(bytes);
    return { notUtf8: compression === undefined ? firstInvalidSequence(bytes) : { ...firstInvalidSequence(bytes), compression } };
  }
}

/** Why readUtf8File could not read a file, for a message: "it is a directory", or the system's own words. */
export function readFailure(error: unknown): string {
  if ((error as NodeJS.ErrnoException).code === "EISDIR") return "it is a directory";
  return error instanceof Error ? error.message : String(error);
}

/** Bytes read at a time by readUtf8Lines: a few milliseconds of parsing, and a string that dies young. */
const PIECE_BYTES = 8 * 2 ** 20;
const NEWLINE = 0x0a;

/** A line of a file being read: false from the callback stops feeding lines (the rest is still checked for UTF-8). */
export type LineCallback = (line: string, lineNumber: number) => boolean;

/**
 * Feeds `onLine` a file's lines (1-based, without "\n" or a "\r" before it,
 * as forEachLine gives them, the text after the last "\n" included even when
 * empty) reading it a piece at a time, so that a trace of gigabytes never
 * sits in memory whole (V8 cannot even hold a string past ~512 MiB). Returns
 * where the file stops being UTF-8, if it does, as readUtf8File would; the
 * lines before that point have been fed by then. `onProgress` is told the
 * bytes read so far after each piece, and once more at the end. Read errors are thrown as fs throws them.
 */
export function readUtf8Lines(path: string, onLine: LineCallback, onProgress?: (bytesRead: number, totalBytes: number) => void): NotUtf8 | undefined {
  const fd = openSync(path, "r");
  try {
    const totalBytes = fstatSync(fd).size;
    const decoder = new TextDecoder("utf-8", { fatal: true });
    let buffer = Buffer.allocUnsafe(PIECE_BYTES);
    let held = 0;
    let bytesRead = 0;
    let lineNumber = 1;
    let feeding = true;
    let first: Uint8Array | undefined;
    for (;;) {
      if (held === buffer.length) {
        // A line longer than the buffer: make room for the rest of it.
        const bigger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(bigger, 0, 0, held);
        buffer = bigger;
      }
      const n = readSync(fd, buffer, held, buffer.length - held, null);
      bytesRead += n;
      held += n;
      first ??= Uint8Array.from(buffer.subarray(0, Math.min(held, 8)));
      const atEnd = n === 0;
      // Cut after the last newline, which never falls inside a UTF-8 sequence: each piece decodes on its own.
      const end = atEnd ? held : buffer.lastIndexOf(NEWLINE, held - 1) + 1;
      if (end === 0 && !atEnd) continue;
      const piece = buffer.subarray(0, end);
      let text: string;
      try {
        // ASCII, as traces nearly always are, is the same text read as Latin-1, which is a copy of the bytes: the
        // decoder, converting every byte, took 4.7 s of a 516 MB trace's 12.5 s validation, the copy 0.7 s.
        text = isAscii(piece) ? piece.toString("latin1") : decoder.decode(piece, { stream: !atEnd });
      } catch {
        const at = firstInvalidSequence(piece);
        const notUtf8 = { ...at, line: at.line + lineNumber - 1 };
        const compression = compressionOf(first);
        return compression === undefined ? notUtf8 : { ...notUtf8, compression };
      }
      let start = 0;
      for (;;) {
        const newline = text.indexOf("\n", start);
        if (newline < 0) break;
        if (feeding) feeding = onLine(withoutReturn(text.slice(start, newline)), lineNumber);
        lineNumber++;
        start = newline + 1;
      }
      if (atEnd) {
        if (feeding) onLine(withoutReturn(text.slice(start)), lineNumber);
        onProgress?.(bytesRead, totalBytes);
        return undefined;
      }
      buffer.copy(buffer, 0, end, held);
      held -= end;
      onProgress?.(bytesRead, totalBytes);
    }
  } finally {
    closeSync(fd);
  }
}

/** The lines of text already in memory, fed as readUtf8Lines feeds a file's. */
export function forEachLine(text: string, onLine: LineCallback): void {
  let start = 0;
  let lineNumber = 1;
  for (;;) {
    const newline = text.indexOf("\n", start);
    if (newline < 0) break;
    if (!onLine(withoutReturn(text.slice(start, newline)), lineNumber++)) return;
    start = newline + 1;
  }
  onLine(withoutReturn(text.slice(start)), lineNumber);
}

/** "\r\n" files (MSR traces come from Windows) read like "\n" ones. */
function withoutReturn(line: string): string {
  return line.endsWith("\r") ? line.slice(0, -1) : line;
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
