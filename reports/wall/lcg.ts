/**
 * A cheap deterministic linear congruential generator (Numerical Recipes'
 * constants, 32-bit state) for the hot loops of the kernel benchmarks, where
 * a seeded Alea stream would cost more than the event being measured.
 */
export class Lcg {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** The next 32-bit state. */
  next(): number {
    this.state = (Math.imul(this.state, 1664525) + 1013904223) >>> 0;
    return this.state;
  }

  /** An integer delay in [1, 1024] ns, from the high bits (the low bits of an LCG are weak). */
  delayNs(): number {
    return 1 + (this.next() >>> 22);
  }
}
