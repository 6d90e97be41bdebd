import type { Coroutine } from "../../io/coroutine.js";
import type { Payload } from "../../io/payload.js";
import { EngineAssertionError, EngineError, cofwChunkOffsetBytes, computeLayout, fsck, mountCacheLu, type CofwEngine, type Layout } from "../../engine/index.js";
import type { ContentStore } from "../../sim/devices/content-store.js";
import { InstantModel } from "../../sim/devices/models/instant.js";
import { SimDevice } from "../../sim/devices/sim-device.js";
import { Kernel } from "../../sim/kernel.js";
import { SimulationError } from "../../sim/errors.js";
import { mountOptionsFor, type EngineParts } from "../runner/run-scenario.js";
import { CrashImage } from "./crash-image.js";
import { upperBound, type CrashOracle } from "./oracle.js";
import type { AllowedBySector } from "./allowed-by-sector.js";
import { TokenBuffer, allows, describeToken, tokensInto, type Token } from "./tokens.js";
import { startsSession } from "../session-starts.js";
import type { LoggedSessionOp } from "./host-log.js";
import type { Recording } from "./record.js";
import { formatStateId, survivorsOn, type CrashStateSpec } from "./state-id.js";
import { BadValueError } from "../../io/bad-value-error.js";
import { luDevicesFrom, luOffsetOf } from "./logged-devices.js";

/** What checking one crash state found. */
export type CheckOutcome =
  | { readonly kind: "ok"; readonly reclaimedChunks: number }
  /** Recovery refused, with the engine's typed error, a state outside the promised fault model. */
  | { readonly kind: "refused"; readonly reason: string }
  | { readonly kind: "finding"; readonly invariant: number; readonly check: string; readonly message: string };

/** The images of a crash state's logged disks, in LoggedDevices.disks order. */
export type CrashImages = readonly CrashImage[];

/** The images' contents, for luDevicesFrom; `take` hands them over, forgotten here. */
export function imageStores(images: CrashImages, take = false): ContentStore[] {
  return images.map((image) => (take ? image.take() : image.store()));
}

/** A key of a state's images together, worked out without building them (see CrashImage.contentHash). */
export function imagesKey(images: CrashImages): string {
  return images.map((image) => image.contentHash()).join("/");
}

const CLEAN = { clean: true, fatal: [] } as const;

function finding(invariant: number, check: string, message: string): CheckOutcome {
  return { kind: "finding", invariant, check, message };
}

/** Everything a campaign checks states against, built once per recording. */
export class StateChecker {
  readonly layout: Layout;
  /** Cache LU bytes below this hold metadata; at and above, COFW chunks. */
  private readonly dataAreaBytes: number;
  /**
   * The session starts (and replaces) of the run, in order, each with the
   * stretches of crash points in which another operation on its slot may
   * have taken effect after it (see supersedingStretches): worked out once,
   * not filtered out of the log on every crash state.
   */
  private readonly sessionStarts: Array<{ readonly op: LoggedSessionOp; readonly index: number; readonly superseded: ReadonlyArray<readonly [from: number, until: number]> }>;
  /** The crash points, ascending, from which anything the checks expect may change (see expectationEpoch). */
  private readonly expectationChangePoints: readonly number[];
  /** The last chunk read's tokens (see chunkTokens). */
  private readonly tokens = new TokenBuffer();

  constructor(
    readonly recording: Recording,
    readonly oracle: CrashOracle,
    readonly parts: EngineParts | undefined,
  ) {
    const { scenario, cache } = recording;
    this.layout = computeLayout({
      sectorSizeBytes: scenario.engine.metadataBlockBytes ?? cache.sectorSizeBytes,
      chunkSizeBytes: scenario.engine.chunkSizeBytes,
      regionSizeBytes: scenario.engine.regionSizeBytes,
      sourceCapacityBytes: recording.source.capacityBytes,
      cacheCapacityBytes: recording.cache.capacityBytes,
    });
    this.dataAreaBytes = cofwChunkOffsetBytes(this.layout, 0);
    const ops = recording.host.sessionOps;
    this.sessionStarts = [];
    ops.forEach((op, index) => {
      if (startsSession(op)) this.sessionStarts.push({ op, index, superseded: supersedingStretches(ops, index) });
    });
    this.expectationChangePoints = expectationChangePoints(recording, oracle);
  }

