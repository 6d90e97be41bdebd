import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { Coroutine } from "../../io/coroutine.js";
import { Payload } from "../../io/payload.js";
import { COMMIT_POLICY_NAMES, EngineUsageError, SESSION_SLOTS, type CofwEngine, type CommitPolicyName } from "../../engine/index.js";
import { Oracle, SECTOR_BYTES, tokensOf } from "./oracle.js";
import { Rig, hostWriteVia } from "./rig.js";

/**
 * Model-based test: random sequences of host writes (alone and concurrent),
 * phantom and source reads, flushes, session starts, stops and replacements,
 * rollbacks and clean remounts, checked against the plain Oracle after every
 * step, with the engine's own invariant assertions. The Cache LU is small
 * enough that some runs fill it: sessions the engine terminates for that are
 * dropped from the oracle, and everything else must stay exact.
 */
interface Real {
  rig: Rig;
  engine: CofwEngine;
  policy: CommitPolicyName;
  nextStamp: number;
}

interface Model {
  oracle: Oracle;
  live: Set<number>;
}

const FIRST_HOST_STAMP = 100;

interface PhantomReadOutcome {
  slot: number;
  result?: number[];
  error?: unknown;
}

function syncTerminations(model: Model, real: Real): void {
  for (const info of real.engine.sessionList()) {
    if (model.live.has(info.slot) && info.state === "free") {
      expect(info.endReason, `slot ${info.slot} ended without being stopped`).toBe("terminated-cache-full");
      model.live.delete(info.slot);
      model.oracle.stop(info.slot);
    }
  }
}

function checkEverything(model: Model, real: Real): void {
  real.engine.assertConsistent();
  const sectors = model.oracle.sourceSectors;
  expect(tokensOf(real.rig.run(real.engine.hostRead(0, sectors * SECTOR_BYTES)))).toEqual(model.oracle.expectedSource(0, sectors));
  for (const slot of model.live) {
    expect(tokensOf(real.rig.run(real.engine.phantomRead(slot, 0, sectors * SECTOR_BYTES))), `phantom of slot ${slot}`).toEqual(model.oracle.expectedPhantom(slot, 0, sectors));
  }
}

class WriteCommand implements fc.Command<Model, Real> {
  constructor(
    readonly firstSector: number,
    readonly sectors: number,
    readonly viaStep: boolean,
  ) {}
  check(): boolean {
    return true;
  }
  run(model: Model, real: Real): void {
    const stamp = real.nextStamp++;
    real.rig.run(hostWriteVia(real.engine, this.viaStep, this.firstSector * SECTOR_BYTES, Payload.stamp(stamp, this.sectors * SECTOR_BYTES)));
    model.oracle.write(this.firstSector, this.sectors, stamp);
    syncTerminations(model, real);
    checkEverything(model, real);
  }
  toString(): string {
    return `write(sector ${this.firstSector}, ${this.sectors} sectors${this.viaStep ? ", as a step" : ""})`;
  }
}

