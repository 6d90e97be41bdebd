import type { Payload } from "../../io/payload.js";
import { SOURCE_ORIGIN_STAMP } from "./rig.js";

/**
 * The plain model the engine is checked against: what the Source LU and each
 * Phantom LU must read, one token per sector. A token names the stamp and the
 * sector within it, so a block copied to the wrong place shows up.
 */
export const SECTOR_BYTES = 512;

export function token(stamp: number, stampSector: number): number {
  return stamp * 2 ** 24 + stampSector;
}

export function tokensOf(payload: Payload): number[] {
  const out: number[] = [];
  for (const segment of payload.normalized()) {
    const sectors = segment.lengthBytes / SECTOR_BYTES;
    for (let i = 0; i < sectors; i++) {
      if (segment.kind === "stamp") out.push(token(segment.stamp, segment.stampOffsetBytes / SECTOR_BYTES + i));
      else if (segment.kind === "zero") out.push(0);
      else out.push(-1);
    }
  }
  return out;
}

export class Oracle {
  source: number[];
  /** Per slot: the Source LU as it was when the live session in it started. */
  readonly sessions = new Map<number, number[]>();

  constructor(readonly sourceSectors: number) {
    this.source = Array.from({ length: sourceSectors }, (_, i) => token(SOURCE_ORIGIN_STAMP, i));
  }

  write(firstSector: number, sectors: number, stamp: number): void {
    for (let i = 0; i < sectors; i++) this.source[firstSector + i] = token(stamp, i);
  }

  start(slot: number): void {
    this.sessions.set(slot, [...this.source]);
  }

  stop(slot: number): void {
    this.sessions.delete(slot);
  }

  rollback(slot: number): void {
    this.source = [...this.sessions.get(slot)!];
  }

  expectedSource(firstSector: number, sectors: number): number[] {
    return this.source.slice(firstSector, firstSector + sectors);
  }

  expectedPhantom(slot: number, firstSector: number, sectors: number): number[] {
    return this.sessions.get(slot)!.slice(firstSector, firstSector + sectors);
  }
}
