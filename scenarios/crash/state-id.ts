/** Which device of the pair a write went to. */
export type DeviceRole = "source" | "cache";

/** A torn surviving write: only sectors firstKept..lastKept (relative to the write, inclusive) reached the media. */
export interface TearSpec {
  readonly device: DeviceRole;
  readonly writeId: number;
  readonly firstKept: number;
  readonly lastKept: number;
}

/**
 * One crash state: a crash point and, per device, which of the writes
 * pending there survived (ids in the device's write log), and at most one
 * torn survivor. Written as an id that says all of it, so a state can be
 * replayed from its id alone: `p57.s3,5.c12,14.tc14:0-3` is crash point 57,
 * source writes 3 and 5 and cache writes 12 and 14 survived, and cache write
 * 14 only in its sectors 0 to 3.
 */
export interface CrashStateSpec {
  readonly point: number;
  readonly source: readonly number[];
  readonly cache: readonly number[];
  readonly tear?: TearSpec;
}

export function formatStateId(state: CrashStateSpec): string {
  let id = `p${state.point}`;
  if (state.source.length > 0) id += `.s${state.source.join(",")}`;
  if (state.cache.length > 0) id += `.c${state.cache.join(",")}`;
  if (state.tear !== undefined) id += `.t${state.tear.device === "source" ? "s" : "c"}${state.tear.writeId}:${state.tear.firstKept}-${state.tear.lastKept}`;
  return id;
}

export class StateIdError extends Error {
  constructor(id: string, why: string) {
    super(`crash state id "${id}": ${why} (expected the form p<point>[.s<ids>][.c<ids>][.t<s|c><id>:<first>-<last>], e.g. p57.s3,5.c12.tc12:0-3)`);
    this.name = "StateIdError";
  }
}

const ID_PATTERN = /^p(\d+)(?:\.s(\d+(?:,\d+)*))?(?:\.c(\d+(?:,\d+)*))?(?:\.t([sc])(\d+):(\d+)-(\d+))?$/;

export function parseStateId(id: string): CrashStateSpec {
  const match = ID_PATTERN.exec(id.trim());
  if (match === null) throw new StateIdError(id, "not a crash state id");
  const ids = (list: string | undefined) => (list === undefined ? [] : list.split(",").map(Number));
  const state: CrashStateSpec = { point: Number(match[1]), source: ids(match[2]), cache: ids(match[3]) };
  // A write survives or not: listed twice, the id says nothing more, and no campaign writes it so.
  for (const device of ["source", "cache"] as const) {
    const twice = state[device].find((writeId, i, list) => list.indexOf(writeId) !== i);
    if (twice !== undefined) throw new StateIdError(id, `${device} write ${twice} is listed twice`);
  }
  if (match[4] === undefined) return state;
  const tear: TearSpec = { device: match[4] === "s" ? "source" : "cache", writeId: Number(match[5]), firstKept: Number(match[6]), lastKept: Number(match[7]) };
  if (tear.lastKept < tear.firstKept) throw new StateIdError(id, "the torn range ends before it starts");
  if (!(tear.device === "source" ? state.source : state.cache).includes(tear.writeId)) throw new StateIdError(id, `the torn write ${tear.writeId} is not among the surviving ${tear.device} writes`);
  return { ...state, tear };
}
