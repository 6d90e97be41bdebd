/**
 * A value given that cannot be used: a scenario's setting that only a model
 * or the run can judge (a seek curve that does not fit the disk's cylinders,
 * a zone that covers no block), a latency table, a crash state that does not
 * exist. The user's to fix: the command line reports it as bad input (exit 2)
 * and a sweep as the point's problem. It is a RangeError, JavaScript's class
 * for a value out of range, and keeps that name in messages. Not every
 * RangeError is one: V8 throws its own (a stack overflow, an array or string
 * too long), and the project's own checks of what its code hands itself
 * (a key out of a map's range) throw plain RangeErrors; both are faults of
 * the program, reported with their stack.
 */
export class BadValueError extends RangeError {}
