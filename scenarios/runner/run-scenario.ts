import { all, callStep, sleep, waitFor, type Coroutine, type Step } from "../../io/coroutine.js";
import { Signal } from "../../io/signal.js";
import { Payload } from "../../io/payload.js";
import { Kernel } from "../../sim/kernel.js";
import { Rng } from "../../sim/rng/streams.js";
import type { BlockDevice } from "../../io/block-device.js";
import { countersSince, EngineError, formatCacheLu, makeCommitPolicy, mountCacheLu, writeAmplification, type CofwEngine, type CommitPolicy, type MetadataDecoder, type MountOptions, type RecoveryRepair } from "../../engine/index.js";
import type { Scenario, ScriptOp, SessionEvent } from "../model.js";
import type { HostIo, WorkloadSource } from "../workloads/source.js";
import { LookaheadSource } from "./lookahead-source.js";
import { buildDevices, type BuiltDevices } from "./build-devices.js";
import type { HostEventSink } from "./host-events.js";
import { prepareWorkloads, type TraceReadListener, type WorkloadGroup } from "./expand-workloads.js";
import { OpStats } from "./op-stats.js";
import type { RunResults, SessionRecord } from "./results.js";
import { TimeSeriesRecorder, type SeriesKey, type TimeSeries } from "./time-series.js";
import { formatDurationNs } from "../traces/common.js";
import { TIMELESS_JOB_EXPECTED } from "../workloads/timeless-job.js";

/** What a skipped Phantom LU read (no live session in its slot) resumes its issuer with. */
const SKIPPED = Symbol("skipped phantom read");

export interface RunHooks {
  /** Called now and then with the fraction of the run done (0..1). */
  readonly onProgress?: (fraction: number) => void;
  /** Told how far each trace file's reading has got, before the run starts. */
  readonly onTraceRead?: TraceReadListener;
  /** Called once the workloads are read (traces, fio files), before the first host I/O. */
  readonly onWorkloadsRead?: () => void;
  /** Sees the kernel before the run starts (trace hashing in tests). */
  readonly observe?: (kernel: Kernel) => void;
  /** Sees the devices once built (crash campaigns read their write logs). */
  readonly observeDevices?: (devices: BuiltDevices) => void;
  /** Keep every device's write log (crash campaigns). */
  readonly recordDeviceLog?: boolean;
  /** Told of every host-level submission and acknowledgement (crash oracles). */
  readonly hostEvents?: HostEventSink;
  /** The engine's pluggable parts; by default the scenario's commit policy and the reference decoder. Tests hand in broken ones. */
  readonly engineParts?: EngineParts;
  /**
   * How many I/Os each workload source is read ahead by, to hint the engine
   * (see LookaheadSource); 0 reads none ahead. Results do not depend on it:
   * tests compare runs with and without.
   */
  readonly readAheadIos?: number;
  /**
   * Called once each time simulated time has stood still for `timeStandingStillIos` host I/Os in a row (by default
   * TIME_STANDING_STILL_IOS) in a run that only a runtime stops: a closed-loop job on devices that take no time issues
   * I/O after I/O at one instant and never reaches the runtime. A warning: such a run may still move on (a copy to a
   * Cache LU that takes time). One that stands still for `stopAtIos` (STOOD_STILL_STOP_FACTOR times as many) is
   * stopped there, with a problem in its results.
   */
  readonly onTimeStandingStill?: (atNs: number, hostIos: number, stopAtIos: number) => void;
  /** The count onTimeStandingStill waits for; tests give a small one. */
  readonly timeStandingStillIos?: number;
}

/** A million host I/Os at one simulated instant: a few seconds of wall time. */
const TIME_STANDING_STILL_IOS = 1_000_000;

/**
 * How many times TIME_STANDING_STILL_IOS (or the hook's count) a run may stand still before it is stopped: a hundred
 * million host I/Os at one instant, a few minutes of wall time, is no workload a device could serve, and a run left
 * to it never ends (its user had to interrupt it, and got no results).
 */
const STOOD_STILL_STOP_FACTOR = 100;

/** Enough I/Os that their lookups' cache misses overlap, few enough that what they bring in is still cached when the I/Os run. */
export const READ_AHEAD_IOS = 16;

export interface EngineParts {
  readonly makePolicy?: () => CommitPolicy;
  readonly decoder?: MetadataDecoder;
  readonly repair?: RecoveryRepair;
}

