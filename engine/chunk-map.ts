import { integerMapFor, type IntegerKeyedMap } from "../io/direct-integer-map.js";
import { SESSION_SLOTS } from "./on-disk/layout.js";

const ENTRY_WORDS = 2 * SESSION_SLOTS;
const ENTRY_BYTES = ENTRY_WORDS * Uint32Array.BYTES_PER_ELEMENT;
/**
 * Largest word block (see newGroup). Below 128 KiB, where glibc's allocator
 * gives a block fresh pages of its own (mmap) and each page costs a fault
 * when first written, blocks come from the allocator's heap and reuse memory
 * freed earlier in the run: ~5% fewer page faults over a whole run.
 */
const MAX_BLOCK_BYTES = 64 * 1024;
/** A group's address is (block << GROUP_BITS) | group within the block: a block holds at most 2^GROUP_BITS groups of one entry. */
const GROUP_BITS = 11;
const GROUP_MASK = (1 << GROUP_BITS) - 1;

/**
 * The DLM map in memory: for each touched source chunk, per session slot, the
 * COFW chunk holding that slot's point-in-time copy and the session sequence
 * number it was made for. An entry whose sequence is not the slot's current
 * one is stale and ignored, so stopping or replacing a session never has to
 * scrub the map.
 *
 * Entries are kept in groups of one map sector's worth (the on-disk unit), so
 * memory follows the touched sectors, not the Source LU's size. Groups live
 * side by side in a few large word blocks, found through an IntegerMap: one
 * probe and one block read per lookup, where a Map of a typed array per group
 * cost several dependent cache misses on every host write. Given the Source
 * LU's size, a DirectIntegerMap where the groups are few enough: a 64 GiB
 * Source LU's 70,000 groups then take 280 KB of index, which stays in the
 * processor's cache, where the hash table's 4 MiB missed on most lookups.
 * In a group, entry e is words [16e, 16e + 16): copy + 1 per slot (0 =
 * none), then the sequence per slot.
 */
export class ChunkMap {
  private readonly addresses: IntegerKeyedMap;
  private readonly blocks: Uint32Array[] = [];
  /** Per block, the key of each of its groups, in the order they were made. */
  private readonly blockKeys: Float64Array[] = [];
  /** Groups handed out from the last block. */
  private lastBlockGroups = 0;
  private readonly groupWords: number;
  /** Groups in the largest block. */
  private readonly maxBlockGroups: number;
  /** The group looked up last and its address (groups are never removed, so it stays valid). */
  private lastKey = -1;
  private lastAddress = -1;
  /** Where find() found the entry: the index of its first word in the block it returned. */
  at = 0;
  /** touch()'s group addresses, one per chunk. */
  private touchAddresses = new Int32Array(0);
  /** Told of every source chunk whose entry changes (the metadata's encoded map sectors follow them, see SectorImages). */
  onEntryChange: ((sourceChunk: number) => void) | undefined = undefined;

  /** `sourceChunkCount`, when given, bounds the chunks the map may hold (see the class comment). */
  constructor(
    readonly entriesPerGroup: number,
    sourceChunkCount?: number,
  ) {
    this.addresses = integerMapFor(sourceChunkCount === undefined ? undefined : Math.ceil(sourceChunkCount / entriesPerGroup));
    this.groupWords = entriesPerGroup * ENTRY_WORDS;
    this.maxBlockGroups = Math.max(1, Math.floor(MAX_BLOCK_BYTES / (entriesPerGroup * ENTRY_BYTES)));
  }

  /**
   * The block holding a chunk's entry, with the entry's first word in `at`;
   * undefined when its group was never touched.
   */
  find(sourceChunk: number): Uint32Array | undefined {
    const key = Math.floor(sourceChunk / this.entriesPerGroup);
    const address = key === this.lastKey ? this.lastAddress : this.addresses.get(key);
    if (address < 0) return undefined;
    this.lastKey = key;
    this.lastAddress = address;
    this.at = this.entryWord(address, sourceChunk, key);
    return this.blocks[address >>> GROUP_BITS];
  }

  /** The index, in its block, of the first word of `sourceChunk`'s entry, in the group at `address` (whose key is `key`). */
  private entryWord(address: number, sourceChunk: number, key: number): number {
    return (address & GROUP_MASK) * this.groupWords + (sourceChunk - key * this.entriesPerGroup) * ENTRY_WORDS;
  }

  /**
   * Reads the entries of the first `count` chunks, in two passes (group
   * addresses, then the entries), and returns a number made of them so that
   * the reads are not optimised away. Changes nothing. A host write's lookup
   * of a random chunk misses the processor's caches on its entry; these
   * lookups are independent of one another, so the processor overlaps their
   * misses (see CofwEngine.prefetch). Each entry's first and last word: an
   * entry is a cache line's 64 bytes, but a block is only as aligned as
   * malloc makes it (16 bytes), so most entries lie across two lines (the
   * whole run's rest 3,460 ms against 3,485, medians of eleven side by side).
   */
  touch(sourceChunks: ArrayLike<number>, count: number): number {
    if (this.touchAddresses.length < count) this.touchAddresses = new Int32Array(count);
    const addresses = this.touchAddresses;
    const perGroup = this.entriesPerGroup;
    for (let i = 0; i < count; i++) addresses[i] = this.addresses.get(Math.floor(sourceChunks[i]! / perGroup));
    let sum = 0;
    for (let i = 0; i < count; i++) {
      const address = addresses[i]!;
      if (address < 0) continue;
      const chunk = sourceChunks[i]!;
      const block = this.blocks[address >>> GROUP_BITS]!;
      const at = this.entryWord(address, chunk, Math.floor(chunk / perGroup));
      sum += block[at]! + block[at + ENTRY_WORDS - 1]!;
    }
    return sum;
  }

