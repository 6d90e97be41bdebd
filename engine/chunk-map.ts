import { integerMapFor, type IntegerKeyedMap } from "../io/direct-integer-map.js";
import { SESSION_SLOTS } from "./on-disk/layout.js";
import { grown } from "../io/grown.js";

/** An entry's words in a group: see ChunkMap. */
const ENTRY_WORDS = 2;
const ENTRY_BYTES = ENTRY_WORDS * Uint32Array.BYTES_PER_ELEMENT;
/** The second word of a spilled entry: its first word is then the entry's place among the spilled ones. */
const SPILLED = 0x80000000;
/** The second word of an entry of one copy: the slots it serves in its low byte, its sequence list above. */
const SLOT_BITS = 8;
/** Sequence lists an entry of one copy can name (23 bits); past that, entries spill. */
const MAX_LISTS = 2 ** (31 - SLOT_BITS);
/** A spilled entry's words: copy + 1 per slot (0 = none), then the sequence per slot. */
const SPILLED_WORDS = 2 * SESSION_SLOTS;
/**
 * Largest word block (see newGroup). Below 128 KiB, where glibc's allocator
 * gives a block fresh pages of its own (mmap) and each page costs a fault
 * when first written, blocks come from the allocator's heap and reuse memory
 * freed earlier in the run: ~5% fewer page faults over a whole run.
 */
const MAX_BLOCK_BYTES = 64 * 1024;
/** Words in a 64-byte cache line. */
const LINE_WORDS = 16;
/** A group's address is (block << GROUP_BITS) | group within the block: a block holds at most 2^GROUP_BITS groups. */
const GROUP_BITS = 11;
const GROUP_MASK = (1 << GROUP_BITS) - 1;