  /**
   * Which stretch of crash points `point` lies in, numbered from 0: between
   * two points where something the checks expect changes (a session start
   * submitted or acknowledged, a host write submitted or made durable), the
   * oracle expects the same of any image. Two states with identical images in
   * the same stretch get the same verdict; in different stretches they may
   * not (nothing survived is fine before a session start is acknowledged, and
   * loses it after).
   */
  expectationEpoch(point: number): number {
    return upperBound(this.expectationChangePoints, point);
  }

  /**
   * What a state's verdict depends on besides its images: the oracle's
   * expectations at its crash point, and whether it tears a metadata block
   * (then a refusal is allowed). A campaign checks identical images again
   * only when this differs.
   */
  verdictContext(state: CrashStateSpec): string {
    return `e${this.expectationEpoch(state.point)}${this.outsideFaultModel(state) ? "/outside" : ""}`;
  }

  images(state: CrashStateSpec): CrashImages {
    const point = this.recording.points[state.point];
    if (point === undefined) throw new BadValueError(`crash point ${state.point} does not exist (this run has ${this.recording.points.length})`);
    return this.recording.disks.map(({ key, device }, disk) => {
      const tear = state.tear?.disk === key ? state.tear : undefined;
      const keptSectors = tear === undefined ? [] : Array.from({ length: tear.lastKept - tear.firstKept + 1 }, (_, i) => tear.firstKept + i);
      return new CrashImage(device, point[disk]!, new Set(survivorsOn(state, key)), tear === undefined ? undefined : { writeId: tear.writeId, keptSectors });
    });
  }

  /**
   * The engine promises consistency when each metadata block is written
   * atomically. A block larger than the Cache LU's sector can tear; a state
   * that tears one is outside the promise: recovery may refuse it (with its
   * typed error), but must never trust the torn block.
   */
  outsideFaultModel(state: CrashStateSpec): boolean {
    const tear = state.tear;
    if (tear === undefined || this.layout.geometry.sectorSizeBytes <= this.recording.cache.sectorSizeBytes) return false;
    const disk = this.recording.disks.findIndex((logged) => logged.key === tear.disk);
    const landed = luOffsetOf(this.recording, disk, this.recording.disks[disk]!.device.log().write(tear.writeId).offsetBytes);
    return landed.lu === "cache" && landed.offsetBytes < this.dataAreaBytes;
  }

  /** Mounts the images with a fresh engine and holds the result to DESIGN.md's invariants. */
  check(state: CrashStateSpec, images: CrashImages = this.images(state)): CheckOutcome {
    const { recording } = this;
    const id = formatStateId(state);
    const kernel = new Kernel(`${recording.scenario.seed}/crash/${id}`);
    const device = (name: string, like: SimDevice, contents: ContentStore) =>
      new SimDevice({ name, capacityBytes: like.capacityBytes, sectorSizeBytes: like.sectorSizeBytes, queueDepth: 32, kernel, model: new InstantModel(kernel), writeCache: false, initialContents: contents, handOverInitialContents: true });
    // The mount writes into the images it is handed (no copies): taken, so the caller cannot see them changed.
    const { source, cache } = luDevicesFrom(recording, imageStores(images, true), kernel, device);
    const run = <T>(co: Coroutine<T>): T => {
      let out: { value: T } | undefined;
      kernel.spawn(co, "crash-check", (value) => (out = { value }));
      try {
        kernel.runUntilIdle();
      } catch (error) {
        // The kernel wraps what a process threw; the check judges the engine's own error.
        throw error instanceof SimulationError ? error.cause : error;
      }
      if (out === undefined) throw new Error(`crash check of ${id} did not finish (seed ${recording.scenario.seed})`);
      return out.value;
    };

    // The reference fsck judges the image as it lies, before any repair. With the
    // reference decoder, mount stands on the same scan and refuses exactly what fsck
    // finds fatal, so the second reading is only needed for another decoder.
    const report = this.parts?.decoder === undefined ? CLEAN : run(fsck(source, cache));
    const outside = this.outsideFaultModel(state);
    let engine: CofwEngine;
    try {
      engine = run(mountCacheLu(source, cache, mountOptionsFor(recording.scenario, this.parts)));
    } catch (error) {
      if (!(error instanceof EngineError)) return finding(6, "recovery-untyped-error", `recovery threw an untyped error: ${String(error instanceof Error ? error.message : error)}`);
      if (outside) return { kind: "refused", reason: error.message };
      return finding(6, "recovery-refused", `recovery refused a state inside the fault model: ${error.message}`);
    }
    if (!report.clean) {
      const first = report.fatal[0]!;
      const invariant = first.invariant >= 1 && first.invariant <= 5 ? first.invariant : 6;
      return finding(invariant, `mounted-despite-${first.code}`, `recovery mounted although fsck finds the image broken: ${report.fatal.map((f) => f.message).join("; ")}`);
    }
    try {
      engine.assertConsistent();
    } catch (error) {
      if (!(error instanceof EngineAssertionError)) throw error;
      return finding(3, "engine-assertion", `the recovered engine is inconsistent: ${error.message}`);
    }
    // One process reads every chunk the checks need, in the order they need them, and stops at
    // the first finding: the engine sees the same reads as with a kernel run per read (the kernel
    // is idle after mount and reads change nothing), without ~50 spawns and runs per state.
    return run(this.checkReads(state.point, engine)) ?? { kind: "ok", reclaimedChunks: engine.counters.recoveryChunksReclaimed };
  }

