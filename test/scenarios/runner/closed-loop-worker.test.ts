import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DeviceError, type BlockDevice, type IoCompletion } from "../../../io/block-device.js";
import { sleep, type Coroutine } from "../../../io/coroutine.js";
import { ClosedLoopWorker, type ClosedLoopRun } from "../../../scenarios/runner/closed-loop-worker.js";
import type { HostIo, LoopSpec, NextIo, WorkloadSource } from "../../../scenarios/workloads/source.js";
import { Kernel } from "../../../sim/kernel.js";

interface SourceShape {
  readonly ios: number;
  readonly startDelayNs: number;
  readonly runtimeNs?: number;
}

function source(shape: SourceShape): WorkloadSource {
  let issued = 0;
  return {
    name: "test/0",
    loop: { kind: "closed", iodepth: 1, thinktimeNs: 0 } as LoopSpec,
    startDelayNs: shape.startDelayNs,
    ...(shape.runtimeNs === undefined ? {} : { runtimeNs: shape.runtimeNs }),
    notes: [],
    next: (): NextIo | undefined => (issued >= shape.ios ? undefined : { io: { kind: issued % 3 === 0 ? "read" : "write", offsetBytes: 4096 * issued++, lengthBytes: 4096 }, arrivalNs: 0 }),
  };
}

/** The generator ClosedLoopWorker is written from (its doc comment): the worker must take the same steps at the same times. */
function* referenceWorker(source: WorkloadSource, thinktimeNs: number, run: ClosedLoopRun): Coroutine {
  yield* sleep(source.startDelayNs);
  const startNs = run.nowNs();
  while (!run.stopped() && (source.runtimeNs === undefined || run.nowNs() - startNs < source.runtimeNs)) {
    const next = source.next();
    if (next === undefined) break;
    const issueNs = run.nowNs();
    yield* run.startIo(next.io);
    run.finishIo(next.io, issueNs);
    if (thinktimeNs > 0) yield* sleep(thinktimeNs);
  }
  run.workerDone();
}

interface Case extends SourceShape {
  readonly workers: number;
  readonly thinktimeNs: number;
  readonly ioLimit: number;
  /** Per I/O, the sleeps its coroutine takes (0 to 3 steps). */
  readonly stepsNs: readonly number[];
}

/** Runs `workers` workers over one source and returns everything they did, in order, with times. */
function trace(testCase: Case, makeWorker: (source: WorkloadSource, thinktimeNs: number, run: ClosedLoopRun) => Coroutine): string[] {
  const kernel = new Kernel("1");
  const log: string[] = [];
  let issued = 0;
  const run: ClosedLoopRun = {
    nowNs: () => kernel.nowNs,
    stopped: () => issued >= testCase.ioLimit,
    startIo: (io) => {
      const index = issued++;
      log.push(`${kernel.nowNs} start ${io.offsetBytes}`);
      return (function* (): Coroutine {
        for (const stepNs of testCase.stepsNs.slice(0, index % (testCase.stepsNs.length + 1))) {
          yield* sleep(stepNs);
          log.push(`${kernel.nowNs} step ${io.offsetBytes}`);
        }
      })();
    },
    finishIo: (io, issueNs) => log.push(`${kernel.nowNs} finish ${io.offsetBytes} issued ${issueNs}`),
    workerDone: () => log.push(`${kernel.nowNs} done`),
  };
  const shared = source(testCase);
  for (let worker = 0; worker < testCase.workers; worker++) kernel.spawn(makeWorker(shared, testCase.thinktimeNs, run), `worker/${worker}`);
  kernel.runUntilIdle();
  return log;
}

const cases: fc.Arbitrary<Case> = fc.record(
  {
    ios: fc.integer({ min: 0, max: 40 }),
    startDelayNs: fc.integer({ min: 0, max: 50 }),
    runtimeNs: fc.integer({ min: 1, max: 400 }),
    workers: fc.integer({ min: 1, max: 4 }),
    thinktimeNs: fc.integer({ min: 0, max: 20 }),
    ioLimit: fc.integer({ min: 0, max: 50 }),
    stepsNs: fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 3 }),
  },
  { requiredKeys: ["ios", "startDelayNs", "workers", "thinktimeNs", "ioLimit", "stepsNs"] },
);

describe("ClosedLoopWorker", () => {
  it("does what the generator it replaces does, step for step and at the same times", () => {
    fc.assert(
      fc.property(cases, (testCase) => {
        expect(trace(testCase, (s, t, r) => new ClosedLoopWorker(s, t, r))).toEqual(trace(testCase, referenceWorker));
      }),
    );
  });

  it("waits its start delay, thinks between I/Os and stops at the end of its runtime", () => {
    const log = trace({ ios: 100, startDelayNs: 5, runtimeNs: 60, workers: 1, thinktimeNs: 10, ioLimit: 100, stepsNs: [20] }, (s, t, r) => new ClosedLoopWorker(s, t, r));
    expect(log).toEqual(["5 start 0", "5 finish 0 issued 5", "15 start 4096", "35 step 4096", "35 finish 4096 issued 15", "45 start 8192", "45 finish 8192 issued 45", "55 start 12288", "75 step 12288", "75 finish 12288 issued 55", "85 done"]);
  });

  it("runs through I/Os that complete without yielding in a loop, not a recursion", () => {
    const log = trace({ ios: 200_000, startDelayNs: 0, workers: 1, thinktimeNs: 0, ioLimit: 200_000, stepsNs: [] }, (s, t, r) => new ClosedLoopWorker(s, t, r));
    expect(log.length).toBe(2 * 200_000 + 1);
    expect(log[log.length - 1]).toBe("0 done");
  });

  it("hands a device error to the I/O's coroutine, which may handle it, and ends with an error nobody handles", () => {
    const kernel = new Kernel("1");
    const failing: BlockDevice = {
      name: "failing",
      capacityBytes: 1 << 20,
      sectorSizeBytes: 512,
      queueDepth: 1,
      submit: (_request, onComplete: (completion: IoCompletion, error?: DeviceError) => void) => void kernel.schedule(7, () => onComplete(undefined, new DeviceError("failing", "I/O error"))),
    };
    const seen: string[] = [];
    let handled = 0;
    const run: ClosedLoopRun = {
      nowNs: () => kernel.nowNs,
      stopped: () => false,
      startIo: (io: HostIo) =>
        (function* (): Coroutine {
          try {
            yield { kind: "io", device: failing, op: "read", offsetBytes: 0, lengthBytes: 512 };
          } catch (error) {
            // The first two I/Os handle their error; the third lets it through.
            if (++handled > 2) throw error;
            seen.push(`${kernel.nowNs} handled ${io.offsetBytes}`);
          }
        })(),
      finishIo: (io) => seen.push(`${kernel.nowNs} finish ${io.offsetBytes}`),
      workerDone: () => seen.push("done"),
    };
    const worker = new ClosedLoopWorker(source({ ios: 10, startDelayNs: 0 }), 0, run);
    kernel.spawn(worker, "worker/0");
    expect(() => kernel.runUntilIdle()).toThrow(/I\/O error/);
    expect(seen).toEqual(["7 handled 0", "7 finish 0", "14 handled 4096", "14 finish 4096"]);
    expect(worker.next()).toEqual({ done: true, value: undefined });
  });
});
