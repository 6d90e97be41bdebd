/**
 * A cursor over one trace line that reads its fields by character code, for
 * the parsers' fast paths. The general path splits a line into an array of
 * field strings, trims them and tests each with a regular expression: ~1.2 us
 * a line, most of a 10M-line trace's parse. Here a field is read where it
 * lies, without a string or an array per line.
 *
 * A fast path takes only the plain shape of a line (digits a double holds
 * exactly, the usual separators) and gives up on anything else, leaving the
 * line to the general path, so that every error message and every unusual
 * but valid line (an exponent, a header, a stray space) is read exactly as
 * before. test/scenarios/traces/fast-paths.test.ts holds the two paths to
 * the same result on random lines.
 */

const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const SPACE = 0x20;
const TAB = 0x09;
const LOWER_A = 0x61;
const LOWER_F = 0x66;
/** 13 hexadecimal digits are 52 bits. */
const MAX_EXACT_HEX_DIGITS = 13;
/** 15 decimal digits are below 2^53, so every integer that short is exact as a double. */
export const MAX_EXACT_DIGITS = 15;

export class LineScanner {
  private text = "";
  /** The index of the next character to read. */
  at = 0;

  /** Starts reading `text` from its first character. */
  reset(text: string): void {
    this.text = text;
    this.at = 0;
  }

  get atEnd(): boolean {
    return this.at >= this.text.length;
  }

  /** Consumes `charCode` if it is next. */
  skip(charCode: number): boolean {
    if (this.text.charCodeAt(this.at) !== charCode) return false;
    this.at++;
    return true;
  }

  /** Consumes spaces and tabs; whether there was at least one. */
  skipBlanks(): boolean {
    const from = this.at;
    for (;;) {
      const c = this.text.charCodeAt(this.at);
      if (c !== SPACE && c !== TAB) return this.at > from;
      this.at++;
    }
  }

  /** Consumes everything up to the next space or tab, or the line's end. */
  skipUntilBlank(): void {
    const text = this.text;
    while (this.at < text.length) {
      const c = text.charCodeAt(this.at);
      if (c === SPACE || c === TAB) return;
      this.at++;
    }
  }

  /** The index just past the run of decimal digits starting at the cursor (the cursor itself when there is none). */
  digitsEnd(): number {
    let end = this.at;
    for (;;) {
      const c = this.text.charCodeAt(end);
      // Past the line's end c is NaN, which no comparison holds for: the test is written so that NaN ends the run.
      if (!(c >= DIGIT_0 && c <= DIGIT_9)) return end;
      end++;
    }
  }

  /** Consumes a run of decimal digits, of any length; whether there was one. */
  skipDigits(): boolean {
    const end = this.digitsEnd();
    if (end === this.at) return false;
    this.at = end;
    return true;
  }

  /** The value of the decimal digits in [from, to), which must be at most MAX_EXACT_DIGITS of them. */
  digitsValue(from: number, to: number): number {
    const text = this.text;
    let value = 0;
    for (let i = from; i < to; i++) value = value * 10 + (text.charCodeAt(i) - DIGIT_0);
    return value;
  }

  /**
   * An unsigned decimal integer of 1 to MAX_EXACT_DIGITS digits at the
   * cursor, consumed; -1, consuming nothing, when the cursor is not at one.
   */
  unsigned(): number {
    const end = this.digitsEnd();
    const digits = end - this.at;
    if (digits === 0 || digits > MAX_EXACT_DIGITS) return -1;
    const value = this.digitsValue(this.at, end);
    this.at = end;
    return value;
  }

  /** Consumes `word` if the line continues with it. */
  skipWord(word: string): boolean {
    if (!this.text.startsWith(word, this.at)) return false;
    this.at += word.length;
    return true;
  }

  /** Consumes `field` if the line continues with it and then `separator` (which is left to read). */
  skipField(field: string, separator: number): boolean {
    return this.text.charCodeAt(this.at + field.length) === separator && this.skipWord(field);
  }

  /** The characters from the cursor up to (not including) `separator` or the line's end, consumed. */
  until(separator: string): string {
    const found = this.text.indexOf(separator, this.at);
    const end = found < 0 ? this.text.length : found;
    const field = this.text.slice(this.at, end);
    this.at = end;
    return field;
  }

  /**
   * 1 to 13 hexadecimal digits at the cursor (13 hold 52 bits, exact as a
   * double), consumed, with their value; -1, consuming nothing, otherwise.
   */
  hexUnsigned(): number {
    const text = this.text;
    let value = 0;
    let end = this.at;
    for (;;) {
      const c = text.charCodeAt(end);
      // Letters only are folded to lower case: folding every code would read control codes 0x10-0x19 as digits.
      const lower = c | 0x20;
      const digit = c >= DIGIT_0 && c <= DIGIT_9 ? c - DIGIT_0 : lower >= LOWER_A && lower <= LOWER_F ? lower - LOWER_A + 10 : -1;
      if (digit < 0) break;
      value = value * 16 + digit;
      end++;
    }
    const digits = end - this.at;
    if (digits === 0 || digits > MAX_EXACT_HEX_DIGITS) return -1;
    this.at = end;
    return value;
  }

  /** The characters in [from, to). */
  slice(from: number, to: number): string {
    return this.text.slice(from, to);
  }

  charCodeAt(index: number): number {
    return this.text.charCodeAt(index);
  }
}
