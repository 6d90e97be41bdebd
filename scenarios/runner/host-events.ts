import type { Payload } from "../../io/payload.js";
import type { SessionAction } from "../model.js";

/** What a host read reads: the Source LU, or the Phantom LU of the session in a slot. */
export type ReadTarget = { readonly kind: "source" } | { readonly kind: "phantom"; readonly slot: number };

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
  /**
   * Host reads, for data oracles (crash campaigns need none): submitted, then
   * done with the data read, or with undefined for a Phantom LU read that found
   * no live session in its slot and was skipped. A sink without them costs the
   * run's reads nothing.
   */
  readSubmitted?(target: ReadTarget, offsetBytes: number, lengthBytes: number): number;
  readDone?(id: number, data: Payload | undefined): void;
}
