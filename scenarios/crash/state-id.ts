/** Which LU a device or a write belongs to. */
export type DeviceRole = "source" | "cache";

/**
 * The key a logged disk's writes are listed under in a state id: `s` or `c`
 * for a plain LU's device (`s` also for one disk both LUs share), `s0/`,
 * `s1/`, `c0/`... for the members of a striped LU, in stripe order (a nested
 * stripe's leaf devices, depth first).
 */
export type DiskKey = string;

/** A torn surviving write: only sectors firstKept..lastKept (relative to the write, inclusive) reached the media. */
export interface TearSpec {
  readonly disk: DiskKey;
  readonly writeId: number;
  readonly firstKept: number;
  readonly lastKept: number;
}

/**
 * One crash state: a crash point and, per logged disk, which of the writes
 * pending there survived (ids in the disk's write log; a disk with none
 * listed lost them all), and at most one torn survivor. Written as an id
 * that says all of it, so a state can be replayed from its id alone:
 * `p57.s3,5.c12,14.tc14:0-3` is crash point 57, source writes 3 and 5 and
 * cache writes 12 and 14 survived, and cache write 14 only in its sectors 0
 * to 3; `p57.c0/12.c1/3,4` lists the writes of a striped Cache LU's members
 * 0 and 1.
 */
export interface CrashStateSpec {
  readonly point: number;
  readonly surviving: Readonly<Record<DiskKey, readonly number[]>>;
  readonly tear?: TearSpec;
}

/** The surviving writes a state lists for one disk (none if it lists none). */
export function survivorsOn(state: CrashStateSpec, disk: DiskKey): readonly number[] {
  return state.surviving[disk] ?? [];
}

/** How many surviving writes a state lists, on every disk. */
export function survivorCount(state: CrashStateSpec): number {
  return Object.values(state.surviving).reduce((sum, ids) => sum + ids.length, 0);
}

/** The key of a plain LU's device (`member` undefined) or of member `member` of a striped LU. */
export function diskKey(role: DeviceRole, member?: number): DiskKey {
  return `${role === "source" ? "s" : "c"}${member === undefined ? "" : `${member}/`}`;
}

/** The LU a key names and, for a stripe member, its number. */
export function parseDiskKey(key: DiskKey): { readonly role: DeviceRole; readonly member: number | undefined } {
  const member = key.length > 1 ? Number(key.slice(1, -1)) : undefined;
  return { role: key.startsWith("s") ? "source" : "cache", member };
}

/** The order lists appear in an id: the Source LU's first, a plain device's before members, members by number. */
export function compareDiskKeys(a: DiskKey, b: DiskKey): number {
  const x = parseDiskKey(a);
  const y = parseDiskKey(b);
  if (x.role !== y.role) return x.role === "source" ? -1 : 1;
  return (x.member ?? -1) - (y.member ?? -1);
}

/** A human name of a disk's writes in messages: "source", "cache", "cache member 1". */
export function describeDisk(key: DiskKey): string {
  const { role, member } = parseDiskKey(key);
  return member === undefined ? role : `${role} member ${member}`;
}

export function formatStateId(state: CrashStateSpec): string {
  let id = `p${state.point}`;
  for (const key of Object.keys(state.surviving).sort(compareDiskKeys)) {
    const ids = state.surviving[key]!;
    if (ids.length > 0) id += `.${key}${ids.join(",")}`;
  }
  if (state.tear !== undefined) id += `.t${state.tear.disk}${state.tear.writeId}:${state.tear.firstKept}-${state.tear.lastKept}`;
  return id;
}

export class StateIdError extends Error {
  constructor(id: string, why: string) {
    super(
      `crash state id "${id}": ${why} (expected the form p<point>[.s<ids>][.c<ids>][.t<s|c><id>:<first>-<last>], e.g. p57.s3,5.c12.tc12:0-3; a striped LU lists each member n's writes after s<n>/ or c<n>/, e.g. p57.c0/12.c1/3,4.tc1/4:0-3)`,
    );
    this.name = "StateIdError";
  }
}

const KEY = "[sc](?:\\d+/)?";
const ID_PATTERN = new RegExp(`^p(\\d+)((?:\\.${KEY}\\d+(?:,\\d+)*)*)(?:\\.t(${KEY})(\\d+):(\\d+)-(\\d+))?$`);
const LIST_PATTERN = new RegExp(`\\.(${KEY})(\\d+(?:,\\d+)*)`, "g");

export function parseStateId(id: string): CrashStateSpec {
  const match = ID_PATTERN.exec(id.trim());
  if (match === null) throw new StateIdError(id, "not a crash state id");
  const surviving: Record<DiskKey, readonly number[]> = {};
  let previous: DiskKey | undefined;
  for (const [, key, list] of match[2]!.matchAll(LIST_PATTERN)) {
    // One order, so that one state has one id: a disk listed twice or out of order is refused.
    if (previous !== undefined && compareDiskKeys(previous, key!) >= 0) throw new StateIdError(id, `the ${describeDisk(key!)} writes are listed ${previous === key ? "twice" : `after the ${describeDisk(previous)} writes`}`);
    previous = key!;
    const ids = list!.split(",").map(Number);
    // A write survives or not: listed twice, the id says nothing more, and no campaign writes it so.
    const twice = ids.find((writeId, i) => ids.indexOf(writeId) !== i);
    if (twice !== undefined) throw new StateIdError(id, `${describeDisk(key!)} write ${twice} is listed twice`);
    surviving[key!] = ids;
  }
  const state: CrashStateSpec = { point: Number(match[1]), surviving };
  if (match[3] === undefined) return state;
  const tear: TearSpec = { disk: match[3], writeId: Number(match[4]), firstKept: Number(match[5]), lastKept: Number(match[6]) };
  if (tear.lastKept < tear.firstKept) throw new StateIdError(id, "the torn range ends before it starts");
  if (!survivorsOn(state, tear.disk).includes(tear.writeId)) throw new StateIdError(id, `the torn write ${tear.writeId} is not among the surviving ${describeDisk(tear.disk)} writes`);
  return { ...state, tear };
}
