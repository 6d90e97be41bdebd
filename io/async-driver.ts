import type { Coroutine } from "./coroutine.js";
import { CoroutineRunner, type Scheduler } from "./coroutine-runner.js";

const realTimeScheduler: Scheduler = {
  defer: (callback) => setImmediate(callback),
  after: (durationNs, callback) => setTimeout(callback, Math.ceil(durationNs / 1e6)),
};

/**
 * The real asynchronous driver: runs the same coroutines the simulator runs,
 * against devices whose completions come from the operating system.
 */
export function runAsync<T>(coroutine: Coroutine<T>, name = "main"): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const runner = new CoroutineRunner(realTimeScheduler, (error) => reject(error));
    runner.start(coroutine, name, resolve);
  });
}
