import type { Rng } from "./streams.js";

const TWO_POW_53 = 2 ** 53;

/**
 * Uniform in [0, 1) with 53 random bits. `rng.next()` carries only 32 bits
 * (alea's output grid is 2^-32), which is too coarse to reach every item of a
 * 2^32-item range through an inverse transform, and caps the tails of
 * continuous distributions. Costs two draws of the underlying generator.
 */
export function unit53(rng: Rng): number {
  return rng.int(0, TWO_POW_53 - 1) / TWO_POW_53;
}

/**
 * Uniform in the open interval (0, 1) with 53 random bits: safe for both
 * log(u) and log(1 - u) and for the normal quantile, which is infinite at 0 and 1.
 */
export function openUnit53(rng: Rng): number {
  // Zero has probability 2^-53 per draw; redrawing keeps the result exact
  // and deterministic (it depends only on the stream).
  for (;;) {
    const u = unit53(rng);
    if (u !== 0) return u;
  }
}
