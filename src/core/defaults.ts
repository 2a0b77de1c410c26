// The core's limits and defaults, on their own so that a caller can show them (kquant's --help)
// without loading the core.

/** Most centres the core computes (labels are 16-bit; the centre table is K² numbers). */
export const MAX_K = 4096;

export type InitMethod = 'kmeans++' | 'random';

export const KMEANS_DEFAULTS = {
  init: 'kmeans++' as InitMethod,
  nInit: 1,
  maxIter: 300,
  tol: 1e-4,
  seed: 0,
};
