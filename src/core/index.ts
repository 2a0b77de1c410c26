// The k-means core: typed arrays in, typed arrays out. No I/O, no Node APIs.
export { kmeans, meanVariance, MAX_K, KMEANS_DEFAULTS } from './kmeans.js';
export type { KMeansOptions, KMeansResult, InitMethod } from './kmeans.js';
export { lloydReference, lloydAccelerated } from './lloyd.js';
export type { LloydOptions, LloydResult } from './lloyd.js';
export { initKMeansPlusPlus, initRandom } from './init.js';
export { assignNearest } from './nearest.js';
export { buildHistogram } from './histogram.js';
export type { Histogram } from './histogram.js';
export { roundPalette } from './palette.js';
export type { Palette } from './palette.js';
export { drawByWeight } from './sample.js';
export { mseOf, psnrDbOf } from './metrics.js';
export { makeRng } from './rng.js';
export type { Rng } from './rng.js';
export { KquantError, checkInteger, checkNumber } from './errors.js';
export type { KquantErrorCode } from './errors.js';