  private *checkReads(point: number, engine: CofwEngine): Coroutine<CheckOutcome | undefined> {
    return (yield* this.checkSessions(point, engine)) ?? (yield* this.checkSource(point, engine));
  }

  /** The engine's read of one chunk, host or phantom (yield* it, then turn its Payload into tokens with chunkTokens). */
  private readChunk(engine: CofwEngine, chunk: number, slot: number | undefined): Coroutine<Payload> {
    const chunkBytes = this.layout.geometry.chunkSizeBytes;
    const offsetBytes = chunk * chunkBytes;
    const lengthBytes = Math.min(chunkBytes, this.recording.source.capacityBytes - offsetBytes);
    return slot === undefined ? engine.hostRead(offsetBytes, lengthBytes) : engine.phantomRead(slot, offsetBytes, lengthBytes);
  }

  /** A chunk's tokens, in an array reused from chunk to chunk (each is judged before the next read). */
  private chunkTokens(payload: Payload): TokenBuffer {
    return tokensInto(payload, this.oracle.sectorBytes, this.tokens);
  }

  /** Invariants 1 and 4: every acknowledged session survives and reads its point in time; no stale copy is honoured. */
  private *checkSessions(point: number, engine: CofwEngine): Coroutine<CheckOutcome | undefined> {
    const sessionOps = this.recording.host.sessionOps;
    const live = engine.sessionList();
    let knownSequences: Set<number> | undefined;
    for (const { op, index, superseded } of this.sessionStarts) {
      // Submitted by the point, and no operation on its slot may have taken effect after it by then.
      if (op.submitPoint > point || superseded.some(([from, until]) => from <= point && point < until)) continue;
      const info = live[op.slot]!;
      const acked = op.ackPoint <= point;
      let present: boolean;
      if (acked) {
        present = info.state === "active" && info.sequence === op.sequence;
        const terminated = info.sequence === op.sequence && info.endReason === "terminated-cache-full";
        if (!present && !terminated) {
          return finding(1, "session-lost", `session ${op.sequence} in slot ${op.slot} was acknowledged but is ${info.state === "active" ? `replaced by session ${info.sequence}` : "gone"} after recovery`);
        }
      } else {
        // The start was not acknowledged: if recovery kept it, it must still read correctly.
        knownSequences ??= new Set(sessionOps.filter((o) => o.submitPoint <= point && o.ackPoint <= point && o.sequence !== undefined).map((o) => o.sequence!));
        present = info.state === "active" && !knownSequences.has(info.sequence);
      }
      if (!present) continue;
      const allowedAll = this.oracle.allowedPhantomAll(op);
      const allowedAt = (sector: number): readonly Token[] => this.oracle.allowedPhantom(op, sector);
      const touchedChunks = this.oracle.touchedChunks;
      for (let c = 0; c < touchedChunks.length; c++) {
        const chunk = touchedChunks[c]!;
        const tokens = this.chunkTokens(yield* this.readChunk(engine, chunk, op.slot));
        const bad = this.firstDisallowed(tokens, allowedAll, c, allowedAt);
        if (bad < 0) continue;
        const sector = this.firstSectorOf(chunk) + bad;
        const token = tokens.values[bad]!;
        const allowed = allowedAt(sector);
        const earlier = sessionOps.slice(0, index).filter((o) => o.submitPoint <= point && o.slot === op.slot && startsSession(o));
        const stale = earlier.some((old) => this.oracle.allowedPhantom(old, sector).includes(token));
        const who = `session ${info.sequence} (slot ${op.slot})`;
        const expected = allowed.map(describeToken).join(" or ");
        return stale
          ? finding(4, "stale-copy-honoured", `${who} reads sector ${sector} as ${describeToken(token)}, an earlier session's data in that slot; expected ${expected}`)
          : finding(1, "phantom-mismatch", `${who} reads sector ${sector} as ${describeToken(token)}; expected ${expected}`);
      }
    }
    return undefined;
  }

