import { SESSION_SLOTS } from "./on-disk/layout.js";

const ENTRY_WORDS = 2 * SESSION_SLOTS;

/**
 * The DLM map in memory: for each touched source chunk, per session slot, the
 * COFW chunk holding that slot's point-in-time copy and the session sequence
 * number it was made for. An entry whose sequence is not the slot's current
 * one is stale and ignored, so stopping or replacing a session never has to
 * scrub the map.
 *
 * Entries are kept in groups of one map sector's worth (the on-disk unit):
 * encoding a sector or checking a chunk costs one hash lookup, and the memory
 * follows the touched sectors, not the Source LU's size. In a group, entry e
 * is words [16e, 16e + 16): copy + 1 per slot (0 = none), then sequence per slot.
 */
export class ChunkMap {
  private readonly groups = new Map<number, Uint32Array>();
  /** The group groupForWrite returned last (groups are never removed, so it stays valid). */
  private lastWrittenKey = -1;
  private lastWrittenGroup: Uint32Array | undefined;

  constructor(readonly entriesPerGroup: number) {}

  /** The group holding a chunk's entry and the entry's first word, or undefined when the group was never touched. */
  group(sourceChunk: number): Uint32Array | undefined {
    const key = Math.floor(sourceChunk / this.entriesPerGroup);
    // A copy's map sector is encoded right after its entries were set: the same group, without a second hash lookup.
    return key === this.lastWrittenKey ? this.lastWrittenGroup : this.groups.get(key);
  }

  /** Index of a chunk's entry's first word within its group. */
  entryOffset(sourceChunk: number): number {
    return (sourceChunk % this.entriesPerGroup) * ENTRY_WORDS;
  }

  /** The copy for (source chunk, slot) if it was made for `sequence`, else undefined. */
  copyFor(sourceChunk: number, slot: number, sequence: number): number | undefined {
    const group = this.group(sourceChunk);
    if (group === undefined) return undefined;
    const at = this.entryOffset(sourceChunk);
    const plusOne = group[at + slot]!;
    return plusOne !== 0 && group[at + SESSION_SLOTS + slot] === sequence ? plusOne - 1 : undefined;
  }

  set(sourceChunk: number, slot: number, sequence: number, copy: number): void {
    const group = this.groupForWrite(sourceChunk);
    const at = this.entryOffset(sourceChunk);
    group[at + slot] = copy + 1;
    group[at + SESSION_SLOTS + slot] = sequence;
  }

  /**
   * Makes `copy` the copy of `sourceChunk` for every slot in `mask`, made for
   * `sequences[slot]`: one group lookup for all of them (a copy serves up to 8
   * sessions). Returns -1 when done, or, changing nothing, the first slot that
   * already has a copy made for that sequence (the caller's invariant broke).
   */
  setSlots(sourceChunk: number, mask: number, sequences: readonly number[], copy: number): number {
    const group = this.groupForWrite(sourceChunk);
    const at = this.entryOffset(sourceChunk);
    for (let slot = 0; slot < SESSION_SLOTS; slot++) {
      if (((mask >> slot) & 1) !== 0 && group[at + slot] !== 0 && group[at + SESSION_SLOTS + slot] === sequences[slot]) return slot;
    }
    for (let slot = 0; slot < SESSION_SLOTS; slot++) {
      if (((mask >> slot) & 1) === 0) continue;
      group[at + slot] = copy + 1;
      group[at + SESSION_SLOTS + slot] = sequences[slot]!;
    }
    return -1;
  }

  private groupForWrite(sourceChunk: number): Uint32Array {
    const key = Math.floor(sourceChunk / this.entriesPerGroup);
    // Recovery sets entries sector by sector, slot by slot: the same group many times running.
    if (key === this.lastWrittenKey) return this.lastWrittenGroup!;
    let group = this.groups.get(key);
    if (group === undefined) {
      group = new Uint32Array(this.entriesPerGroup * ENTRY_WORDS);
      this.groups.set(key, group);
    }
    this.lastWrittenKey = key;
    this.lastWrittenGroup = group;
    return group;
  }

  /** Source chunks that have any entry, ascending: iteration order never depends on history. */
  touchedChunks(): number[] {
    const out: number[] = [];
    this.forEachGroup((firstChunk, group) => {
      for (let e = 0; e < this.entriesPerGroup; e++) {
        for (let slot = 0; slot < SESSION_SLOTS; slot++) {
          if (group[e * ENTRY_WORDS + slot] !== 0) {
            out.push(firstChunk + e);
            break;
          }
        }
      }
    });
    return out;
  }

  /**
   * Every touched group with its first source chunk, ascending (iteration
   * order never depends on history), for whole-map walks that read the words
   * themselves rather than a lookup per (chunk, slot).
   */
  forEachGroup(visit: (firstChunk: number, group: Uint32Array) => void): void {
    for (const key of [...this.groups.keys()].sort((a, b) => a - b)) visit(key * this.entriesPerGroup, this.groups.get(key)!);
  }
}
