import type { SessionAction } from "../model.js";

/**
 * What the host saw, as it happened: every submission and acknowledgement
 * of a host write, flush and session operation. Crash campaigns build their
 * oracle from this alone, never from the engine. Ids are the sink's own.
 */
export interface HostEventSink {
  /** The Cache LU is formatted: host I/O may begin. */
  formatted(): void;
  writeSubmitted(offsetBytes: number, lengthBytes: number, stamp: number): number;
  writeAcked(id: number): void;
  flushSubmitted(): number;
  flushAcked(id: number): void;
  sessionSubmitted(action: SessionAction, slot: number): number;
  /** `sequence` is the new session's number for a start or replace. */
  sessionAcked(id: number, sequence: number | undefined): void;
}