  private firstSectorOf(chunk: number): number {
    return (chunk * this.layout.geometry.chunkSizeBytes) / this.oracle.sectorBytes;
  }

  /**
   * The index of the first token of touched chunk `c` that its sector does
   * not allow, or -1. Kept out of the checks' generators: small and hot, it
   * is optimised once, they are not recompiled around it.
   */
  private firstDisallowed(tokens: TokenBuffer, allowedAll: AllowedBySector, c: number, allowedAt: (sector: number) => readonly Token[]): number {
    const { chunkSectors } = this.oracle;
    const values = tokens.values;
    const bad = allowedAll.firstDisallowed(c * chunkSectors, values, Math.min(tokens.length, chunkSectors));
    if (bad >= 0) return bad;
    // A read that came back cut into more pieces than sectors is judged sector by sector as before.
    for (let s = chunkSectors; s < tokens.length; s++) if (!allows(allowedAt(this.firstSectorOf(this.oracle.touchedChunks[c]!) + s), values[s]!)) return s;
    return -1;
  }

  /** Invariant 2: each Source LU sector holds its last durable value or a later one. */
  private *checkSource(point: number, engine: CofwEngine): Coroutine<CheckOutcome | undefined> {
    const allowedAll = this.oracle.allowedSourceAt(point);
    const allowedAt = (sector: number): readonly Token[] => this.oracle.allowedSource(sector, point);
    const touchedChunks = this.oracle.touchedChunks;
    for (let c = 0; c < touchedChunks.length; c++) {
      const chunk = touchedChunks[c]!;
      const tokens = this.chunkTokens(yield* this.readChunk(engine, chunk, undefined));
      const bad = this.firstDisallowed(tokens, allowedAll, c, allowedAt);
      if (bad < 0) continue;
      const sector = this.firstSectorOf(chunk) + bad;
      return finding(2, "source-mismatch", `Source LU sector ${sector} holds ${describeToken(tokens.values[bad]!)}; expected ${allowedAt(sector).map(describeToken).join(" or ")}`);
    }
    return undefined;
  }
}

/**
 * The crash points at which another operation on the slot of the start
 * `ops[index]` may have taken effect after it, as [from, until) stretches.
 * Operations on one slot need not take effect in the order they were
 * submitted: one that waits for the engine's gate can be overtaken by one
 * submitted later (two starts of a slot submitted together ran in the other
 * order, and the checker, ordering by submission, reported the later-acked
 * session as lost). So another operation counts from its submission, unless
 * it was acknowledged before this start was submitted (it came first), and
 * until the engine's sequence numbers say which came first: once both are
 * acknowledged starts, the one with the smaller number did. Else for good.
 */
export function supersedingStretches(ops: readonly LoggedSessionOp[], index: number): Array<readonly [from: number, until: number]> {
  const op = ops[index]!;
  const stretches: Array<readonly [number, number]> = [];
  ops.forEach((other, otherIndex) => {
    // A rollback restores the Source LU to the slot's session and leaves that session as it was.
    if (otherIndex === index || other.slot !== op.slot || other.action === "rollback" || other.ackPoint < op.submitPoint) return;
    const cameFirst = op.sequence !== undefined && other.sequence !== undefined && other.sequence < op.sequence;
    stretches.push([other.submitPoint, cameFirst ? Math.max(op.ackPoint, other.ackPoint) : Number.POSITIVE_INFINITY]);
  });
  return stretches;
}

/**
 * Every crash point at which a check's expectation may change: each check
 * compares a point against session operations' submission and
 * acknowledgement points (which starts count, which are acknowledged, which
 * are superseded) and the Source LU timelines' points.
 */
function expectationChangePoints(recording: Recording, oracle: CrashOracle): number[] {
  const points = [...oracle.sourceChangePoints()];
  for (const op of recording.host.sessionOps) points.push(op.submitPoint, op.ackPoint);
  return [...new Set(points.filter((point) => Number.isFinite(point)))].sort((a, b) => a - b);
}