  /** As find(), making the group (all entries empty) when it was never touched. */
  private findForWrite(sourceChunk: number): Uint32Array {
    const found = this.find(sourceChunk);
    if (found !== undefined) return found;
    const key = Math.floor(sourceChunk / this.entriesPerGroup);
    this.addresses.set(key, this.newGroup(key));
    return this.find(sourceChunk)!;
  }

  /**
   * The address of a new, empty group. Blocks double from one group up to
   * MAX_BLOCK_BYTES (or one group, if larger), so a small map stays small
   * (crash campaigns build thousands) and memory still follows the touched
   * groups: at most one block is partly unused.
   */
  private newGroup(key: number): number {
    let block = this.blocks.length - 1;
    const capacity = block < 0 ? 0 : this.blocks[block]!.length / this.groupWords;
    if (this.lastBlockGroups === capacity) {
      const groups = Math.min(this.maxBlockGroups, Math.max(1, 2 * capacity));
      this.blocks.push(new Uint32Array(groups * this.groupWords));
      this.blockKeys.push(new Float64Array(groups));
      this.lastBlockGroups = 0;
      block++;
      // An address is a 31-bit integer (see GROUP_BITS): more blocks would wrap it and lose groups silently.
      if (block >= 2 ** (31 - GROUP_BITS)) throw new RangeError(`chunk map: more than ${2 ** (31 - GROUP_BITS)} blocks of groups; the map cannot address them`);
    }
    this.blockKeys[block]![this.lastBlockGroups] = key;
    return (block << GROUP_BITS) | this.lastBlockGroups++;
  }

  /** The copy for (source chunk, slot) if it was made for `sequence`, else undefined. */
  copyFor(sourceChunk: number, slot: number, sequence: number): number | undefined {
    const words = this.find(sourceChunk);
    if (words === undefined) return undefined;
    const at = this.at;
    const plusOne = words[at + slot]!;
    return plusOne !== 0 && words[at + SESSION_SLOTS + slot] === sequence ? plusOne - 1 : undefined;
  }

  set(sourceChunk: number, slot: number, sequence: number, copy: number): void {
    const words = this.findForWrite(sourceChunk);
    const at = this.at;
    words[at + slot] = copy + 1;
    words[at + SESSION_SLOTS + slot] = sequence;
    this.onEntryChange?.(sourceChunk);
  }

  /**
   * Makes `copy` the copy of `sourceChunk` for every slot in `mask`, made for
   * `sequences[slot]`: one lookup for all of them (a copy serves up to 8
   * sessions). Returns -1 when done, or, changing nothing, the first slot that
   * already has a copy made for that sequence (the caller's invariant broke).
   */
  setSlots(sourceChunk: number, mask: number, sequences: readonly number[], copy: number): number {
    const words = this.findForWrite(sourceChunk);
    const at = this.at;
    for (let slot = 0; slot < SESSION_SLOTS; slot++) {
      if (((mask >> slot) & 1) !== 0 && words[at + slot] !== 0 && words[at + SESSION_SLOTS + slot] === sequences[slot]) return slot;
    }
    for (let slot = 0; slot < SESSION_SLOTS; slot++) {
      if (((mask >> slot) & 1) === 0) continue;
      words[at + slot] = copy + 1;
      words[at + SESSION_SLOTS + slot] = sequences[slot]!;
    }
    this.onEntryChange?.(sourceChunk);
    return -1;
  }

  /** Source chunks that have any entry, ascending: iteration order never depends on history. */
  touchedChunks(): number[] {
    const out: number[] = [];
    this.forEachGroup((firstChunk, words, base) => {
      for (let e = 0; e < this.entriesPerGroup; e++) {
        for (let slot = 0; slot < SESSION_SLOTS; slot++) {
          if (words[base + e * ENTRY_WORDS + slot] !== 0) {
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
   * themselves rather than a lookup per (chunk, slot): the group's entry e is
   * at words[base + 16e].
   */
  forEachGroup(visit: (firstChunk: number, words: Uint32Array, base: number) => void): void {
    // Sorted as a typed array: numerically, with no comparator call per comparison (a map has ~70,000 groups).
    for (const key of Float64Array.from(this.addresses.keys()).sort()) {
      const address = this.addresses.get(key);
      visit(key * this.entriesPerGroup, this.blocks[address >>> GROUP_BITS]!, (address & GROUP_MASK) * this.groupWords);
    }
  }

  /**
   * Every touched group, as forEachGroup, in the order the groups were made,
   * which is the order they lie in memory (see newGroup): for walks whose
   * outcome does not depend on the order, which follows the map's history.
   * A walk in source chunk order jumps across memory at every group.
   */
  forEachGroupInMemoryOrder(visit: (firstChunk: number, words: Uint32Array, base: number) => void): void {
    for (let block = 0; block < this.blocks.length; block++) {
      const words = this.blocks[block]!;
      const keys = this.blockKeys[block]!;
      const groups = block === this.blocks.length - 1 ? this.lastBlockGroups : keys.length;
      for (let group = 0; group < groups; group++) visit(keys[group]! * this.entriesPerGroup, words, group * this.groupWords);
    }
  }
}