/**
 * The DLM map in memory: for each touched source chunk, per session slot, the
 * COFW chunk holding that slot's point-in-time copy and the session sequence
 * number it was made for. An entry whose sequence is not the slot's current
 * one is stale and ignored, so stopping or replacing a session never has to
 * scrub the map.
 *
 * An entry is two words, because nearly every entry is one copy: a copy on
 * first write serves every session live when it is made. The first word is
 * that copy + 1 (0: no entry), the second the slots it serves (low byte)
 * and, above them, the number of the list of sequences it was made for (see
 * `lists`: one per set of live sessions the engine saw, not one per entry).
 * An entry whose slots name different copies, or copies made for different
 * lists, spills: its second word is SPILLED and its first the place of its
 * 16 words (copy + 1 per slot, then the sequence per slot) in `spilled`.
 * Sixteen words per entry for every entry were 64 MiB of map on a
 * million-chunk run, walked whole twice after it and read on every host
 * write; two are 8 MiB.
 *
 * Entries are kept in groups of one map sector's worth (the on-disk unit), so
 * memory follows the touched sectors, not the Source LU's size. Groups live
 * side by side in a few large word blocks, found through an IntegerMap: one
 * probe and one block read per lookup, where a Map of a typed array per group
 * cost several dependent cache misses on every host write. Given the Source
 * LU's size, a DirectIntegerMap where the groups are few enough: a 64 GiB
 * Source LU's 70,000 groups then take 280 KB of index, which stays in the
 * processor's cache, where the hash table's 4 MiB missed on most lookups.
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
  private at = 0;
  /** touch()'s group addresses, one per chunk. */
  private touchAddresses = new Int32Array(0);
  /** The sequence lists, SESSION_SLOTS words each; `listNumbers` finds a list by its words. */
  private lists = new Uint32Array(SESSION_SLOTS);
  private listCount = 0;
  private readonly listNumbers = new Map<string, number>();
  /** Spilled entries' words (SPILLED_WORDS each), and the places free for reuse. */
  private spilled = new Uint32Array(0);
  private spilledTop = 0;
  private readonly freeSpills: number[] = [];
  /** One entry's copy + 1 and sequence per slot, while it changes (see read() and write()). */
  private readonly copies = new Uint32Array(SESSION_SLOTS);
  private readonly sequences = new Uint32Array(SESSION_SLOTS);

  /** `sourceChunkCount`, when given, bounds the chunks the map may hold (see the class comment). */
  constructor(
    readonly entriesPerGroup: number,
    sourceChunkCount?: number,
  ) {
    this.addresses = integerMapFor(sourceChunkCount === undefined ? undefined : Math.ceil(sourceChunkCount / entriesPerGroup));
    this.groupWords = entriesPerGroup * ENTRY_WORDS;
    this.maxBlockGroups = Math.min(2 ** GROUP_BITS, Math.max(1, Math.floor(MAX_BLOCK_BYTES / (entriesPerGroup * ENTRY_BYTES))));
  }

  /** The block holding a chunk's entry, with the entry's first word in `at`; undefined when its group was never touched. */
  private find(sourceChunk: number): Uint32Array | undefined {
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
    // An int32 (`at` stays a small integer field: a double there changed ChunkMap's shape mid-run, see withDoubleFields).
    return ((address & GROUP_MASK) * this.groupWords + (sourceChunk - key * this.entriesPerGroup) * ENTRY_WORDS) | 0;
  }

  /**
   * Reads the groups of the first `count` chunks, in two passes (group
   * addresses, then a word of each cache line of the group), and returns a
   * number made of them so that the reads are not optimised away. Changes
   * nothing. A host write looks up its chunk's entry, and a copy on first
   * write encodes the chunk's map sector, the whole group, from memory: at
   * a random chunk, lines not in the processor's caches. These reads are
   * independent of one another, so the processor overlaps their misses (see
   * CofwEngine.prefetch). A group of a 512-byte map sector is 128 bytes,
   * over two or three lines (blocks are only as aligned as malloc makes
   * them, 16 bytes): a word 64 bytes apart from its first, and its last.
   */
  touch(sourceChunks: ArrayLike<number>, count: number): number {
    if (this.touchAddresses.length < count) this.touchAddresses = new Int32Array(count);
    const addresses = this.touchAddresses;
    const perGroup = this.entriesPerGroup;
    const groupWords = this.groupWords;
    for (let i = 0; i < count; i++) addresses[i] = this.addresses.get(Math.floor(sourceChunks[i]! / perGroup));
    let sum = 0;
    for (let i = 0; i < count; i++) {
      const address = addresses[i]!;
      if (address < 0) continue;
      const block = this.blocks[address >>> GROUP_BITS]!;
      const base = (address & GROUP_MASK) * groupWords;
      for (let word = base; word < base + groupWords; word += LINE_WORDS) sum += block[word]!;
      sum += block[base + groupWords - 1]!;
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
    const first = words[this.at]!;
    const second = words[this.at + 1]!;
    if (second === SPILLED) {
      const at = first * SPILLED_WORDS;
      const plusOne = this.spilled[at + slot]!;
      return plusOne !== 0 && this.spilled[at + SESSION_SLOTS + slot] === sequence ? plusOne - 1 : undefined;
    }
    return first !== 0 && ((second >>> slot) & 1) === 1 && this.lists[(second >>> SLOT_BITS) * SESSION_SLOTS + slot] === sequence ? first - 1 : undefined;
  }

  set(sourceChunk: number, slot: number, sequence: number, copy: number): void {
    const words = this.findForWrite(sourceChunk);
    this.read(words, this.at);
    this.copies[slot] = copy + 1;
    this.sequences[slot] = sequence;
    this.write(words, this.at);
  }

  /**
   * Makes `copy` the copy of `sourceChunk` for every slot in `mask`, made for
   * `sequences[slot]`: one lookup for all of them (a copy serves up to 8
   * sessions). Returns -1 when done, or, changing nothing, the first slot that
   * already has a copy made for that sequence (the caller's invariant broke).
   */
  setSlots(sourceChunk: number, mask: number, sequences: ArrayLike<number>, copy: number): number {
    const words = this.findForWrite(sourceChunk);
    const at = this.at;
    // The usual case: a chunk's first copy, for the live sessions' list (the last one named, most often).
    if (words[at] === 0 && words[at + 1] === 0 && mask !== 0) {
      const list = this.listOf(sequences);
      if (list >= 0) {
        words[at] = copy + 1;
        words[at + 1] = mask | (list << SLOT_BITS);
        return -1;
      }
    }
    this.read(words, at);
    for (let slot = 0; slot < SESSION_SLOTS; slot++) {
      if (((mask >> slot) & 1) !== 0 && this.copies[slot] !== 0 && this.sequences[slot] === sequences[slot]) return slot;
    }
    for (let slot = 0; slot < SESSION_SLOTS; slot++) {
      if (((mask >> slot) & 1) === 0) continue;
      this.copies[slot] = copy + 1;
      this.sequences[slot] = sequences[slot]!;
    }
    this.write(words, at);
    return -1;
  }

  /** An entry's copy + 1 and sequence per slot into `copies` and `sequences`. */
  private read(words: Uint32Array, at: number): void {
    const first = words[at]!;
    const second = words[at + 1]!;
    if (second === SPILLED) {
      const from = first * SPILLED_WORDS;
      this.copies.set(this.spilled.subarray(from, from + SESSION_SLOTS));
      this.sequences.set(this.spilled.subarray(from + SESSION_SLOTS, from + SPILLED_WORDS));
      return;
    }
    const list = (second >>> SLOT_BITS) * SESSION_SLOTS;
    for (let slot = 0; slot < SESSION_SLOTS; slot++) {
      const serves = first !== 0 && ((second >>> slot) & 1) === 1;
      this.copies[slot] = serves ? first : 0;
      this.sequences[slot] = serves ? this.lists[list + slot]! : 0;
    }
  }

  /** Writes `copies` and `sequences` as the entry at `at`: of one copy when they allow it, else spilled. */
  private write(words: Uint32Array, at: number): void {
    const wasSpilled = words[at + 1] === SPILLED ? words[at]! : -1;
    let slots = 0;
    let copyPlusOne = 0;
    let oneCopy = true;
    for (let slot = 0; slot < SESSION_SLOTS; slot++) {
      const plusOne = this.copies[slot]!;
      if (plusOne === 0) {
        this.sequences[slot] = 0;
        continue;
      }
      if (slots !== 0 && plusOne !== copyPlusOne) oneCopy = false;
      copyPlusOne = plusOne;
      slots |= 1 << slot;
    }
    const list = oneCopy && slots !== 0 ? this.listOf(this.sequences) : -1;
    if (slots === 0 || list >= 0) {
      if (wasSpilled >= 0) this.freeSpills.push(wasSpilled);
      words[at] = copyPlusOne;
      words[at + 1] = slots === 0 ? 0 : slots | (list << SLOT_BITS);
      return;
    }
    const place = wasSpilled >= 0 ? wasSpilled : this.newSpill();
    this.spilled.set(this.copies, place * SPILLED_WORDS);
    this.spilled.set(this.sequences, place * SPILLED_WORDS + SESSION_SLOTS);
    words[at] = place;
    words[at + 1] = SPILLED;
  }

  private newSpill(): number {
    const reused = this.freeSpills.pop();
    if (reused !== undefined) return reused;
    if ((this.spilledTop + 1) * SPILLED_WORDS > this.spilled.length) {
      this.spilled = grown(this.spilled, new Uint32Array(Math.max(SPILLED_WORDS, 2 * this.spilled.length)));
    }
    return this.spilledTop++;
  }

  /** The number of the list holding `sequences`' words, made if new; -1 when no more lists can be numbered. */
  private listOf(sequences: ArrayLike<number>): number {
    const last = (this.listCount - 1) * SESSION_SLOTS;
    const lists = this.lists;
    if (
      this.listCount > 0 &&
      lists[last] === sequences[0] &&
      lists[last + 1] === sequences[1] &&
      lists[last + 2] === sequences[2] &&
      lists[last + 3] === sequences[3] &&
      lists[last + 4] === sequences[4] &&
      lists[last + 5] === sequences[5] &&
      lists[last + 6] === sequences[6] &&
      lists[last + 7] === sequences[7]
    ) {
      return this.listCount - 1;
    }
    const words = Array.from({ length: SESSION_SLOTS }, (_, slot) => sequences[slot]!);
    const key = words.join(",");
    const known = this.listNumbers.get(key);
    if (known !== undefined) return known;
    if (this.listCount === MAX_LISTS) return -1;
    if ((this.listCount + 1) * SESSION_SLOTS > lists.length) {
      this.lists = grown(lists, new Uint32Array(2 * lists.length));
    }
    this.lists.set(words, this.listCount * SESSION_SLOTS);
    this.listNumbers.set(key, this.listCount);
    return this.listCount++;
  }

  /** The slots of list `list` whose sequence is the live one (`live[slot]`, 0 for no live session: never a match). */
  private liveSlotsOf(list: number, live: ArrayLike<number>): number {
    const at = list * SESSION_SLOTS;
    let slots = 0;
    for (let slot = 0; slot < SESSION_SLOTS; slot++) {
      const sequence = live[slot]!;
      if (sequence !== 0 && this.lists[at + slot] === sequence) slots |= 1 << slot;
    }
    return slots;
  }

  /**
   * The slots with a live session (`live[slot]` not 0) that have no copy of
   * `sourceChunk` made for it: what a host write must copy first.
   */
  uncoveredSlots(sourceChunk: number, live: ArrayLike<number>): number {
    let liveSlots = 0;
    for (let slot = 0; slot < SESSION_SLOTS; slot++) if (live[slot] !== 0) liveSlots |= 1 << slot;
    const words = this.find(sourceChunk);
    if (words === undefined) return liveSlots;
    const first = words[this.at]!;
    const second = words[this.at + 1]!;
    if (second !== SPILLED) return first === 0 ? liveSlots : liveSlots & ~(second & this.liveSlotsOf(second >>> SLOT_BITS, live));
    return liveSlots & ~this.spilledLiveSlots(first, live);
  }

  /**
   * The slots of the spilled entry at `place` that hold a copy made for their
   * live session (`live[slot]`, 0 for none). A slot without a copy holds
   * sequence 0 (see write()), which no live session has.
   */
  private spilledLiveSlots(place: number, live: ArrayLike<number>): number {
    const at = place * SPILLED_WORDS;
    let slots = 0;
    for (let slot = 0; slot < SESSION_SLOTS; slot++) {
      const sequence = live[slot]!;
      if (sequence !== 0 && this.spilled[at + SESSION_SLOTS + slot] === sequence) slots |= 1 << slot;
    }
    return slots;
  }

  /**
   * The on-disk words of the entries of `count` chunks from `firstChunk`, all
   * in one group (a map sector's, or one), into `out` from `outAt`: per entry
   * and slot, copy + 1 if the copy was made for the slot's live session
   * (`live[slot]`, 0 for none), else 0. Zeros for a group never touched.
   */
  liveWords(firstChunk: number, count: number, live: ArrayLike<number>, out: Uint32Array, outAt: number): void {
    const words = this.find(firstChunk);
    if (words === undefined) {
      out.fill(0, outAt, outAt + count * SESSION_SLOTS);
      return;
    }
    let list = -1;
    let listSlots = 0;
    for (let e = 0, at = this.at; e < count; e++, at += ENTRY_WORDS, outAt += SESSION_SLOTS) {
      const first = words[at]!;
      const second = words[at + 1]!;
      if (second === SPILLED) {
        const from = first * SPILLED_WORDS;
        const slots = this.spilledLiveSlots(first, live);
        for (let slot = 0; slot < SESSION_SLOTS; slot++) out[outAt + slot] = ((slots >>> slot) & 1) === 1 ? this.spilled[from + slot]! : 0;
        continue;
      }
      // Neighbouring entries were nearly always made for one list: its live slots are worked out once.
      if (first !== 0 && second >>> SLOT_BITS !== list) {
        list = second >>> SLOT_BITS;
        listSlots = this.liveSlotsOf(list, live);
      }
      const slots = first === 0 ? 0 : second & listSlots;
      out[outAt] = slots & 1 ? first : 0;
      out[outAt + 1] = slots & 2 ? first : 0;
      out[outAt + 2] = slots & 4 ? first : 0;
      out[outAt + 3] = slots & 8 ? first : 0;
      out[outAt + 4] = slots & 16 ? first : 0;
      out[outAt + 5] = slots & 32 ? first : 0;
      out[outAt + 6] = slots & 64 ? first : 0;
      out[outAt + 7] = slots & 128 ? first : 0;
    }
  }

  /**
   * For each entry of the group a walk visits (see forEachGroup), the slots
   * whose copy was made for their live session (`live[slot]`, 0 for none)
   * into `slotsOut`, and, when those slots all name one copy, that copy + 1
   * into `copyPlusOneOut`, else 0 (liveWords then gives each slot's).
   */
  liveSummary(words: Uint32Array, base: number, live: ArrayLike<number>, slotsOut: Uint8Array, copyPlusOneOut: Uint32Array): void {
    let list = -1;
    let listSlots = 0;
    for (let e = 0, at = base; e < this.entriesPerGroup; e++, at += ENTRY_WORDS) {
      const first = words[at]!;
      const second = words[at + 1]!;
      if (second !== SPILLED) {
        if (first !== 0 && second >>> SLOT_BITS !== list) {
          list = second >>> SLOT_BITS;
          listSlots = this.liveSlotsOf(list, live);
        }
        const slots = first === 0 ? 0 : second & listSlots;
        slotsOut[e] = slots;
        copyPlusOneOut[e] = slots === 0 ? 0 : first;
        continue;
      }
      const from = first * SPILLED_WORDS;
      const slots = this.spilledLiveSlots(first, live);
      // Their one copy + 1, or 0 when they name several.
      let copyPlusOne = 0;
      for (let slot = 0, seen = 0; slot < SESSION_SLOTS; slot++) {
        if (((slots >>> slot) & 1) === 0) continue;
        const plusOne = this.spilled[from + slot]!;
        copyPlusOne = seen++ === 0 || plusOne === copyPlusOne ? plusOne : 0;
      }
      slotsOut[e] = slots;
      copyPlusOneOut[e] = copyPlusOne;
    }
  }

  /** Source chunks that have any entry, ascending: iteration order never depends on history. */
  touchedChunks(): number[] {
    const out: number[] = [];
    this.forEachGroup((firstChunk, words, base) => {
      for (let e = 0; e < this.entriesPerGroup; e++) {
        const at = base + e * ENTRY_WORDS;
        if (words[at] !== 0 || words[at + 1] !== 0) out.push(firstChunk + e);
      }
    });
    return out;
  }

  /**
   * Every touched group with its first source chunk, ascending (iteration
   * order never depends on history), for whole-map walks: `words` and
   * `base` are the group's, for liveSummary.
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
