import type { DlmMetadata, SlotEndReason, SlotRecord } from "./on-disk/codec.js";
import { SESSION_SLOTS } from "./on-disk/layout.js";
import { EngineUsageError } from "./errors.js";

/** The 8 session slots in memory, mirroring the current DLM metadata copy. */
export class Sessions {
  slots: SlotRecord[];
  nextSequence: number;
  /** Per slot, the live sequence number or 0: kept in step with `slots` for the write path. */
  readonly liveSequences = new Uint32Array(SESSION_SLOTS);
  /** Bumped whenever a slot changes: what was encoded from the live sequences before is out of date. */
  generation = 0;
  /** liveSequenceList's array, until a slot changes. */
  private liveSequenceListCache: readonly number[] | undefined;

  constructor(metadata: DlmMetadata) {
    this.slots = metadata.slots.map((slot) => ({ ...slot }));
    this.nextSequence = metadata.nextSequence;
    this.slots.forEach((slot, index) => (this.liveSequences[index] = slot.state === "active" ? slot.sequence : 0));
  }

  static fresh(): Sessions {
    const slots: SlotRecord[] = Array.from({ length: SESSION_SLOTS }, () => ({ state: "free", sequence: 0, endReason: "none" }));
    return new Sessions({ nextSequence: 1, slots });
  }

  snapshot(): DlmMetadata {
    return { nextSequence: this.nextSequence, slots: this.slots.map((slot) => ({ ...slot })) };
  }

  /** The slot's session sequence number if a session is live in it. */
  activeSequence(slot: number): number | undefined {
    const record = this.slots[slot];
    return record !== undefined && record.state === "active" ? record.sequence : undefined;
  }

  /** Bit s set for every slot with a live session. */
  activeMask(): number {
    let mask = 0;
    for (let slot = 0; slot < SESSION_SLOTS; slot++) if (this.slots[slot]!.state === "active") mask |= 1 << slot;
    return mask;
  }

  setSlot(slot: number, state: SlotRecord["state"], sequence: number, endReason: SlotEndReason): void {
    this.slots[slot] = { state, sequence, endReason };
    this.liveSequences[slot] = state === "active" ? sequence : 0;
    this.liveSequenceListCache = undefined;
    this.generation++;
  }

  /**
   * Each slot's live sequence number, 0 for none, as they are now. One array
   * for as long as no slot changes, never changed itself: every copy on first
   * write keeps the list it was made for, and a new array per copy was ~100
   * bytes of allocation each.
   */
  liveSequenceList(): readonly number[] {
    return (this.liveSequenceListCache ??= Array.from(this.liveSequences));
  }

  checkSlot(slot: number): void {
    if (!Number.isInteger(slot) || slot < 0 || slot >= SESSION_SLOTS) {
      throw new EngineUsageError(`session slot must be an integer from 0 to ${SESSION_SLOTS - 1}, got ${slot}`);
    }
  }
}
