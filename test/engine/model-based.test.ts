import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { Coroutine } from "../../io/coroutine.js";
import { Payload } from "../../io/payload.js";
import { COMMIT_POLICY_NAMES, SESSION_SLOTS, type CofwEngine, type CommitPolicyName } from "../../engine/index.js";
import { Oracle, SECTOR_BYTES, tokensOf } from "./oracle.js";
import { Rig } from "./rig.js";

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

/**
 * A host write through either entry: hostWrite's coroutine, or the step of
 * hostWriteStep (its I/O when the write goes straight through), yielded at
 * once as a driver must.
 */
function hostWriteVia(real: Real, viaStep: boolean, offsetBytes: number, payload: Payload): Coroutine<unknown> {
  if (!viaStep) return real.engine.hostWrite(offsetBytes, payload);
  return (function* (): Coroutine {
    yield real.engine.hostWriteStep(offsetBytes, payload);
  })();
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
    real.rig.run(hostWriteVia(real, this.viaStep, this.firstSector * SECTOR_BYTES, Payload.stamp(stamp, this.sectors * SECTOR_BYTES)));
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
      coroutines.push(hostWriteVia(real, viaStep, firstSector * SECTOR_BYTES, Payload.stamp(stamp, sectors * SECTOR_BYTES)));
    }
    const sectors = model.oracle.sourceSectors;
    const phantoms: Array<{ slot: number; result?: number[] }> = [];
    for (const slot of this.phantomSlots.filter((s) => model.live.has(s))) {
      const entry: { slot: number; result?: number[] } = { slot };
      phantoms.push(entry);
      coroutines.push(
        (function* () {
          entry.result = tokensOf(yield* real.engine.phantomRead(slot, 0, sectors * SECTOR_BYTES));
        })(),
      );
    }
    const before = new Map([...model.live].map((slot) => [slot, model.oracle.expectedPhantom(slot, 0, sectors)]));
    real.rig.runAll(coroutines);
    for (const [firstSector, count, stamp] of applied) model.oracle.write(firstSector, count, stamp);
    syncTerminations(model, real);
    for (const { slot, result } of phantoms) {
      // A session terminated for a full Cache LU mid-flight may have read anything; a live one must be exact.
      if (model.live.has(slot)) expect(result, `concurrent phantom read of slot ${slot}`).toEqual(before.get(slot));
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

describe("engine against a plain oracle (model-based)", () => {
  for (const policy of COMMIT_POLICY_NAMES) {
    for (const geometry of GEOMETRIES) {
      it(`${policy}, ${geometry.chunkSizeBytes / 1024} KiB chunks, ${geometry.regionSizeBytes} B regions`, () => {
        const sourceSectors = geometry.sourceBytes / SECTOR_BYTES;
        fc.assert(
          fc.property(fc.commands(commandsFor(sourceSectors), { maxCommands: 40 }), (commands) => {
            const rig = new Rig({ sourceBytes: geometry.sourceBytes, cacheBytes: geometry.cacheBytes });
            const engine = rig.format(geometry.chunkSizeBytes, geometry.regionSizeBytes, policy);
            const real: Real = { rig, engine, policy, nextStamp: FIRST_HOST_STAMP };
            const model: Model = { oracle: new Oracle(sourceSectors), live: new Set() };
            fc.modelRun(() => ({ model, real }), commands);
          }),
          { numRuns: Number(process.env.MODEL_RUNS ?? 25) },
        );
      });
    }
  }
});
