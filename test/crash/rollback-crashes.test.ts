import { describe, expect, it } from "vitest";
import { COMMIT_POLICY_NAMES } from "../../engine/index.js";
import { runCampaign } from "../../scenarios/crash/campaign.js";
import { StateChecker } from "../../scenarios/crash/check-state.js";
import { statesAt } from "../../scenarios/crash/enumerate.js";
import { HostLog, NEVER } from "../../scenarios/crash/host-log.js";
import { CrashOracle } from "../../scenarios/crash/oracle.js";
import { recordRun, type Recording } from "../../scenarios/crash/record.js";
import { originToken, writeToken } from "../../scenarios/crash/tokens.js";
import { Rng } from "../../sim/rng/streams.js";
import { BROKEN_ENGINES } from "./broken-engines.js";
import { shippedScenario } from "./campaign-rig.js";

const SCENARIO = "crash-rollback.yaml";

/**
 * The crash points inside the run's acknowledged rollbacks, from each one's
 * submission (or, `alone`, from the acknowledgement of the last host write
 * it waited for at the engine's gate) up to its acknowledgement.
 */
function rollbackPoints(recording: Recording, alone = false): number[] {
  const points: number[] = [];
  for (const op of recording.host.sessionOps) {
    if (op.action !== "rollback" || op.ackPoint === NEVER) continue;
    const waitedFor = recording.host.writes.filter((write) => write.submitPoint <= op.submitPoint).map((write) => write.ackPoint);
    const from = alone ? Math.max(op.submitPoint, ...waitedFor) : op.submitPoint;
    for (let point = from; point < op.ackPoint; point++) points.push(point);
  }
  return points;
}

describe(`crashes around rollbacks (${SCENARIO})`, () => {
  it.each(COMMIT_POLICY_NAMES)("the correct engine breaks no invariant at any crash state, %s", (policy) => {
    const { scenario, meta } = shippedScenario(SCENARIO, [`engine.commitPolicy=${policy}`]);
    const { summary, recording } = runCampaign(scenario, meta, { mode: "exhaustive", exhaustiveBound: 6, sampledSubsets: 16, replayCommand: (id) => id, nowMs: () => 0 });
    expect(summary.findings.slice(0, 3)).toEqual([]);
    expect(summary.stoppedBy).toBe("complete");
    expect(summary.crashPointsVisited).toBe(summary.crashPoints);
    // Both rollbacks were acknowledged, wrote chunks back, and span crash points of their own.
    const actions = recording.host.sessionOps.map((op) => `${op.action}${op.slot}:${op.ackPoint < NEVER ? "ok" : "-"}`);
    expect(actions).toEqual(["start0:ok", "start1:ok", "rollback0:ok", "rollback1:ok"]);
    expect(recording.results.engine.rollbackChunks).toBeGreaterThan(4);
    expect(rollbackPoints(recording).length).toBeGreaterThan(20);
  });

  it("the oracle expects an acknowledged rollback's data on the Source LU, and either the old or the restored data while it runs", () => {
    const { scenario, meta } = shippedScenario(SCENARIO);
    const recording = recordRun(scenario, meta, undefined);
    const oracle = new CrashOracle(recording);
    const [start0, start1, rollback0] = recording.host.sessionOps;
    const sectorBytes = oracle.sectorBytes;
    // Host writes to a sector not acknowledged before the rollback was submitted may land after it.
    const lateWriteTo = (sector: number) =>
      recording.host.writes.some((w) => w.ackPoint >= rollback0!.submitPoint && w.offsetBytes / sectorBytes <= sector && sector < (w.offsetBytes + w.lengthBytes) / sectorBytes);
    let exact = 0;
    let restored = 0;
    for (const chunk of oracle.touchedChunks) {
      for (let s = 0; s < oracle.chunkSectors; s++) {
        const sector = chunk * oracle.chunkSectors + s;
        const pointInTime = oracle.allowedPhantom(start0!, sector);
        const before = oracle.allowedSource(sector, rollback0!.submitPoint - 1);
        const during = oracle.allowedSource(sector, rollback0!.submitPoint);
        // In flight, either: the chunk may or may not have been written back yet.
        for (const token of [...before, ...pointInTime]) expect(during).toContain(token);
        if (lateWriteTo(sector)) continue;
        // Acknowledged (and flushed): session 0's point in time, and nothing else.
        expect(new Set(oracle.allowedSource(sector, rollback0!.ackPoint))).toEqual(new Set(pointInTime));
        exact++;
        if (!before.every((token) => pointInTime.includes(token))) restored++;
      }
    }
    // The checks above judged sectors the rollback changed.
    expect(exact).toBeGreaterThan(100);
    expect(restored).toBeGreaterThan(0);
    // The scenario's shape the campaigns rely on: session 1 was started before the rollback, which must keep it readable.
    expect(start1!.ackPoint).toBeLessThan(rollback0!.submitPoint);
  });

  it("catches a commit policy that lets the rollback overwrite a chunk before the copy it made for another session is durable", () => {
    // The broken policy breaks every copy; the states checked here are only those crashing inside a rollback once the
    // host writes it waited for are acknowledged: the later ones wait at the engine's gate, and every copy in flight
    // is the rollback's own, made for session 1.
    const broken = BROKEN_ENGINES.find((engine) => engine.name.startsWith("host write reaches the Source LU before"))!;
    const { scenario, meta } = shippedScenario(SCENARIO);
    const parts = broken.parts(scenario.engine.commitPolicy);
    const recording = recordRun(scenario, meta, parts);
    const checker = new StateChecker(recording, new CrashOracle(recording), parts);
    const correctRecording = recordRun(scenario, meta, undefined);
    const correct = new StateChecker(correctRecording, new CrashOracle(correctRecording), undefined);
    const rng = Rng.root(1).stream("rollback-states");
    const invariants = new Set<number>();
    let states = 0;
    const points = rollbackPoints(recording, true);
    for (const point of points) {
      for (const state of statesAt(recording, point, { exhaustiveBound: 4, sampledSubsets: 8 }, rng)) {
        states++;
        const outcome = checker.check(state);
        if (outcome.kind === "finding") invariants.add(outcome.invariant);
      }
    }
    for (const point of rollbackPoints(correctRecording, true)) {
      for (const state of statesAt(correctRecording, point, { exhaustiveBound: 4, sampledSubsets: 8 }, rng)) expect(correct.check(state)).toMatchObject({ kind: "ok" });
    }
    expect(points.length).toBeGreaterThan(10);
    expect(states).toBeGreaterThan(50);
    expect([...invariants]).toContain(1);
  });
});

