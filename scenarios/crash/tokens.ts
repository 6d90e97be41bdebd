import type { Payload, Segment } from "../../io/payload.js";
import { SOURCE_ORIGIN_STAMP } from "../runner/build-devices.js";

/**
 * Per-sector tokens name what a sector holds: which host write (its stamp)
 * and which sector of it, or the Source LU's original contents at which
 * address. A sector copied to the wrong place reads as the wrong token.
 */
export type Token = number;
const ZERO_TOKEN = 0;
const BYTES_TOKEN = -1;

export function writeToken(stamp: number, sectorInWrite: number): Token {
  return stamp * 2 ** 24 + sectorInWrite;
}

/** Original contents: negative, so they never collide with a write's token whatever the volume's size. */
export function originToken(sector: number): Token {
  return -2 - sector;
}

/** Tokens in a reusable buffer: the checker reads thousands of chunks per campaign, and a number array boxes or regrows. */
export class TokenBuffer {
  values = new Float64Array(64);
  length = 0;

  push(token: Token): void {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = token;
  }
}

/** The tokens of a payload's sectors, over its normalized segments (see Payload.normalized). */
export function tokensOf(payload: Payload, sectorBytes: number): Token[] {
  const buffer = tokensInto(payload, sectorBytes, new TokenBuffer());
  return Array.from(buffer.values.subarray(0, buffer.length));
}

/**
 * tokensOf into `out` (emptied first). Neighbours are merged on the fly
 * rather than through normalized(), which allocates.
 */
export function tokensInto(payload: Payload, sectorBytes: number, out: TokenBuffer): TokenBuffer {
  out.length = 0;
  let kind: Segment["kind"] | undefined;
  let lengthBytes = 0;
  let stamp = 0;
  let stampOffsetBytes = 0;
  for (const segment of payload.segments) {
    if (segment.lengthBytes === 0) continue;
    const continues = segment.kind === "zero" ? kind === "zero" : segment.kind === "stamp" && kind === "stamp" && segment.stamp === stamp && stampOffsetBytes + lengthBytes === segment.stampOffsetBytes;
    if (continues) {
      lengthBytes += segment.lengthBytes;
      continue;
    }
    if (kind !== undefined) pushTokens(out, kind, lengthBytes, stamp, stampOffsetBytes, sectorBytes);
    kind = segment.kind;
    lengthBytes = segment.lengthBytes;
    stamp = segment.kind === "stamp" ? segment.stamp : 0;
    stampOffsetBytes = segment.kind === "stamp" ? segment.stampOffsetBytes : 0;
  }
  if (kind !== undefined) pushTokens(out, kind, lengthBytes, stamp, stampOffsetBytes, sectorBytes);
  return out;
}

/** The tokens of one normalized segment (a partial sector at its end counts as one). */
function pushTokens(out: TokenBuffer, kind: Segment["kind"], lengthBytes: number, stamp: number, stampOffsetBytes: number, sectorBytes: number): void {
  const sectors = lengthBytes / sectorBytes;
  for (let i = 0; i < sectors; i++) {
    if (kind === "zero") out.push(ZERO_TOKEN);
    else if (kind === "bytes") out.push(BYTES_TOKEN);
    else if (stamp === SOURCE_ORIGIN_STAMP) out.push(originToken(stampOffsetBytes / sectorBytes + i));
    else out.push(writeToken(stamp, stampOffsetBytes / sectorBytes + i));
  }
}

/** allowed.includes(token), as a loop: includes() boxes a token that is not a small integer, once per sector checked. */
export function allows(allowed: readonly Token[], token: Token): boolean {
  for (let i = 0; i < allowed.length; i++) if (allowed[i] === token) return true;
  return false;
}

export function describeToken(token: Token): string {
  if (token === ZERO_TOKEN) return "zeros";
  if (token === BYTES_TOKEN) return "raw bytes";
  if (token < 0) return `the original contents of sector ${-2 - token}`;
  return `host write #${Math.floor(token / 2 ** 24)} (its sector ${token % 2 ** 24})`;
}