/** Several writes to disjoint sectors (often the same chunk) and phantom reads, all in flight together. */
class ConcurrentCommand implements fc.Command<Model, Real> {
  /** What each phantom read of the last run returned or threw. */
  outcomes: readonly PhantomReadOutcome[] = [];
  constructor(
    readonly writes: ReadonlyArray<[number, number, boolean]>,
    readonly phantomSlots: readonly number[],
  ) {}
  check(): boolean {
    return true;
  }
  run(model: Model, real: Real): void {
    const taken = new Set<number>();
    const coroutines: Array<Coroutine<unknown>> = [];
    const applied: Array<[number, number, number]> = [];
    for (const [firstSector, sectors, viaStep] of this.writes) {
      const range = Array.from({ length: sectors }, (_, i) => firstSector + i);
      if (range.some((s) => taken.has(s))) continue;
      range.forEach((s) => taken.add(s));
      const stamp = real.nextStamp++;
      applied.push([firstSector, sectors, stamp]);
      coroutines.push(hostWriteVia(real.engine, viaStep, firstSector * SECTOR_BYTES, Payload.stamp(stamp, sectors * SECTOR_BYTES)));
    }
    const sectors = model.oracle.sourceSectors;
    const phantoms: PhantomReadOutcome[] = [];
    this.outcomes = phantoms;
    for (const slot of this.phantomSlots.filter((s) => model.live.has(s))) {
      const entry: PhantomReadOutcome = { slot };
      phantoms.push(entry);
      coroutines.push(
        (function* () {
          try {
            entry.result = tokensOf(yield* real.engine.phantomRead(slot, 0, sectors * SECTOR_BYTES));
          } catch (error) {
            entry.error = error;
          }
        })(),
      );
    }
    const before = new Map([...model.live].map((slot) => [slot, model.oracle.expectedPhantom(slot, 0, sectors)]));
    real.rig.runAll(coroutines);
    for (const [firstSector, count, stamp] of applied) model.oracle.write(firstSector, count, stamp);
    syncTerminations(model, real);
    for (const { slot, result, error } of phantoms) {
      if (model.live.has(slot)) {
        expect(error, `concurrent phantom read of slot ${slot}`).toBeUndefined();
        expect(result, `concurrent phantom read of slot ${slot}`).toEqual(before.get(slot));
      } else if (error !== undefined) {
        // A read whose session the engine ended for a full Cache LU while it waited for a copy gives up, typed: the
        // copy it waited for was never made, and the host write that wanted it may already have changed the source.
        expect(error, `concurrent phantom read of terminated slot ${slot}`).toBeInstanceOf(EngineUsageError);
        expect(String(error)).toMatch(/its session ended \(Cache LU full\)/);
      }
      // A terminated session's read that did finish is not judged: the termination freed its copies, which other
      // copies may have reused while the read ran.
    }
    checkEverything(model, real);
  }
  toString(): string {
    return `concurrent(writes ${JSON.stringify(this.writes)}, phantom reads of ${JSON.stringify(this.phantomSlots)})`;
  }
}

class StartCommand implements fc.Command<Model, Real> {
  constructor(readonly slot: number) {}
  check(): boolean {
    return true;
  }
  run(model: Model, real: Real): void {
    real.rig.run(real.engine.startSession(this.slot));
    model.oracle.start(this.slot);
    model.live.add(this.slot);
    checkEverything(model, real);
  }
  toString(): string {
    return `start(slot ${this.slot})`;
  }
}

class StopCommand implements fc.Command<Model, Real> {
  constructor(readonly slot: number) {}
  check(model: Readonly<Model>): boolean {
    return model.live.has(this.slot);
  }
  run(model: Model, real: Real): void {
    if (!model.live.has(this.slot)) return;
    real.rig.run(real.engine.stopSession(this.slot));
    model.oracle.stop(this.slot);
    model.live.delete(this.slot);
    checkEverything(model, real);
  }
  toString(): string {
    return `stop(slot ${this.slot})`;
  }
}

class RollbackCommand implements fc.Command<Model, Real> {
  constructor(readonly slot: number) {}
  check(model: Readonly<Model>): boolean {
    return model.live.has(this.slot);
  }
  run(model: Model, real: Real): void {
    if (!model.live.has(this.slot)) return;
    real.rig.run(real.engine.rollback(this.slot));
    syncTerminations(model, real);
    if (model.live.has(this.slot)) model.oracle.rollback(this.slot);
    checkEverything(model, real);
  }
  toString(): string {
    return `rollback(slot ${this.slot})`;
  }
}

class FlushCommand implements fc.Command<Model, Real> {
  check(): boolean {
    return true;
  }
  run(model: Model, real: Real): void {
    real.rig.run(real.engine.hostFlush());
    checkEverything(model, real);
  }
  toString(): string {
    return "flush()";
  }
}

class RemountCommand implements fc.Command<Model, Real> {
  check(): boolean {
    return true;
  }
  run(model: Model, real: Real): void {
    real.rig.run(real.engine.unmount());
    real.engine = real.rig.mount(real.policy);
    expect(real.engine.counters.recoveryChunksReclaimed, "a clean unmount leaves nothing to reclaim").toBe(0);
    checkEverything(model, real);
  }
  toString(): string {
    return "remount()";
  }
}

interface Geometry {
  readonly chunkSizeBytes: number;
  readonly regionSizeBytes: number;
  readonly sourceBytes: number;
  readonly cacheBytes: number;
}

