/**
 * Typed errors for the outcomes the engine expects (bad geometry, a Cache LU
 * it cannot trust, no such session). A failed runtime assertion is not one of
 * these: it is an `EngineAssertionError`, and it always means a bug.
 */
export class EngineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Format refused: impossible geometry or a Cache LU too small for its own metadata. */
export class GeometryError extends EngineError {
  constructor(
    message: string,
    /** The LU whose size is at fault, when one is: a scenario checker points its user at that device's capacity. */
    readonly lu?: "source" | "cache",
  ) {
    super(message);
  }
}

/** Mount refused: the Cache LU is not ours, is of an unknown version, or its metadata cannot be trusted. */
export class MountError extends EngineError {
  constructor(
    readonly reason: "not-formatted" | "unknown-version" | "corrupt-metadata" | "geometry-mismatch" | "marked-invalid",
    message: string,
  ) {
    super(message);
  }
}

/** A request the engine cannot honour as given (unknown slot, misaligned I/O, out of range). */
export class EngineUsageError extends EngineError {}

/** An invariant of the engine broke: always a bug, never an expected outcome. */
export class EngineAssertionError extends Error {
  constructor(message: string) {
    super(`engine invariant broken: ${message}`);
    this.name = "EngineAssertionError";
  }
}

export function assert(condition: boolean, message: () => string): asserts condition {
  if (!condition) throw new EngineAssertionError(message());
}