describe("the crash oracle's point in time of a session whose start overlaps a rollback of its slot", () => {
  it("allows both orders: the rollback first (restoring the earlier session) or the new session first (restoring itself)", () => {
    // Sector 0: write #1 before session A, write #2 after it; then a replace (session B) and a rollback of the slot
    // are submitted together and acknowledged together, in either order at the engine's gate.
    let now = 0;
    const host = new HostLog(() => now);
    const ack = (f: () => void, at: number) => ((now = at), f());
    now = 1;
    const w1 = host.writeSubmitted(0, 512, 1);
    ack(() => host.writeAcked(w1), 2);
    now = 3;
    const a = host.sessionSubmitted("start", 0);
    ack(() => host.sessionAcked(a, 1), 4);
    now = 5;
    const w2 = host.writeSubmitted(0, 512, 2);
    ack(() => host.writeAcked(w2), 6);
    now = 7;
    const b = host.sessionSubmitted("replace", 0);
    const rollback = host.sessionSubmitted("rollback", 0);
    ack(() => host.sessionAcked(rollback, undefined), 8);
    ack(() => host.sessionAcked(b, 2), 9);
    const recording = { host, source: { sectorSizeBytes: 512 }, scenario: { engine: { chunkSizeBytes: 4096 } } } as unknown as Recording;
    const oracle = new CrashOracle(recording);
    const [first, second] = [writeToken(1, 0), writeToken(2, 0)];
    expect(oracle.allowedPhantom(host.sessionOps[a]!, 0)).toEqual([first]);
    // Rollback first: B starts from A's point in time; B first: B's own, which the rollback then restores.
    expect(new Set(oracle.allowedPhantom(host.sessionOps[b]!, 0))).toEqual(new Set([first, second]));
    // On the Source LU, durable once the rollback (which flushes) is acknowledged: either order's result, never the original.
    expect(new Set(oracle.allowedSource(0, 9))).toEqual(new Set([first, second]));
    expect(oracle.allowedSource(0, 9)).not.toContain(originToken(0));
    // Before the rollback was submitted, write #2 was acknowledged but not yet flushed: it, or write #1 under it.
    expect(new Set(oracle.allowedSource(0, 6))).toEqual(new Set([first, second]));
  });
});