const GEOMETRIES: readonly Geometry[] = [
  { chunkSizeBytes: 4096, regionSizeBytes: 512, sourceBytes: 128 * 1024, cacheBytes: 96 * 1024 },
  { chunkSizeBytes: 16384, regionSizeBytes: 2048, sourceBytes: 256 * 1024, cacheBytes: 512 * 1024 },
  { chunkSizeBytes: 65536, regionSizeBytes: 4096, sourceBytes: 512 * 1024 + 32 * 1024, cacheBytes: 1024 * 1024 },
];

function commandsFor(sourceSectors: number) {
  const slot = fc.integer({ min: 0, max: SESSION_SLOTS - 1 });
  const range = fc.integer({ min: 0, max: sourceSectors - 1 }).chain((first) => fc.tuple(fc.constant(first), fc.integer({ min: 1, max: Math.min(48, sourceSectors - first) })));
  return [
    fc.tuple(range, fc.boolean()).map(([[first, count], viaStep]) => new WriteCommand(first, count, viaStep)),
    fc.tuple(range, fc.boolean()).map(([[first, count], viaStep]) => new WriteCommand(first, count, viaStep)),
    fc
      .tuple(fc.array(fc.tuple(range, fc.boolean()), { minLength: 2, maxLength: 6 }), fc.array(slot, { maxLength: 3 }))
      .map(([writes, slots]) => new ConcurrentCommand(writes.map(([[first, count], viaStep]) => [first, count, viaStep]), slots)),
    slot.map((s) => new StartCommand(s)),
    slot.map((s) => new StopCommand(s)),
    slot.map((s) => new RollbackCommand(s)),
    fc.constant(new FlushCommand()),
    fc.constant(new RemountCommand()),
  ];
}

/** Runs commands from a freshly formatted Cache LU, checking the engine against the oracle after each. */
function runAgainstOracle(policy: CommitPolicyName, geometry: Geometry, commands: Iterable<fc.Command<Model, Real>>): void {
  const sourceSectors = geometry.sourceBytes / SECTOR_BYTES;
  const rig = new Rig({ sourceBytes: geometry.sourceBytes, cacheBytes: geometry.cacheBytes });
  const engine = rig.format(geometry.chunkSizeBytes, geometry.regionSizeBytes, policy);
  const real: Real = { rig, engine, policy, nextStamp: FIRST_HOST_STAMP };
  const model: Model = { oracle: new Oracle(sourceSectors), live: new Set() };
  fc.modelRun(() => ({ model, real }), commands);
}

describe("engine against a plain oracle (model-based)", () => {
  for (const policy of COMMIT_POLICY_NAMES) {
    for (const geometry of GEOMETRIES) {
      it(`${policy}, ${geometry.chunkSizeBytes / 1024} KiB chunks, ${geometry.regionSizeBytes} B regions`, () => {
        const sourceSectors = geometry.sourceBytes / SECTOR_BYTES;
        fc.assert(
          fc.property(fc.commands(commandsFor(sourceSectors), { maxCommands: 40 }), (commands) => runAgainstOracle(policy, geometry, commands)),
          // The seed is test/setup.ts's PROPERTY_SEED; MODEL_RUNS draws more sequences from it.
          { numRuns: Number(process.env.MODEL_RUNS ?? 25) },
        );
      });
    }
  }

  it("a concurrent phantom read whose session ends for a full Cache LU while it waits for a copy fails, typed", () => {
    // Found unseeded in CI (seed -506374982): six writes fill the 96 KiB Cache LU while slot 2's phantom read waits.
    const geometry = GEOMETRIES[0]!;
    const writes: Array<[number, number, boolean]> = [
      [0, 9, false],
      [35, 38, false],
      [90, 7, false],
      [110, 43, false],
      [0, 1, false],
      [161, 40, false],
    ];
    const concurrent = new ConcurrentCommand(writes, [2]);
    runAgainstOracle("dirty-region-log", geometry, [new StartCommand(2), concurrent]);
    expect(concurrent.outcomes).toHaveLength(1);
    expect(concurrent.outcomes[0]?.error, "the pinned sequence still ends the session under the read").toBeInstanceOf(EngineUsageError);
  });
});
