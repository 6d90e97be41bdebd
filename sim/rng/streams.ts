import seedrandom from "seedrandom";

type AleaPrng = seedrandom.StatefulPRNG<seedrandom.State.Alea>;

/**
 * Seeded random streams. One root seed per run; every component draws from its
 * own stream derived from the root by *name*, never by draw order, so adding a
 * draw in one component never shifts another's numbers.
 */
export class Rng {
  private readonly prng: AleaPrng;

  private constructor(
    readonly seed: string,
    readonly path: string,
    prng: AleaPrng,
  ) {
    this.prng = prng;
  }

  static root(seed: string | number): Rng {
    const text = String(seed);
    return new Rng(text, "", seedrandom.alea(`cofwsim:${text}`, { state: true }));
  }

  /** An independent child stream named `name` (e.g. "workload/job1"). */
  stream(name: string): Rng {
    const path = this.path === "" ? name : `${this.path}/${name}`;
    return new Rng(this.seed, path, seedrandom.alea(`cofwsim:${this.seed}:${path}`, { state: true }));
  }

  /** A copy that will draw the same numbers as this stream from here on. */
  clone(): Rng {
    return new Rng(this.seed, this.path, seedrandom.alea("", { state: this.prng.state() }));
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.prng();
  }

  /** Uniform in (0, 1]: safe to take the logarithm of. */
  nextOpen(): number {
    return 1 - this.prng();
  }

  /** Uniform integer in [minInclusive, maxInclusive]; exact for ranges up to 2^53. */
  int(minInclusive: number, maxInclusive: number): number {
    const span = maxInclusive - minInclusive + 1;
    if (span <= 2 ** 32) return minInclusive + Math.floor(this.prng() * span);
    // double() carries 53 bits, enough for any safe-integer span (a 16 TiB volume in bytes).
    return minInclusive + Math.floor(this.prng.double() * span);
  }
}
