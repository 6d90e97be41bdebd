import { SESSION_SLOTS } from "./on-disk/layout.js";

/**
 * The DLM map in memory: for each touched source chunk, per session slot, the
 * COFW chunk holding that slot's point-in-time copy and the session sequence
 * number it was made for. An entry whose sequence is not the slot's current
 * one is stale and ignored, so stopping or replacing a session never has to
 * scrub the map. Sparse: memory follows the touched chunks.
 */
export class ChunkMap {
  /** Per source chunk: [copy + 1 per slot (0 = none), then sequence per slot]. */
  private readonly entries = new Map<number, Uint32Array>();

  get touchedChunkCount(): number {
    return this.entries.size;
  }

  /** The copy for (source chunk, slot) if it was made for `sequence`, else undefined. */
  copyFor(sourceChunk: number, slot: number, sequence: number): number | undefined {
    const entry = this.entries.get(sourceChunk);
    if (entry === undefined) return undefined;
    const plusOne = entry[slot]!;
    return plusOne !== 0 && entry[SESSION_SLOTS + slot] === sequence ? plusOne - 1 : undefined;
  }

  /** The raw entry of a source chunk (layout as in `entries`), for hot paths that check every slot. */
  entry(sourceChunk: number): Uint32Array | undefined {
    return this.entries.get(sourceChunk);
  }

  set(sourceChunk: number, slot: number, sequence: number, copy: number): void {
    let entry = this.entries.get(sourceChunk);
    if (entry === undefined) {
      entry = new Uint32Array(2 * SESSION_SLOTS);
      this.entries.set(sourceChunk, entry);
    }
    entry[slot] = copy + 1;
    entry[SESSION_SLOTS + slot] = sequence;
  }

  clear(sourceChunk: number, slot: number): void {
    const entry = this.entries.get(sourceChunk);
    if (entry !== undefined) entry[slot] = 0;
  }

  /** Source chunks that have any entry, ascending: iteration order never depends on history. */
  touchedChunks(): number[] {
    return [...this.entries.keys()].sort((a, b) => a - b);
  }
}
