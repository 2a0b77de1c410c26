// The only source of randomness in the core: a seeded generator, so the same seed gives the same result.
// Only the Alea generator: seedrandom's entry loads all seven of its generators (4 ms more at every start).
import alea from 'seedrandom/lib/alea.js';

/** Uniform in [0, 1). */
export type Rng = () => number;

/** A fast seeded generator (Alea); the same seed gives the same stream on every platform. */
export function makeRng(seed: number | string): Rng {
  const generator = alea(String(seed));
  return () => generator.double();
}

/** A child seed for restart `i`, so restarts are independent but reproducible. */
export function deriveSeed(rng: Rng): number {
  return Math.floor(rng() * 0x7fffffff);
}
