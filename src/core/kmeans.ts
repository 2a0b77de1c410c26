// k-means: the public entry of the core. Validates options, picks first centres, runs Lloyd,
// keeps the best of `nInit` restarts.
import { KMEANS_DEFAULTS, MAX_K, type InitMethod } from './defaults.js';
import { KquantError, checkInteger, checkNumber } from './errors.js';
import { toFloat64 } from './geometry.js';
import { takesOffers, type Helper } from './helper-thread.js';
import { FILTER_MAX_K } from './lloyd-filter.js';
import { withSnapped, type LloydResult, type Snapped } from './lloyd.js';
import { moments } from './moments.js';
import { PointIndex } from './point-index.js';
import { fitFrom, offerRestart, runRestart, type RestartSettings } from './restart.js';
import { deriveSeed, makeRng } from './rng.js';

export { meanVariance } from './moments.js';

export { KMEANS_DEFAULTS, MAX_K, type InitMethod } from './defaults.js';

export interface KMeansOptions {
  /** Number of clusters (1 to MAX_K). */
  k: number;
  /** Weight of each point (optional, default 1 each): a weight of w counts as w copies. */
  weights?: Float32Array | Float64Array;
  /** First centres: 'kmeans++' (greedy, as scikit-learn), 'random', or given centres k·d (optional, default 'kmeans++'). */
  init?: InitMethod | Float32Array | Float64Array;
  /** Restarts; the lowest inertia wins (optional, default 1). */
  nInit?: number;
  /** Most Lloyd iterations (optional, default 300). */
  maxIter?: number;
  /** Stop when the squared centre shift sums to at most tol × the data's mean variance (optional, default 1e-4). */
  tol?: number;
  /** Seed of every random choice (optional, default 0). */
  seed?: number;
  /** Use the plain brute-force Lloyd (optional, default false): for tests and comparisons. */
  reference?: boolean;
  /**
   * A second thread for the seeding and the assign steps (optional; see helper-thread.ts and
   * kquant's parallel/helper-thread.ts): the same result, sooner when a core is idle.
   */
  helper?: Helper;
  /**
   * With restarts and a helper that takes offers (optional, default false): the helper runs the
   * last restart whole while this thread runs the others, and no run lends it its steps. Worth it
   * when the runs would not lend it their steps anyway, or too few to pay for the handshakes. The
   * same result either way.
   */
  restartOnHelper?: boolean;
  /**
   * An index over exactly these points and weights (optional): callers that fit the same points at
   * several K keep one, instead of each call making what it needs again (see point-index.ts).
   */
  index?: PointIndex;
  /**
   * Centres derived from the final ones (optional), e.g. rounded to 8 bits: the result then also
   * gives every point's nearest of them (`snapped`; see LloydOptions.snap).
   */
  snap?: (centres: Float64Array) => Float64Array;
}

export interface KMeansResult {
  /** Centres, k·d; k can be below the number asked for when there are fewer distinct points. */
  centres: Float64Array;
  /** Centres found. */
  k: number;
  /** Centre of each point. */
  labels: Uint16Array;
  /** Sum of weight × squared distance to the assigned centre. */
  inertia: number;
  iterations: number;
  /** With `snap`: the snapped centres, and each point's nearest of them (lowest index on ties). */
  snapped?: Snapped;
}

const KNOWN_OPTIONS = new Set(['k', 'weights', 'init', 'nInit', 'maxIter', 'tol', 'seed', 'reference', 'helper', 'restartOnHelper', 'index', 'snap']);

