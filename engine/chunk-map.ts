import { SESSION_SLOTS } from "./on-disk/layout.js";

const ENTRY_WORDS = 2 * SESSION_SLOTS;
/**
 * Largest buffer groups are carved from (see newGroup). Below 128 KiB, where
 * glibc's allocator gives a block fresh pages of its own (mmap) and each page
 * costs a fault when first written, slabs come from the allocator's heap and
 * reuse memory freed earlier in the run: ~5% fewer page faults over a whole run.
 */
const MAX_SLAB_BYTES = 64 * 1024;

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
 *
 * Groups are views carved from shared buffers ("slabs") rather than arrays of
 * their own: a typed array with its own buffer costs a separate allocation
 * outside the JS heap, and a million-copy map has ~70,000 groups (with 512-byte
 * sectors), which cost more than everything else of its recovery's rebuild.
 */
export class ChunkMap {
  private readonly groups = new Map<number, Uint32Array>();
  /** The group groupForWrite returned last (groups are never removed, so it stays valid). */
  private lastWrittenKey = -1;
  private lastWrittenGroup: Uint32Array | undefined;
  /** The buffer new groups are carved from, and the bytes of it already handed out. */
  private slab: ArrayBuffer | undefined;
  private slabUsedBytes = 0;

  constructor(readonly entriesPerGroup: number) {}

  /** The group holding a chunk's entry and the entry's first word, or undefined when the group was never touched. */
  group(sourceChunk: number): Uint32Array | undefined {
    return this.groups.get(Math.floor(sourceChunk / this.entriesPerGroup));
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
      group = this.newGroup();
      this.groups.set(key, group);
    }
    this.lastWrittenKey = key;
    this.lastWrittenGroup = group;
    return group;
  }

  /**
   * A zeroed group from the slab. Slabs double from one group up to
   * MAX_SLAB_BYTES (or one group, if larger), so a small map stays small
   * (crash campaigns build thousands) and memory still follows the touched
   * groups: at most one slab is partly unused.
   */
  private newGroup(): Uint32Array {
    const groupBytes = this.entriesPerGroup * ENTRY_WORDS * Uint32Array.BYTES_PER_ELEMENT;
    if (this.slab === undefined || this.slabUsedBytes + groupBytes > this.slab.byteLength) {
      const groups = this.slab === undefined ? 1 : Math.min(2 * (this.slab.byteLength / groupBytes), Math.max(1, Math.floor(MAX_SLAB_BYTES / groupBytes)));
      this.slab = new ArrayBuffer(groups * groupBytes);
      this.slabUsedBytes = 0;
    }
    const group = new Uint32Array(this.slab, this.slabUsedBytes, this.entriesPerGroup * ENTRY_WORDS);
    this.slabUsedBytes += groupBytes;
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
   * Every touched group with its first source chunk, in the order the groups
   * were made, which is the order they lie in memory (see newGroup): for walks
   * whose outcome does not depend on the order, which follows the map's history.
   * A walk in source chunk order jumps across memory at every group.
   */
  forEachGroupInMemoryOrder(visit: (firstChunk: number, group: Uint32Array) => void): void {
    for (const [key, group] of this.groups) visit(key * this.entriesPerGroup, group);
  }

  /**
   * Every touched group with its first source chunk, ascending (iteration
   * order never depends on history), for whole-map walks that read the words
   * themselves rather than a lookup per (chunk, slot).
   */
  forEachGroup(visit: (firstChunk: number, group: Uint32Array) => void): void {
    // Sorted as a typed array: numerically, with no comparator call per comparison (a map has ~70,000 groups).
    for (const key of Float64Array.from(this.groups.keys()).sort()) visit(key * this.entriesPerGroup, this.groups.get(key)!);
  }
}