/** The commit policy a run's engines use: the one handed in, or the scenario's. */
function policyFor(scenario: Scenario, parts: EngineParts | undefined): CommitPolicy {
  return parts?.makePolicy?.() ?? makeCommitPolicy(scenario.engine.commitPolicy);
}

/** How a run's engines mount: its policy, and the decoder and repair handed in (the engine's own otherwise). */
export function mountOptionsFor(scenario: Scenario, parts: EngineParts | undefined): MountOptions {
  return { policy: policyFor(scenario, parts), ...(parts?.decoder === undefined ? {} : { decoder: parts.decoder }), ...(parts?.repair === undefined ? {} : { repair: parts.repair }) };
}

export interface RunMeta {
  readonly cofwsimVersion: string;
  /** The scenario file's name (no directory: results must not depend on where the checkout is). */
  readonly fileName: string;
  readonly contentHash: string;
}

/** Stamps 0 and 1 are reserved (zeros, the Source LU's original contents); host writes start here. */
const FIRST_HOST_STAMP = 1000;

/**
 * Runs a scenario to completion in simulated time and returns its results.
 * The Cache LU is formatted first; the measurement window starts after that
 * and the warm-up, and ends at the last host I/O issued (the drain of I/Os
 * still in flight is not measured).
 */
export interface RunOutput {
  readonly results: RunResults;
  readonly timeSeries: TimeSeries;
  readonly kernel: Kernel;
}

