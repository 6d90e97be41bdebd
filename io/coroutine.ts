import type { BlockDevice, IoRequest } from "./block-device.js";
import type { Payload } from "./payload.js";
import type { Latch } from "./latch.js";
import type { Signal } from "./signal.js";
import type { Machine } from "./machine.js";
import { SleepCoroutine } from "./sleep-coroutine.js";

/**
 * The yield protocol. Engine operations and simulated activities are
 * generator functions that yield *steps*; a driver performs each step and
 * resumes the generator with its result. The simulator's driver resumes at
 * simulated completion time; the real driver (io/async-driver.ts) awaits the
 * file system. The engine never knows which one runs it.
 */
/**
 * An I/O request on `device`. The step is the request itself (one object per
 * I/O rather than two): the driver hands it to the device as it is.
 */
export type IoStep = IoRequest & {
  readonly kind: "io";
  readonly device: BlockDevice;
};

/** Resume after a span of (simulated or real) time. */
export interface SleepStep {
  readonly kind: "sleep";
  readonly durationNs: number;
}

/** Resume when a signal fires, with its value. */
export interface WaitStep {
  readonly kind: "wait";
  readonly signal: Signal<unknown>;
}

/** Run several coroutines at once; resume with their results, in order, when all are done. */
export interface AllStep {
  readonly kind: "all";
  readonly coroutines: ReadonlyArray<Callable<unknown>>;
}

/**
 * Run a nested coroutine in place and resume with its return value: what
 * `yield*` does, but the driver resumes the nested coroutine directly. Each
 * resumption through a chain of `yield*` passes through every generator of
 * the chain; hot paths that nest several levels deep (a host write's copy on
 * first write) call instead.
 */
export interface CallStep {
  readonly kind: "call";
  readonly coroutine: Callable<unknown>;
}

/** A Latch (io/latch.ts) is a step itself: resume once its parts have arrived. */
export type Step = IoStep | SleepStep | WaitStep | AllStep | CallStep | Latch;

export type Coroutine<T = void> = Generator<Step, T, unknown>;

/** What a call step calls and an `all` step runs: a generator, or a coroutine written as a Machine. */
export type Callable<T = void> = Coroutine<T> | Machine<T>;

export function* read(device: BlockDevice, offsetBytes: number, lengthBytes: number): Coroutine<Payload> {
  return (yield { kind: "io", device, op: "read", offsetBytes, lengthBytes }) as Payload;
}

export function* write(device: BlockDevice, offsetBytes: number, payload: Payload, fua = false): Coroutine {
  yield { kind: "io", device, op: "write", offsetBytes, payload, fua };
}

export function* flush(device: BlockDevice): Coroutine {
  yield { kind: "io", device, op: "flush" };
}

/** Resumes after `durationNs`: `yield* sleep(d)`, or run as a task or a child of `all`. */
export function sleep(durationNs: number): Coroutine {
  return new SleepCoroutine(durationNs);
}

/** The step of `waitFor`, for hot paths that yield it themselves (no generator around it); the caller is resumed with the signal's value. */
export function waitStep<T>(signal: Signal<T>): WaitStep {
  return { kind: "wait", signal: signal as Signal<unknown> };
}

export function* waitFor<T>(signal: Signal<T>): Coroutine<T> {
  return (yield waitStep(signal)) as T;
}

/** The step of `all`, for hot paths that yield it themselves (no generator around it); the caller is resumed with the results. */
export function allStep(coroutines: ReadonlyArray<Callable<unknown>>): AllStep {
  return { kind: "all", coroutines };
}

/** The step that calls `coroutine` (see CallStep); the caller is resumed with its return value, or its exception is thrown into the caller. */
export function callStep<T>(coroutine: Callable<T>): CallStep {
  return { kind: "call", coroutine: coroutine as Callable<unknown> };
}

export function* all<T>(coroutines: ReadonlyArray<Callable<T>>): Coroutine<T[]> {
  return (yield allStep(coroutines)) as T[];
}
