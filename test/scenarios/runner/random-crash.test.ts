import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { stringify } from "yaml";
import { COMMIT_POLICY_NAMES } from "../../../engine/index.js";
import { findingTotals, runCampaign } from "../../../scenarios/crash/campaign.js";
import { NEVER } from "../../../scenarios/crash/host-log.js";
import { startsSession } from "../../../scenarios/session-starts.js";
import { loadScenarioText, ScenarioError } from "../../../scenarios/schema/load.js";
import { deviceArb, deviceText } from "./random-devices.js";
import { extraWorkloadText, scriptArb } from "./random-workloads.js";

/**
 * A small sampled crash campaign on random scenarios the campaigns take
 * (plain devices or RAID-0 stripes of them, separate or one device both LUs
 * share), rollbacks among their session operations: on the engine as it is,
 * the checker must find nothing. More with RANDOM_CRASH_RUNS and RANDOM_CRASH_STATES;
 * RANDOM_CRASH_SEED draws others; RANDOM_CRASH_RECOVERY=1 also crashes each
 * recovery (`cofwsim crash --recovery-crashes`); RANDOM_CRASH_MAX_HOST_IOS
 * (60 by default) lets runs grow longer and jobs deeper (iodepth up to a
 * fifteenth of it), for races that need more I/O in flight or a fuller Cache LU.
 */

const MiB = 1024 * 1024;
const FILE_NAME = "random-crash.yaml";
const META = { cofwsimVersion: "test", fileName: FILE_NAME, contentHash: "random-crash" };
const RUNS = Number(process.env.RANDOM_CRASH_RUNS ?? 30);
const STATES = Number(process.env.RANDOM_CRASH_STATES ?? 25);
const RECOVERY_CRASHES = process.env.RANDOM_CRASH_RECOVERY === "1";
const MAX_HOST_IOS = Number(process.env.RANDOM_CRASH_MAX_HOST_IOS ?? 60);
const MAX_IODEPTH = Math.max(4, Math.floor(MAX_HOST_IOS / 15));

const rawArb = fc.record({
  seed: fc.integer({ min: 0, max: 1_000_000 }),
  sector: fc.constantFrom(512, 4096),
  sourceLuMiB: fc.constantFrom(4, 16),
  cacheMiB: fc.constantFrom(2, 4, 16),
  source: deviceArb,
  cache: deviceArb,
  sharedDisk: fc.boolean(),
  chunkKiB: fc.constantFrom(4, 16, 64),
  regionKiB: fc.constantFrom(4, 8, 64),
  commitPolicy: fc.constantFrom(...COMMIT_POLICY_NAMES),
  workload: fc.oneof(
    scriptArb,
    fc.record({ kind: fc.constant("job" as const), rw: fc.constantFrom("randwrite", "randrw", "write"), bs: fc.constantFrom("4k", "16k", "64k"), iodepth: fc.integer({ min: 1, max: MAX_IODEPTH }) }),
  ),
  sessions: fc.array(fc.record({ afterHostIos: fc.integer({ min: 0, max: Math.round((MAX_HOST_IOS * 2) / 3) }), action: fc.constantFrom("start", "stop", "replace", "rollback"), slot: fc.integer({ min: 0, max: 2 }) }), { maxLength: 4 }),
  flushEveryWrites: fc.option(fc.integer({ min: 1, max: 20 })),
  stopHostIos: fc.integer({ min: 5, max: MAX_HOST_IOS }),
});

type Raw = typeof rawArb extends fc.Arbitrary<infer T> ? T : never;