export function runScenario(scenario: Scenario, meta: RunMeta, hooks: RunHooks = {}): RunOutput {
  const kernel = new Kernel(scenario.seed);
  hooks.observe?.(kernel);
  const rng = Rng.root(scenario.seed);
  const devices = buildDevices(scenario.devices, kernel, rng, { recordLog: hooks.recordDeviceLog ?? false });
  hooks.observeDevices?.(devices);
  const events = hooks.hostEvents;
  const readAheadIos = hooks.readAheadIos ?? READ_AHEAD_IOS;
  const notes: string[] = [];
  const problems: string[] = [];

  let engine: CofwEngine | undefined;
  kernel.spawn(
    formatCacheLu(devices.source, devices.cache, {
      chunkSizeBytes: scenario.engine.chunkSizeBytes,
      regionSizeBytes: scenario.engine.regionSizeBytes,
      policy: policyFor(scenario, hooks.engineParts),
      ...(scenario.engine.metadataBlockBytes === undefined ? {} : { sectorSizeBytes: scenario.engine.metadataBlockBytes }),
    }),
    "format",
    (e) => (engine = e),
  );
  kernel.runUntilIdle();
  if (engine === undefined) throw new Error(`format did not finish (seed ${scenario.seed})`);
  // Let go of once the run is over (see measureRecovery's call).
  let cofw: CofwEngine = engine;
  events?.formatted();
  const readyNs = kernel.nowNs;
  // The format's own writes (metadata, the records area zeroed) came before time 0: the run's counters start here.
  const formatCounters = { ...cofw.counters };
  const runCounters = () => countersSince(cofw.counters, formatCounters);
  const windowStartNs = readyNs + scenario.measurement.warmupNs;

  const prepared = prepareWorkloads(scenario, rng, devices.source, hooks.onTraceRead);
  hooks.onWorkloadsRead?.();
  const groups: WorkloadGroup[] = prepared.groups;
  notes.push(...prepared.notes);
  /** Per workload group, everything its I/Os record into, resolved once rather than looked up per I/O. */
  interface GroupSink {
    readonly group: WorkloadGroup;
    readonly stats: { readonly read: OpStats; readonly write: OpStats };
    readonly seriesKeys: { readonly read: SeriesKey; readonly write: SeriesKey };
    /** Host I/Os the group's sources and script issued. */
    issuedIos: number;
  }
  const series = new TimeSeriesRecorder(scenario.report?.bucketNs);
  const sinks: GroupSink[] = groups.map((group) => ({
    group,
    stats: { read: new OpStats(), write: new OpStats() },
    seriesKeys: { read: series.seriesKey(group.name, "read"), write: series.seriesKey(group.name, "write") },
    issuedIos: 0,
  }));
  // The histograms live in WebAssembly memory, which is freed whether the run ends or throws.
  try {
    const stopAtNs = scenario.stop.runtimeNs === undefined ? Number.POSITIVE_INFINITY : readyNs + scenario.stop.runtimeNs;
    const hostIoLimit = scenario.stop.hostIos ?? Number.POSITIVE_INFINITY;
    let issued = 0;
    let completed = 0;
    let writesCompleted = 0;
    let lastIssueNs = readyNs;
    /** The last host I/O or session operation to finish: the end of the drain (sampling must not move it). */
    let lastActivityNs = readyNs;
    let nextStamp = FIRST_HOST_STAMP;
    let phantomSkipped = 0;
    /** Fired, and replaced, whenever a session operation ends or the engine ends sessions (what can make a Phantom LU readable), and when the run stops on stop.hostIos. */
    let sessionsChanged = new Signal();
    const sessionsChangedNow = () => {
      const fired = sessionsChanged;
      sessionsChanged = new Signal();
      fired.fire();
    };
    /** Set when simulated time stood still for STOOD_STILL_STOP_FACTOR times the warning's count (see RunHooks.onTimeStandingStill). */
    let stoodStill = false;
    const stopped = () => issued >= hostIoLimit || kernel.nowNs >= stopAtNs || stoodStill;
    /** Workers and arrival processes still issuing I/O. */
    let running = 0;
    const sourcesDone = () => running === 0;

    // ---- session schedule and host flushes --------------------------------------
    const sessionRecords: SessionRecord[] = [];
    const byCount = scenario.sessions.filter((e): e is SessionEvent & { trigger: { afterHostIos: number } } => "afterHostIos" in e.trigger).sort((a, b) => a.trigger.afterHostIos - b.trigger.afterHostIos);
    let nextByCount = 0;
    const sessionOp = function* ({ action, slot }: Pick<SessionEvent, "action" | "slot">): Coroutine {
      const record: SessionRecord = { action, slot, requestedAtNs: kernel.nowNs - readyNs };
      sessionRecords.push(record);
      // A start takes a free slot; ending the live session in it is what replace is for (DESIGN.md, sessions).
      const live = cofw.sessionList()[slot]?.state === "active";
      if (action === "start" && live) {
        record.error = `slot ${slot} holds a live session; a start takes a free slot ("replace" ends the live one and starts another)`;
        problems.push(`session start of slot ${slot} at ${record.requestedAtNs} ns refused: ${record.error}`);
        return;
      }
      if (action === "replace" && !live) notes.push(`session replace of slot ${slot} at ${record.requestedAtNs} ns found no live session there: it started one`);
      const eventId = events?.sessionSubmitted(action, slot);
      try {
        if (action === "start" || action === "replace") record.sequence = yield* cofw.startSession(slot);
        else if (action === "stop") yield* cofw.stopSession(slot);
        else yield* cofw.rollback(slot);
        if (eventId !== undefined) events!.sessionAcked(eventId, record.sequence);
        record.doneAtNs = kernel.nowNs - readyNs;
        lastActivityNs = Math.max(lastActivityNs, kernel.nowNs);
      } catch (error) {
        if (!(error instanceof EngineError)) throw error;
        record.error = error.message;
        problems.push(`session ${action} of slot ${slot} at ${record.requestedAtNs} ns failed: ${error.message}`);
      }
      sessionsChangedNow();
    };
    // An operation at a time after the run stopped does not happen (said in the notes), as one whose host I/O count
    // the run never reaches.
    const notAfterStop = (event: SessionEvent) => () => {
      if (stopped()) notes.push(`session ${event.action} of slot ${event.slot} at ${formatDurationNs(kernel.nowNs - readyNs)} never happened: the run had stopped`);
      else kernel.spawn(sessionOp(event), `session/${event.action}/${event.slot}`);
    };
    for (const event of scenario.sessions) {
      if ("atNs" in event.trigger) kernel.scheduleAt(readyNs + event.trigger.atNs, notAfterStop(event));
    }
    /** Starts the operations whose host I/O count the completions reached. */
    const fireCountTriggers = () => {
      while (nextByCount < byCount.length && completed >= byCount[nextByCount]!.trigger.afterHostIos) {
        const event = byCount[nextByCount++]!;
        kernel.spawn(sessionOp(event), `session/${event.action}/${event.slot}`);
      }
    };
    // Sessions ended by a full Cache LU: nobody scheduled them, but the timeline shows when they went.
    cofw.terminationListener = (ended) => {
      const records = ended.map(({ slot, sequence }): SessionRecord => ({ action: "terminate", slot, requestedAtNs: kernel.nowNs - readyNs, sequence }));
      sessionRecords.push(...records);
      return () => {
        for (const record of records) record.doneAtNs = kernel.nowNs - readyNs;
        lastActivityNs = Math.max(lastActivityNs, kernel.nowNs);
        sessionsChangedNow();
      };
    };
    // Those after 0 host I/Os happen at time 0, before the first completes.
    if (byCount[0]?.trigger.afterHostIos === 0) kernel.scheduleAt(readyNs, fireCountTriggers);
    let flushes = 0;
    const flushOp = (): Coroutine => {
      flushes++;
      return events === undefined ? cofw.hostFlush() : recordedFlush(events);
    };
    const flush = (onDone?: () => void) => kernel.spawn(flushOp(), `flush/${flushes}`, onDone);
    const recordedFlush = function* (sink: HostEventSink): Coroutine {
      const id = sink.flushSubmitted();
      yield* cofw.hostFlush();
      sink.flushAcked(id);
    };
    const everyNs = scenario.flushes.everyNs;
    /** The timed flush in flight, if any: fired when it completes. */
    let timedFlushInFlight: Signal | undefined;
    let flushTicksSkipped = 0;
    if (everyNs !== undefined) {
      const timedFlush = () => {
        const done = new Signal();
        timedFlushInFlight = done;
        flush(() => {
          timedFlushInFlight = undefined;
          done.fire();
        });
      };
      kernel.spawn(
        (function* (): Coroutine {
          for (;;) {
            yield* sleep(everyNs);
            if (stopped() || sourcesDone()) return;
            if (timedFlushInFlight !== undefined) {
              // Timed flushes do not pile up: a tick that finds the last one still in flight waits for it and flushes at
              // the first tick after. A period shorter than a flush (flushes.every=1ns on a rotating disk) otherwise
              // started a flush per simulated nanosecond, and the run never ended.
              const tickNs = kernel.nowNs;
              yield* waitFor(timedFlushInFlight);
              const nextTickNs = tickNs + Math.ceil((kernel.nowNs - tickNs) / everyNs) * everyNs;
              flushTicksSkipped += (nextTickNs - tickNs) / everyNs;
              if (nextTickNs > kernel.nowNs) yield* sleep(nextTickNs - kernel.nowNs);
              if (stopped() || sourcesDone()) return;
            }
            timedFlush();
          }
        })(),
        "flusher",
      );
    }

    // ---- host I/O --------------------------------------------------------------------
    const onComplete = (io: HostIo) => {
      completed++;
      lastActivityNs = kernel.nowNs;
      if (io.kind === "write") {
        writesCompleted++;
        const everyWrites = scenario.flushes.everyHostWrites;
        if (everyWrites !== undefined && writesCompleted % everyWrites === 0) flush();
      }
      fireCountTriggers();
    };
    /** The sink, when it wants host reads (a data oracle): the reads of a run without one take no extra generator. */
    const recordReads = events?.readSubmitted === undefined || events.readDone === undefined ? undefined : events;
    /**
     * Starts a host I/O: the step to yield for it at once. A write is the
     * engine's hostWriteStep (its I/O itself when it goes straight through),
     * a plain read the engine's own coroutine, called, not one wrapped
     * around it: every step of the I/O passes through each generator between
     * it and the kernel, and the host I/O path is the simulator's hottest.
     */
    const startIo = (group: WorkloadGroup, io: HostIo): Step => {
      if (io.kind === "write") {
        const stamp = nextStamp++;
        const payload = Payload.stamp(stamp, io.lengthBytes);
        return events === undefined ? cofw.hostWriteStep(io.offsetBytes, payload) : callStep(recordedWrite(events, io.offsetBytes, payload, stamp));
      }
      const read = group.phantomSlot === undefined ? cofw.hostRead(io.offsetBytes, io.lengthBytes) : phantomRead(group.phantomSlot, io);
      return recordReads === undefined ? callStep(read) : callStep(recordedRead(recordReads, group.phantomSlot, io, read));
    };
    const recordedRead = function* (sink: HostEventSink, phantomSlot: number | undefined, io: HostIo, read: Coroutine<unknown>): Coroutine<unknown> {
      const target = phantomSlot === undefined ? ({ kind: "source" } as const) : ({ kind: "phantom", slot: phantomSlot } as const);
      const id = sink.readSubmitted!(target, io.offsetBytes, io.lengthBytes);
      const outcome: unknown = yield* read;
      sink.readDone!(id, outcome === SKIPPED ? undefined : (outcome as Payload));
      return outcome;
    };
    const recordedWrite = function* (sink: HostEventSink, offsetBytes: number, payload: Payload, stamp: number): Coroutine {
      const id = sink.writeSubmitted(offsetBytes, payload.lengthBytes, stamp);
      // The same entry as an unrecorded run's write, so a crash campaign judges the path runs take.
      yield cofw.hostWriteStep(offsetBytes, payload);
      sink.writeAcked(id);
    };
    const phantomRead = function* (slot: number, io: HostIo): Coroutine<typeof SKIPPED | Payload> {
      try {
        return yield* cofw.phantomRead(slot, io.offsetBytes, io.lengthBytes);
      } catch (error) {
        if (!(error instanceof EngineError)) throw error;
        phantomSkipped++;
        return SKIPPED;
      }
    };
    /**
     * Records a host I/O issued at `issueNs` that completes now; `outcome`
     * is what its step resumed the issuer with. A skipped Phantom LU read
     * read nothing, so it is in no figure, only in the count that stops the
     * run and triggers sessions.
     */
    const finishIo = (sink: GroupSink, io: HostIo, issueNs: number, outcome: unknown): void => {
      if (outcome === SKIPPED) {
        onComplete(io);
        return;
      }
      const nowNs = kernel.nowNs;
      const latencyNs = nowNs - issueNs;
      const isWrite = io.kind === "write";
      const direction = isWrite ? sink.stats.write : sink.stats.read;
      series.recordIo(nowNs - readyNs, isWrite ? sink.seriesKeys.write : sink.seriesKeys.read, io.lengthBytes, latencyNs, cofw.counters.sessionsStarted > 0);
      if (nowNs >= windowStartNs) {
        if (nowNs <= lastIssueNs) direction.recordCompletion(io.lengthBytes, latencyNs, issued);
        else direction.recordLateCompletion(io.lengthBytes, latencyNs, issued);
      }
      onComplete(io);
    };
    /**
     * A host I/O from start to finish. The I/O's coroutine is called, not
     * delegated to (see CallStep): its steps then go straight to the kernel
     * rather than through this generator and the worker above it.
     */
    const doIo = function* (sink: GroupSink, io: HostIo): Coroutine {
      const issueNs = kernel.nowNs;
      const outcome: unknown = yield startIo(sink.group, io);
      finishIo(sink, io, issueNs, outcome);
    };
    /** Runs that stop after a number of host I/Os report progress every `progressEveryIos` I/Os issued (set before the run). */
    let progressEveryIos = 0;
    /** Host I/Os issued since simulated time last moved; a run that a number of host I/Os stops always ends. */
    let sameInstantIos = 0;
    const standingStillIos = Number.isFinite(hostIoLimit) ? Number.POSITIVE_INFINITY : (hooks.timeStandingStillIos ?? TIME_STANDING_STILL_IOS);
    const stoodStillStopIos = standingStillIos * STOOD_STILL_STOP_FACTOR;
    let nextProgressIos = Number.POSITIVE_INFINITY;
    const stopStoodStill = (nowNs: number) => {
      stoodStill = true;
      sessionsChangedNow();
      problems.push(
        `simulated time stood still at ${formatDurationNs(nowNs - readyNs)} for ${sameInstantIos.toLocaleString("en-US")} host I/Os in a row, so the run was stopped there, before its stop.runtime ${formatDurationNs(scenario.stop.runtimeNs ?? 0)}: ` +
          `a closed-loop job whose I/Os complete on devices that take no time (model: instant) never reaches a runtime; it needs ${TIMELESS_JOB_EXPECTED}`,
      );
    };
    /** Counts an I/O of `sink`'s group as issued now. */
    const admit = (sink: GroupSink) => {
      // The run stops here: a worker waiting for a Phantom LU to become readable (untilSessionsChange) ends now, not
      // at its own runtime, which would stretch the run's simulated time past its last I/O.
      if (++issued === hostIoLimit) sessionsChangedNow();
      sink.issuedIos++;
      const nowNs = kernel.nowNs;
      if (nowNs !== lastIssueNs) sameInstantIos = 0;
      else if (++sameInstantIos === standingStillIos) hooks.onTimeStandingStill?.(nowNs - readyNs, sameInstantIos, stoodStillStopIos);
      else if (sameInstantIos === stoodStillStopIos) stopStoodStill(nowNs);
      lastIssueNs = nowNs;
      if (issued >= nextProgressIos) {
        hooks.onProgress?.(Number.isFinite(hostIoLimit) ? issued / hostIoLimit : 0);
        nextProgressIos += progressEveryIos;
      }
    };
    /**
     * Waits until a session operation ends (or the engine ends sessions, or the run stops on stop.hostIos), or until `untilNs` or the run's runtime,
     * whichever comes first.
     */
    const untilSessionsChange = function* (untilNs: number): Coroutine {
      const endNs = Math.min(untilNs, stopAtNs);
      if (endNs <= kernel.nowNs) return;
      const wake = new Signal();
      const timer = kernel.schedule(endNs - kernel.nowNs, () => wake.fire());
      sessionsChanged.subscribe(() => {
        if (wake.fired) return;
        kernel.cancel(timer);
        wake.fire();
      });
      yield* waitFor(wake);
    };
    /** One of a closed-loop source's `iodepth` workers: issue, wait for completion, repeat. */
    const closedLoopWorker = function* (sink: GroupSink, source: WorkloadSource): Coroutine {
      yield* sleep(source.startDelayNs);
      const startNs = kernel.nowNs;
      while (!stopped() && (source.runtimeNs === undefined || kernel.nowNs - startNs < source.runtimeNs)) {
        const next = source.next();
        if (next === undefined) break;
        admit(sink);
        // doIo written out: one generator less to resume per I/O on the runner's hottest path.
        const issueNs = kernel.nowNs;
        const outcome: unknown = yield startIo(sink.group, next.io);
        finishIo(sink, next.io, issueNs, outcome);
        // A skipped Phantom LU read takes no time: a time-based job would issue the next at the same instant, and the
        // next, and never reach its runtime (nor let anything else run). It waits for a session to change instead.
        if (outcome === SKIPPED && source.runtimeNs !== undefined) yield* untilSessionsChange(startNs + source.runtimeNs);
      }
      running--;
    };
    /**
     * A closed-loop source with a thinktime, as fio runs one: `blocks` I/Os
     * at most `iodepth` at a time, then wait until none is in flight, then
     * pause (fio quiesces before each thinktime), and again.
     */
    const thinkingJob = function* (sink: GroupSink, source: WorkloadSource, iodepth: number, thinktimeNs: number, blocks: number): Coroutine {
      yield* sleep(source.startDelayNs);
      const startNs = kernel.nowNs;
      const going = () => !stopped() && (source.runtimeNs === undefined || kernel.nowNs - startNs < source.runtimeNs);
      let exhausted = false;
      let left = 0;
      const batchWorker = function* (): Coroutine {
        while (left > 0 && going()) {
          const next = source.next();
          if (next === undefined) {
            exhausted = true;
            return;
          }
          left--;
          admit(sink);
          yield* doIo(sink, next.io);
        }
      };
      while (going()) {
        left = blocks;
        yield* all(Array.from({ length: Math.min(iodepth, blocks) }, batchWorker));
        if (exhausted || !going()) break;
        yield* sleep(thinktimeNs);
      }
      running--;
    };
    /**
     * One of a script's `iodepth` workers: each takes the script's next
     * operation and holds its place until the operation completes, so
     * operations start in the order written.
     */
    const scriptWorker = function* (sink: GroupSink, ops: Iterator<ScriptOp>): Coroutine {
      for (let step = ops.next(); !step.done && !stopped(); step = ops.next()) {
        const op = step.value;
        if (op.kind === "flush") yield* flushOp();
        else if (op.kind === "session") yield* sessionOp(op);
        else {
          admit(sink);
          yield* doIo(sink, op);
        }
      }
      running--;
    };
    /** An open-loop source: each I/O starts at its arrival time whatever the devices are doing. */
    const openLoopArrivals = function* (sink: GroupSink, source: WorkloadSource): Coroutine {
      yield* sleep(source.startDelayNs);
      const startNs = kernel.nowNs;
      for (let next = stopped() ? undefined : source.next(); next !== undefined; next = stopped() ? undefined : source.next()) {
        const arrivalNs = startNs + next.arrivalNs;
        if ((source.runtimeNs !== undefined && next.arrivalNs >= source.runtimeNs) || arrivalNs >= stopAtNs) break;
        if (arrivalNs > kernel.nowNs) yield* sleep(arrivalNs - kernel.nowNs);
        if (stopped()) break;
        admit(sink);
        kernel.spawn(doIo(sink, next.io), source.name);
      }
      running--;
    };
    for (const sink of sinks) {
      const script = sink.group.script;
      if (script !== undefined) {
        const ops = script.ops[Symbol.iterator]();
        for (let depth = 0; depth < script.iodepth; depth++) {
          running++;
          kernel.spawn(scriptWorker(sink, ops), `${script.name}/${depth}`);
        }
      }
      for (const inner of sink.group.sources) {
        const source = readAheadIos > 0 ? new LookaheadSource(inner, readAheadIos, (offsetsBytes, count) => cofw.prefetch(offsetsBytes, count)) : inner;
        const loop = source.loop;
        if (loop.kind === "closed") {
          if (loop.thinktimeNs > 0) {
            running++;
            kernel.spawn(thinkingJob(sink, source, loop.iodepth, loop.thinktimeNs, loop.thinktimeBlocks), source.name);
          } else {
            for (let depth = 0; depth < loop.iodepth; depth++) {
              running++;
              kernel.spawn(closedLoopWorker(sink, source), `${source.name}/${depth}`);
            }
          }
        } else {
          running++;
          kernel.spawn(openLoopArrivals(sink, source), `${source.name}/arrivals`);
        }
      }
    }

    // Engine samples at every bucket boundary, until no source issues, nothing is in flight and nothing else is to
    // happen (a session started later, the engine's own write-backs): the series covers the engine's whole run.
    kernel.spawn(
      (function* (): Coroutine {
        const periodNs = series.samplePeriodNs;
        let sleepNs = periodNs;
        for (;;) {
          yield* sleep(sleepNs);
          const live = cofw.sessionList().filter((session) => session.state === "active").length;
          const counters = runCounters();
          // A sample at t holds what happened since the last one, up to t: the bucket that ends at t (1 ns before it).
          const sampledNs = kernel.nowNs - readyNs - 1;
          series.sampleEngine(sampledNs, counters, live);
          const nextNs = kernel.nextEventNs;
          if (sourcesDone() && completed === issued && nextNs === undefined) return;
          // Until the next event nothing changes, so the samples before it are taken at once and the sampler wakes
          // at the first sample time from then on: a run that idles for hours (a slow device, a low rate_iops) would
          // otherwise wake every millisecond of them. Its results are the same either way.
          const skipped = nextNs === undefined ? 0 : Math.ceil((nextNs - kernel.nowNs) / periodNs) - 1;
          if (skipped > 0) series.sampleEngineIdle(sampledNs + periodNs, sampledNs + skipped * periodNs, periodNs, counters, live);
          sleepNs = (Math.max(0, skipped) + 1) * periodNs;
        }
      })(),
      "time-series",
    );

    // ---- run, with progress ----------------------------------------------------------
    const progress = hooks.onProgress;
    if (progress === undefined) kernel.runUntilIdle();
    else if (Number.isFinite(stopAtNs)) {
      const sliceNs = Math.max(1, Math.ceil((stopAtNs - readyNs) / 100));
      while (kernel.run({ untilNs: Math.min(stopAtNs, kernel.nowNs + sliceNs) }) === "time" && kernel.nowNs < stopAtNs) progress((kernel.nowNs - readyNs) / (stopAtNs - readyNs));
      kernel.runUntilIdle();
    } else {
      // admit() reports progress by host I/Os issued: a condition for the kernel to check would cost a call per event.
      progressEveryIos = Number.isFinite(hostIoLimit) ? Math.max(1, Math.ceil(hostIoLimit / 100)) : 10_000;
      nextProgressIos = progressEveryIos;
      kernel.runUntilIdle();
    }
    progress?.(1);
    cofw.assertConsistent();
    const counters = runCounters();
    const cacheChunksTotal = cofw.layout.cofwChunkCount;
    // The run's engine is done with, and so is every closure that reads it: let go of it before the recovery's
    // engine is built, so that the collector can hand its memory to that one. Fresh memory costs a page fault per
    // 4 KiB on this project's VMs: on bench/whole-run.yaml, 48 MiB less peak RSS and 12% less system time.
    engine = undefined;
    cofw = undefined as unknown as CofwEngine;
    const recovery = measureRecovery(kernel, devices.source, devices.cache, scenario, hooks.engineParts);
    if (flushTicksSkipped > 0) notes.push(`${flushTicksSkipped} ticks of flushes.every found the previous timed flush still in flight; each such flush was issued at the first tick after it completed`);
    if (phantomSkipped > 0) notes.push(`${phantomSkipped} Phantom LU reads found no live session in their slot and were skipped: they read nothing, take no time and are in no figure of their job`);
    for (const event of byCount.slice(nextByCount)) {
      notes.push(`session ${event.action} of slot ${event.slot} after ${event.trigger.afterHostIos} host I/Os never happened: the run completed ${completed}`);
    }
    // A trace's own notes count every request it has; a run that stopped before the last says how many it replayed.
    for (const sink of sinks) {
      const lengths = sink.group.sources.map((source) => source.lengthIos);
      if (lengths.length === 0 || lengths.some((length) => length === undefined)) continue;
      const lengthIos = (lengths as number[]).reduce((sum, length) => sum + length, 0);
      if (sink.issuedIos >= lengthIos) continue;
      const why = issued >= hostIoLimit ? `stop.hostIos ${hostIoLimit} reached` : `stop.runtime ${formatDurationNs(scenario.stop.runtimeNs ?? 0)} reached`;
      notes.push(`${sink.group.name}: the run stopped (${why}) after ${sink.issuedIos} of the trace's ${lengthIos} reads and writes; the other ${lengthIos - sink.issuedIos} were not replayed`);
    }
    if (lastIssueNs < windowStartNs) {
      notes.push(
        `the measurement window is empty: the last host I/O was issued at ${formatDurationNs(lastIssueNs - readyNs)}, before the warm-up ended at ${formatDurationNs(windowStartNs - readyNs)}, so every rate and latency is 0 (shorten measurement.warmup or run longer)`,
      );
    }

    const windowEndNs = Math.max(windowStartNs, lastIssueNs);
    const windowNs = windowEndNs - windowStartNs;
    const results: RunResults = {
      manifest: { cofwsimVersion: meta.cofwsimVersion, scenario: { name: scenario.name, file: meta.fileName, contentHash: meta.contentHash }, seed: scenario.seed },
      jobs: sinks.map(({ group, stats }) => ({ jobname: group.name, read: stats.read.toFio(windowNs, issued), write: stats.write.toFio(windowNs, issued) })),
      engine: {
        commitPolicy: scenario.engine.commitPolicy,
        chunkSizeBytes: scenario.engine.chunkSizeBytes,
        regionSizeBytes: scenario.engine.regionSizeBytes,
        cofwCopies: counters.cofwCopies,
        copiesPerHostWrite: counters.hostWrites === 0 ? 0 : round6(counters.cofwCopies / counters.hostWrites),
        bytesCopied: counters.bytesCopied,
        hostWrites: counters.hostWrites,
        hostBytesWritten: counters.hostBytesWritten,
        hostReads: counters.hostReads,
        phantomReads: counters.phantomReads,
        deviceBytesWritten: counters.deviceBytesWritten,
        writeAmplification: round6(writeAmplification(counters)),
        metadataWrites: counters.metadataWrites,
        metadataBytesWritten: counters.metadataBytesWritten,
        flushes: counters.flushes,
        hostFlushes: counters.hostFlushes,
        copyWaits: counters.copyWaits,
        cacheChunksUsed: counters.chunksInUse,
        cacheChunksTotal,
        sessionsStarted: counters.sessionsStarted,
        sessionsTerminated: counters.sessionsTerminated,
        rollbackChunks: counters.rollbackChunks,
        recoveryNs: recovery.recoveryNs,
        recoveryBytesRead: recovery.bytesRead,
        recoveryRegionsRebuilt: recovery.regionsRebuilt,
      },
      devices: devices.descriptions,
      window: { startNs: windowStartNs - readyNs, endNs: windowEndNs - readyNs, simulatedEndNs: lastActivityNs - readyNs, formatNs: readyNs },
      sessions: sessionRecords,
      notes,
      problems,
    };
    return { results, kernel, timeSeries: series.finish(lastActivityNs - readyNs) };
  } finally {
    series.destroy();
    for (const { stats } of sinks) {
      stats.read.destroy();
      stats.write.destroy();
    }
  }
}

/**
 * Recovery cost, measured after the run (outside the measured window): a
 * fresh engine mounts the Cache LU as it stands, without the clean unmount, as
 * after a power loss that lost nothing. Its simulated time and the bytes it
 * read are what a restart would cost with this geometry and commit policy.
 */
function measureRecovery(kernel: Kernel, source: BlockDevice, cache: BlockDevice, scenario: Scenario, parts: EngineParts | undefined): { recoveryNs: number; bytesRead: number; regionsRebuilt: number } {
  const startNs = kernel.nowNs;
  let mounted: CofwEngine | undefined;
  kernel.spawn(mountCacheLu(source, cache, mountOptionsFor(scenario, parts)), "recovery", (engine) => (mounted = engine));
  kernel.runUntilIdle();
  if (mounted === undefined) throw new Error(`recovery mount did not finish (seed ${scenario.seed})`);
  mounted.assertConsistent();
  return { recoveryNs: kernel.nowNs - startNs, bytesRead: mounted.counters.recoveryBytesRead, regionsRebuilt: mounted.counters.recoveryRegionsRebuilt };
}

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
