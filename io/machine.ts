import type { Step } from "./coroutine.js";

/**
 * A coroutine written by hand as a state machine instead of as a generator
 * function, for the hottest paths only: a copy on first write ran through
 * three generators, and each cost its creation (~300-650 bytes with its saved
 * registers), its resumptions through V8's generator builtins, and an
 * iterator result per step. A machine is one small object that the runner
 * resumes by a method call. Everywhere a coroutine may be called (CallStep)
 * or run as a child of an `all` step, a machine may be too; a machine can
 * call generators and machines in turn.
 *
 * The protocol is a generator's: `resume` is called first with
 * (false, undefined), then with each step's result, or with `isError` and the
 * error the step failed with. It returns the next step to perform, or
 * `undefined` once it has finished, with its return value in `result`. What
 * it throws goes to its caller as a generator's exception does. After it has
 * finished or thrown it is never resumed again.
 */
export abstract class Machine<T = void> {
  /** The return value, once `resume` has answered undefined. */
  result: T | undefined = undefined;

  abstract resume(isError: boolean, value: unknown): Step | undefined;
}
