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

type Holder = Parameters<typeof run>[0][number];

interface Case {
  readonly title: string;
  readonly holders: readonly Holder[];
  /** When holders entered the gate (those named). */
  readonly entered: Readonly<Record<string, number>>;
}

/** Shared holders asking through enterShared, or through tryEnterShared first, as the host write path does. */
const SHARED_ENTRIES = ["shared", "try-shared"] as const;

const CASES: readonly Case[] = [
  {
    title: "lets an exclusive entry in once every shared holder has left, not the first of them",
    holders: [
      { name: "write 1", kind: "shared", atNs: 0, holdNs: 10 },
      { name: "write 2", kind: "shared", atNs: 0, holdNs: 20 },
      { name: "session start", kind: "exclusive", atNs: 5, holdNs: 5 },
    ],
    entered: { "session start": 20 },
  },
  ...SHARED_ENTRIES.map((kind) => ({
    title: `queues host I/O that arrives while an exclusive entry waits for the drain (${kind})`,
    // Without the queue, writes arriving one after another could keep the gate shared for ever, each landing before a
    // session start asked for earlier.
    holders: [
      { name: "write 1", kind: "shared", atNs: 0, holdNs: 10 },
      { name: "session start", kind: "exclusive", atNs: 5, holdNs: 5 },
      { name: "write 2", kind, atNs: 6, holdNs: 10 },
      { name: "write 3", kind, atNs: 9, holdNs: 10 },
    ] satisfies Holder[],
    entered: { "session start": 10, "write 2": 15, "write 3": 15 },
  })),
  ...SHARED_ENTRIES.map((kind) => ({
    title: `keeps host I/O out between two exclusive entries, while the second is woken but not yet in (${kind})`,
    // Start 0 leaves at 10 and wakes start 1, which waited; the write asks at 10, before start 1 runs again.
    holders: [
      { name: "start 0", kind: "exclusive", atNs: 0, holdNs: 10 },
      { name: "start 1", kind: "exclusive", atNs: 5, holdNs: 10 },
      { name: "write", kind, atNs: [5, 5], holdNs: 10 },
    ] satisfies Holder[],
    entered: { "start 1": 10, write: 20 },
  })),
  {
    title: "runs exclusive entries one at a time, in the order they asked",
    holders: [
      { name: "start 0", kind: "exclusive", atNs: 0, holdNs: 10 },
      { name: "start 1", kind: "exclusive", atNs: 1, holdNs: 10 },
      { name: "start 2", kind: "exclusive", atNs: 2, holdNs: 10 },
    ],
    entered: { "start 0": 0, "start 1": 10, "start 2": 20 },
  },
  {
    title: "lets host I/O waiting behind two exclusive entries in after both",
    // Replacing the signal the write waits on, as the second entry takes the gate, would leave it waiting for good.
    holders: [
      { name: "start 0", kind: "exclusive", atNs: 0, holdNs: 10 },
      { name: "write", kind: "shared", atNs: 1, holdNs: 10 },
      { name: "start 1", kind: "exclusive", atNs: 2, holdNs: 10 },
    ],
    entered: { "start 1": 10, write: 20 },
  },
  {
    title: "keeps host I/O out when an exclusive entry takes the gate at the instant the last one left it",
    // Start 1 asks at 10, just after start 0 leaves and wakes the waiting write, and before the write runs again (its
    // last sleep began after start 0's, so it ends after it): the write must look again, and wait.
    holders: [
      { name: "start 0", kind: "exclusive", atNs: 0, holdNs: 10 },
      { name: "write", kind: "shared", atNs: 1, holdNs: 10 },
      { name: "start 1", kind: "exclusive", atNs: [5, 5], holdNs: 10 },
    ],
    entered: { "start 1": 10, write: 20 },
  },
];

describe("the engine's gate", () => {
  it.each(CASES)("$title", ({ holders, entered }) => {
    const holds = run(holders);
    expectExclusiveAlone(holds);
    expect(Object.fromEntries(Object.keys(entered).map((name) => [name, holds.get(name)?.enteredNs]))).toEqual(entered);
  });
});