/** k-means of `points` (n·d, row-major) with the options above; deterministic for a given seed. */
export function kmeans(points: Float32Array | Float64Array, d: number, options: KMeansOptions): KMeansResult {
  if (typeof options !== 'object' || options === null) {
    throw new KquantError('USAGE', `Expected options such as { k: 16 } as the third argument but received ${String(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) throw new KquantError('USAGE', `Unknown k-means option "${key}"`);
  }
  checkInteger('d', d, 1, 64);
  if (points.length % d !== 0) {
    throw new KquantError('USAGE', `Expected points of length a multiple of d=${d} but received ${points.length}`);
  }
  const n = points.length / d;
  const k = checkInteger('k', options.k, 1, MAX_K);
  const nInit = checkInteger('nInit', options.nInit ?? KMEANS_DEFAULTS.nInit, 1, 1000);
  const maxIter = checkInteger('maxIter', options.maxIter ?? KMEANS_DEFAULTS.maxIter, 1, 1_000_000);
  const tol = checkNumber('tol', options.tol ?? KMEANS_DEFAULTS.tol, 0, 1);
  const seed = checkInteger('seed', options.seed ?? KMEANS_DEFAULTS.seed, 0, 2 ** 32 - 1);
  const init = options.init ?? KMEANS_DEFAULTS.init;
  if (n === 0) throw new KquantError('USAGE', 'Expected at least one point but received none');

  const x = toFloat64(points);
  const weights = options.weights ? toFloat64(options.weights) : new Float64Array(n).fill(1);
  // One pass checks the coordinates, then the weights, and sums what tol is scaled by. Weights of
  // the wrong length are reported after the coordinates, as before.
  const checked = moments(x, n, d, weights.length === n ? weights : new Float64Array(n).fill(1));
  if (checked.badCoordinate >= 0) {
    const i = checked.badCoordinate;
    throw new KquantError('USAGE', `Expected finite coordinates but point ${Math.floor(i / d)} has ${x[i]}`);
  }
  if (weights.length !== n) {
    throw new KquantError('USAGE', `Expected ${n} weights but received ${weights.length}`);
  }
  if (checked.badWeight >= 0) {
    const i = checked.badWeight;
    throw new KquantError('USAGE', `Expected finite weights ≥ 0 but weight ${i} is ${weights[i]}`);
  }
  if (!(checked.totalWeight > 0)) throw new KquantError('USAGE', 'Expected some weight > 0 but every weight is 0');
  const tolAbs = tol * checked.meanVariance;
  // The restarts share the index: the Z-order of the seeding, the k-d tree of the filtering Lloyd.
  const index = options.index ?? new PointIndex(x, n, d, weights);
  if (index.n !== n || index.d !== d) throw new KquantError('USAGE', `Expected an index over these ${n} points of ${d} coordinates`);
  if (typeof init === 'string' && init !== 'kmeans++' && init !== 'random') {
    throw new KquantError('USAGE', `Expected init "kmeans++" or "random" but received "${String(init)}"`);
  }
  if (typeof init !== 'string') {
    if (init.length !== k * d) {
      throw new KquantError('USAGE', `Expected k·d = ${k * d} initial coordinates (k=${k} centres of d=${d}) but received ${init.length}`);
    }
    const bad = init.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new KquantError('USAGE', `Expected finite initial centres but centre ${Math.floor(bad / d)} has ${init[bad]}`);
  }
  const settings: RestartSettings = { k, maxIter, tolAbs, reference: options.reference };
  const rng = makeRng(seed);
  const runs = typeof init === 'string' ? nInit : 1;
  const seeds = Array.from({ length: runs }, () => deriveSeed(rng));
  const helper = options.helper;
  const offered =
    typeof init === 'string' && runs >= 2 && options.restartOnHelper && takesOffers(helper)
      ? offerRestart(helper, index, settings, init, seeds[runs - 1])
      : undefined;
  // Up to FILTER_MAX_K a run's snap is a search of its own after Lloyd (withSnapped, 8-18 ms at
  // china.jpg K = 16): with restarts, only the best run's is made, once all are done. Above, the
  // pruned Lloyd snaps within one more step (a few ms), and each run does. The helper's run comes
  // without a snap either way.
  const snapInRuns = runs < 2 || k > FILTER_MAX_K;
  const extras = { helper: offered ? undefined : helper, snap: snapInRuns ? options.snap : undefined };

  let best: LloydResult | undefined;
  const keep = (result: LloydResult): void => {
    if (!best || result.inertia < best.inertia) best = result;
  };
  for (let run = 0; run < (offered ? runs - 1 : runs); run++) {
    keep(typeof init === 'string' ? runRestart(index, settings, init, seeds[run], extras) : fitFrom(index, Float64Array.from(init), settings, undefined, extras));
  }
  if (offered) keep(offered.collect());
  const won = best!;
  return {
    centres: won.centres,
    k: won.centres.length / d,
    labels: won.labels,
    inertia: won.inertia,
    iterations: won.iterations,
    snapped: won.snapped ?? (options.snap ? withSnapped(won, x, n, d, options.snap).snapped : undefined),
  };
}
