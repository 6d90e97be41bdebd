import type { SessionAction } from "../model.js";
import type { HostEventSink } from "../runner/host-events.js";

/** Crash point index at which something was submitted or acknowledged; never-acknowledged is +Infinity. */
export const NEVER = Number.POSITIVE_INFINITY;

export interface LoggedWrite {
  readonly offsetBytes: number;
  readonly lengthBytes: number;
  readonly stamp: number;
  readonly submitPoint: number;
  ackPoint: number;
}

export interface LoggedFlush {
  readonly submitPoint: number;
  ackPoint: number;
}

export interface LoggedSessionOp {
  readonly action: SessionAction;
  readonly slot: number;
  readonly submitPoint: number;
  ackPoint: number;
  /** The new session's number, for an acknowledged start or replace. */
  sequence: number | undefined;
}

/** One host operation, by list and index, in the order operations were submitted. */
export interface HostOpRef {
  readonly list: "writes" | "flushes" | "sessionOps";
  readonly index: number;
}

/**
 * The host's side of a recorded run, in crash-point time: `mark()` returns
 * the index of the crash point "now" (the boundary after the last device
 * event), so a submission and an acknowledgement can be compared with any
 * crash point.
 */
export class HostLog implements HostEventSink {
  readonly writes: LoggedWrite[] = [];
  readonly flushes: LoggedFlush[] = [];
  readonly sessionOps: LoggedSessionOp[] = [];
  /** Every operation above in submission order (crash points alone cannot order two submitted between the same device events). */
  readonly order: HostOpRef[] = [];
  formattedAt = NEVER;

  constructor(private readonly mark: () => number) {}

  formatted(): void {
    this.formattedAt = this.mark();
  }

  writeSubmitted(offsetBytes: number, lengthBytes: number, stamp: number): number {
    this.writes.push({ offsetBytes, lengthBytes, stamp, submitPoint: this.mark(), ackPoint: NEVER });
    this.order.push({ list: "writes", index: this.writes.length - 1 });
    return this.writes.length - 1;
  }

  writeAcked(id: number): void {
    this.writes[id]!.ackPoint = this.mark();
  }

  flushSubmitted(): number {
    this.flushes.push({ submitPoint: this.mark(), ackPoint: NEVER });
    this.order.push({ list: "flushes", index: this.flushes.length - 1 });
    return this.flushes.length - 1;
  }

  flushAcked(id: number): void {
    this.flushes[id]!.ackPoint = this.mark();
  }

  sessionSubmitted(action: SessionAction, slot: number): number {
    this.sessionOps.push({ action, slot, submitPoint: this.mark(), ackPoint: NEVER, sequence: undefined });
    this.order.push({ list: "sessionOps", index: this.sessionOps.length - 1 });
    return this.sessionOps.length - 1;
  }

  sessionAcked(id: number, sequence: number | undefined): void {
    const op = this.sessionOps[id]!;
    op.ackPoint = this.mark();
    op.sequence = sequence;
  }
}
