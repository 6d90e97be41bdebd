import { describe, expect, it } from "vitest";
import { sleep, type Coroutine } from "../../io/coroutine.js";
import { Kernel } from "../../sim/kernel.js";
import { Gate } from "../../engine/gate.js";

/**
 * The gate between host I/O (shared) and session operations (exclusive), on
 * its own: who holds it when. The engine's tests only ever saw it with one
 * session operation at a time and no host I/O arriving meanwhile, so most of
 * its rules could be removed without one failing (each rule here was removed
 * by hand; see the commit).
 */

interface Hold {
  readonly name: string;
  readonly kind: "shared" | "exclusive";
  enteredNs?: number;
  leftNs?: number;
}

/**
 * Runs holders that each wait `atNs` (a list: several sleeps in a row, to order events of one instant), enter, hold
 * for `holdNs` and leave; returns when each entered and left.
 */
function run(holders: ReadonlyArray<{ name: string; kind: "shared" | "exclusive" | "try-shared"; atNs: number | number[]; holdNs: number }>): Map<string, Hold> {
  const kernel = new Kernel("gate");
  const gate = new Gate();
  const holds = new Map<string, Hold>();
  for (const { name, kind, atNs, holdNs } of holders) {
    const hold: Hold = { name, kind: kind === "exclusive" ? "exclusive" : "shared" };
    holds.set(name, hold);
    kernel.spawn(
      (function* (): Coroutine {
        for (const sleepNs of typeof atNs === "number" ? [atNs] : atNs) yield* sleep(sleepNs);
        if (kind === "exclusive") yield* gate.enterExclusive();
        else if (kind === "shared" || !gate.tryEnterShared()) yield* gate.enterShared();
        hold.enteredNs = kernel.nowNs;
        yield* sleep(holdNs);
        hold.leftNs = kernel.nowNs;
        if (kind === "exclusive") gate.leaveExclusive();
        else gate.leaveShared();
      })(),
      name,
    );
  }
  kernel.runUntilIdle();
  return holds;
}

/** Every holder entered and left, and no exclusive hold overlaps any other hold. */
function expectExclusiveAlone(holds: Map<string, Hold>): void {
  const all = [...holds.values()];
  for (const hold of all) {
    expect(hold.enteredNs, `${hold.name} never entered`).toBeDefined();
    expect(hold.leftNs, `${hold.name} never left`).toBeDefined();
  }
  for (const a of all) {
    if (a.kind !== "exclusive") continue;
    for (const b of all) {
      if (a === b) continue;
      const overlap = a.enteredNs! < b.leftNs! && b.enteredNs! < a.leftNs!;
      expect(overlap, `${a.name} [${a.enteredNs}, ${a.leftNs}) overlaps ${b.name} [${b.enteredNs}, ${b.leftNs})`).toBe(false);
    }
  }
}

describe("the engine's gate", () => {
  it("lets an exclusive entry in once every shared holder has left, not the first of them", () => {
    const holds = run([
      { name: "write 1", kind: "shared", atNs: 0, holdNs: 10 },
      { name: "write 2", kind: "shared", atNs: 0, holdNs: 20 },
      { name: "session start", kind: "exclusive", atNs: 5, holdNs: 5 },
    ]);
    expect(holds.get("session start")!.enteredNs).toBe(20);
    expectExclusiveAlone(holds);
  });

  for (const kind of ["shared", "try-shared"] as const) {
    it(`queues host I/O that arrives while an exclusive entry waits behind it (${kind === "shared" ? "enterShared" : "tryEnterShared, then enterShared"})`, () => {
      // Without the queue, writes arriving one after another could keep the gate shared for ever, and each would
      // land before a session start asked for earlier.
      const holds = run([
        { name: "write 1", kind: "shared", atNs: 0, holdNs: 10 },
        { name: "session start", kind: "exclusive", atNs: 5, holdNs: 5 },
        { name: "write 2", kind, atNs: 6, holdNs: 10 },
        { name: "write 3", kind, atNs: 9, holdNs: 10 },
      ]);
      expect(holds.get("session start")!.enteredNs).toBe(10);
      expect(holds.get("write 2")!.enteredNs).toBe(15);
      expect(holds.get("write 3")!.enteredNs).toBe(15);
      expectExclusiveAlone(holds);
    });
  }

  for (const kind of ["shared", "try-shared"] as const) {
    it(`keeps host I/O out between two exclusive entries, while the second is woken but not yet in (${kind === "shared" ? "enterShared" : "tryEnterShared"})`, () => {
      // "start 0" leaves at 10 and wakes "start 1", which waited; the write asks at 10 before start 1 runs again.
      const holds = run([
        { name: "start 0", kind: "exclusive", atNs: 0, holdNs: 10 },
        { name: "start 1", kind: "exclusive", atNs: 5, holdNs: 10 },
        { name: "write", kind, atNs: [5, 5], holdNs: 10 },
      ]);
      expect(holds.get("start 1")!.enteredNs).toBe(10);
      expect(holds.get("write")!.enteredNs).toBe(20);
      expectExclusiveAlone(holds);
    });
  }

  it("runs exclusive entries one at a time", () => {
    const holds = run([
      { name: "start 0", kind: "exclusive", atNs: 0, holdNs: 10 },
      { name: "start 1", kind: "exclusive", atNs: 1, holdNs: 10 },
      { name: "start 2", kind: "exclusive", atNs: 2, holdNs: 10 },
    ]);
    expectExclusiveAlone(holds);
    expect(Math.max(...[...holds.values()].map((hold) => hold.leftNs!))).toBe(30);
  });

  it("lets host I/O waiting behind two exclusive entries in after both", () => {
    const holds = run([
      { name: "start 0", kind: "exclusive", atNs: 0, holdNs: 10 },
      { name: "write", kind: "shared", atNs: 1, holdNs: 10 },
      { name: "start 1", kind: "exclusive", atNs: 2, holdNs: 10 },
    ]);
    expect(holds.get("write")!.enteredNs).toBe(20);
    expectExclusiveAlone(holds);
  });

  it("keeps host I/O out when an exclusive entry takes the gate at the instant the last one left it", () => {
    // "start 1" asks at 10, just after "start 0" leaves and wakes the waiting write, and before the write runs again
    // (its last sleep began after start 0's, so it ends after it): the write must look again, and wait.
    const holds = run([
      { name: "start 0", kind: "exclusive", atNs: 0, holdNs: 10 },
      { name: "write", kind: "shared", atNs: 1, holdNs: 10 },
      { name: "start 1", kind: "exclusive", atNs: [5, 5], holdNs: 10 },
    ]);
    expect(holds.get("start 1")!.enteredNs).toBe(10);
    expect(holds.get("write")!.enteredNs).toBe(20);
    expectExclusiveAlone(holds);
  });
});
