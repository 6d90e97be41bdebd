/**
 * What the runner drives: a source of host I/Os. Sources are pure: no kernel,
 * no clock; randomness comes from the Rng they are built with. The runner
 * decides when each I/O is issued: a closed-loop source keeps `iodepth` I/Os
 * outstanding, or, with a thinktime, issues `thinktimeBlocks` I/Os (at most
 * `iodepth` at a time), waits for all of them and pauses `thinktimeNs`
 * (fio's thinktime and thinktime_blocks); an open-loop
 * source's I/Os arrive at their `arrivalNs` whatever the device does.
 */
export type HostIoKind = "read" | "write";

export interface HostIo {
  readonly kind: HostIoKind;
  /** Sector-aligned, inside the Source LU. */
  readonly offsetBytes: number;
  readonly lengthBytes: number;
}

export interface NextIo {
  readonly io: HostIo;
  /** Open loop: arrival time since the source started, nondecreasing. Closed loop: 0. */
  readonly arrivalNs: number;
}

export type LoopSpec = { readonly kind: "closed"; readonly iodepth: number; readonly thinktimeNs: number; readonly thinktimeBlocks: number } | { readonly kind: "open" };

export interface WorkloadSource {
  /** e.g. "oltp/0" (job name and clone index) or "tpcc" (a trace). */
  readonly name: string;
  readonly loop: LoopSpec;
  /** The source starts this long after the run starts. */
  readonly startDelayNs: number;
  /** No I/O is issued later than this long after the source starts. */
  readonly runtimeNs?: number;
  /** A source that replays a fixed list (a trace): its length, so that the results can say how much of it a run that stopped first left out. */
  readonly lengthIos?: number;
  /** The next I/O, or undefined when the source is exhausted. */
  next(): NextIo | undefined;
  /** Facts for the results: the address mapping applied, options ignored and why. */
  readonly notes: readonly string[];
}
