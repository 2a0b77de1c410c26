// The only source of randomness in the core: a seeded generator, so the same seed gives the same result.
import seedrandom from 'seedrandom';

/** Uniform in [0, 1). */
export type Rng = () => number;

/** A fast seeded generator (Alea); the same seed gives the same stream on every platform. */
export function makeRng(seed: number | string): Rng {
  const alea = seedrandom.alea(String(seed));
  return () => alea.double();
}

/** A child seed for restart `i`, so restarts are independent but reproducible. */
export function deriveSeed(rng: Rng): number {
  return Math.floor(rng() * 0x7fffffff);
}