function scenarioText(raw: Raw): string {
  const sourceLuBytes = raw.sourceLuMiB * MiB;
  const workload =
    raw.workload.kind === "script"
      ? extraWorkloadText(raw.workload, 0, { directory: "/nonexistent", prefix: "unused", sourceLuBytes, sectorBytes: raw.sector })
      : { ...raw.workload, name: "job0" };
  // A stop or rollback of a slot nothing starts is refused by the loader: such slots start first.
  const starts = new Set(raw.sessions.filter(startsSession).map((event) => event.slot));
  const unstarted = new Set(raw.sessions.filter((event) => !starts.has(event.slot)).map((event) => event.slot));
  const sessions = [...[...unstarted].map((slot) => ({ afterHostIos: 0, action: "start", slot })), ...raw.sessions];
  return stringify({
    name: "random-crash",
    seed: raw.seed,
    devices: raw.sharedDisk
      ? // One device (a disk or a stripe): the Source LU, then the Cache LU to its end.
        { shared: true, source: deviceText(raw.source, sourceLuBytes + raw.cacheMiB * MiB, raw.sector), cache: { capacity: `${raw.cacheMiB}MiB` } }
      : { source: deviceText(raw.source, sourceLuBytes, raw.sector), cache: deviceText(raw.cache, raw.cacheMiB * MiB, raw.sector) },
    engine: { chunkSize: `${raw.chunkKiB}KiB`, regionSize: `${raw.regionKiB}KiB`, commitPolicy: raw.commitPolicy },
    workloads: [workload.kind === "script" && (workload.ops as string[]).length === 0 ? { ...workload, ops: ["write 0 4k"] } : workload],
    ...(sessions.length === 0 ? {} : { sessions }),
    ...(raw.flushEveryWrites === null ? {} : { flushes: { everyHostWrites: raw.flushEveryWrites } }),
    stop: { hostIos: raw.stopHostIos },
  });
}

describe("random scenarios under a sampled crash campaign", () => {
  it("the checker finds no violation on the engine as it is", () => {
    let checked = 0;
    let rollbacksAcknowledged = 0;
    let sharedDisks = 0;
    let stripes = 0;
    fc.assert(
      fc.property(rawArb, (raw) => {
        const text = scenarioText(raw);
        let scenario;
        try {
          scenario = loadScenarioText(text, { fileName: FILE_NAME });
        } catch (error) {
          if (error instanceof ScenarioError) return;
          throw error;
        }
        const { summary, recording } = runCampaign(scenario, META, { mode: "sample", budgetStates: STATES, exhaustiveBound: 4, sampledSubsets: 4, replayCommand: (id) => `replay ${id}`, nowMs: () => 0, shrinkFindings: false, recoveryCrashes: RECOVERY_CRASHES });
        checked += summary.statesChecked;
        if (recording.source.kind === "partition") sharedDisks++;
        if (recording.disks.some((disk) => disk.key.endsWith("/"))) stripes++;
        rollbacksAcknowledged += recording.host.sessionOps.filter((op) => op.action === "rollback" && op.ackPoint !== NEVER).length;
        const first = summary.findings[0];
        expect(findingTotals(summary).total, first === undefined ? "" : `${first.id}: invariant ${first.invariant} ${first.check}: ${first.message}\n--- scenario ---\n${text}`).toBe(0);
      }),
      // A fixed seed by default, so that a suite does not fail at random on a scenario no change made; long hunts draw
      // others. RANDOM_CRASH_SEED=7 RANDOM_CRASH_RUNS=150 found the checker taking submission order for two starts of
      // one slot that ran in the other order (test/crash/session-order.test.ts).
      { numRuns: RUNS, seed: Number(process.env.RANDOM_CRASH_SEED ?? 1) },
    );
    // The campaigns checked something, or the property says nothing; the default draw crashes rollbacks, shared disks and stripes too.
    expect(checked).toBeGreaterThan(0);
    if (process.env.RANDOM_CRASH_SEED === undefined && RUNS >= 30) {
      expect(rollbacksAcknowledged).toBeGreaterThan(0);
      expect(sharedDisks).toBeGreaterThan(0);
      expect(stripes).toBeGreaterThan(0);
    }
  }, Math.max(60_000, RUNS * 10_000));
});
