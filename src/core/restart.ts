// One restart of k-means: seed the centres, then run Lloyd from them. kmeans.ts runs its restarts
// one after another; given a helper thread that its restarts would otherwise leave idle, it offers
// the helper the last one (offerRestart) while this thread runs the others. The helper runs the
// same code on copies of the same inputs, so the result is the same bit for bit whichever thread
// runs it, and the best restart is chosen as one thread would choose it.
import { CONTROL_BYTES, controlViews, registerHandler, type Helper, type HelperLoan, type HelperOffer } from './helper-thread.js';
import { initKMeansPlusPlus, initRandom } from './init.js';
import { FILTER_MAX_K } from './lloyd-filter.js';
import { lloydAccelerated, lloydReference, type LloydOptions, type LloydResult } from './lloyd.js';
import { PointIndex } from './point-index.js';
import { makeRng } from './rng.js';

/** What every restart of a fit shares. */
export interface RestartSettings {
  /** Clusters asked for. */
  k: number;
  maxIter: number;
  tolAbs: number;
  /** The plain brute-force Lloyd (for tests and comparisons). */
  reference?: boolean;
}

/** What one thread's run may add: the helper for its steps, and the snap of the final centres. */
type RunExtras = Pick<LloydOptions, 'helper' | 'snap'>;

/** Lloyd over the index's points from `centres` (with the seeding's `hint`, if any). */
export function fitFrom(index: PointIndex, centres: Float64Array, settings: RestartSettings, hint: Uint16Array | undefined, extras: RunExtras = {}): LloydResult {
  const { points, n, d, weights } = index;
  const { k, maxIter, tolAbs, reference } = settings;
  // The restarts share the index: the Z-order of the seeding, the k-d tree of the filtering Lloyd.
  const tree = reference || k > FILTER_MAX_K ? undefined : index.smallKTree();
  const lloyd = reference ? lloydReference : lloydAccelerated;
  return lloyd(points, n, d, weights, centres, { maxIter, tolAbs, hint, tree, ...extras });
}

/** One restart from `seed`: k-means++ (greedy, as scikit-learn) or random first centres, then Lloyd. */
export function runRestart(index: PointIndex, settings: RestartSettings, init: 'kmeans++' | 'random', seed: number, extras: RunExtras = {}): LloydResult {
  const { points, n, d, weights } = index;
  const rng = makeRng(seed);
  if (init === 'random') return fitFrom(index, initRandom(points, n, d, weights, settings.k, rng), settings, undefined, extras);
  // The seeding knows each point's nearest centre: Lloyd's first assign step starts there.
  const hint = new Uint16Array(n);
  const centres = initKMeansPlusPlus(points, n, d, weights, settings.k, rng, undefined, hint, 'wasm', extras.helper, () => index.mortonOrder().order);
  return fitFrom(index, centres, settings, hint, extras);
}

/** A restart on offer to the helper: `collect` gives its result (without `snapped`), wherever it ran. */
export interface OfferedRestart {
  collect(): LloydResult;
}

// The control block's slots of a restart request (ints, floats; see helper-thread.ts).
const INTS = { N: 1, D: 2, K: 3, MAX_ITER: 4, RANDOM: 5, REFERENCE: 6, ITERATIONS: 7, CENTRES: 8 } as const;
const FLOATS = { TOL: 0, SEED: 1, INERTIA: 2, DISTANCES: 3, SEARCHES: 4 } as const;

/**
 * Offers the helper restart `seed` on copies of the index's points, weights and Morton order (in
 * memory both threads share), and returns at once. If the helper has not taken it by the time it
 * is collected, this thread runs it (on the index itself).
 */
export function offerRestart(helper: Helper & Required<Pick<Helper, 'offer'>>, index: PointIndex, settings: RestartSettings, init: 'kmeans++' | 'random', seed: number): OfferedRestart {
  const { points, n, d, weights } = index;
  const { k } = settings;
  const morton = index.mortonOrder();
  // Byte offsets: the control block, then float64s, then 32-bit, then 16-bit arrays (aligned).
  const layout = { control: 0, points: CONTROL_BYTES, weights: 0, centres: 0, order: 0, codes: 0, labels: 0 };
  layout.weights = layout.points + 8 * n * d;
  layout.centres = layout.weights + 8 * n;
  layout.order = layout.centres + 8 * k * d;
  layout.codes = layout.order + 4 * n;
  layout.labels = layout.codes + 4 * n;
  const bytes = layout.labels + 2 * n;
  const pages = Math.ceil(bytes / 65536);
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  const { buffer } = memory;
  new Float64Array(buffer, layout.points, n * d).set(points.subarray(0, n * d));
  new Float64Array(buffer, layout.weights, n).set(weights.subarray(0, n));
  new Int32Array(buffer, layout.order, n).set(morton.order);
  new Uint32Array(buffer, layout.codes, n).set(morton.codes);
  const { ints, floats } = controlViews(buffer, layout.control);
  ints[INTS.MAX_ITER] = settings.maxIter;
  ints[INTS.RANDOM] = init === 'random' ? 1 : 0;
  ints[INTS.REFERENCE] = settings.reference ? 1 : 0;
  floats[FLOATS.TOL] = settings.tolAbs;
  floats[FLOATS.SEED] = seed;
  const loan: HelperLoan = { kind: 'restart', memory, layout: { ...layout, n, d, k } };
  const offer: HelperOffer = helper.offer(loan);
  return {
    collect(): LloydResult {
      if (!offer.collect()) return runRestart(index, settings, init, seed);
      const found = ints[INTS.CENTRES];
      return {
        centres: new Float64Array(buffer, layout.centres, found * d).slice(),
        labels: new Uint16Array(buffer, layout.labels, n).slice(),
        inertia: floats[FLOATS.INERTIA],
        iterations: ints[INTS.ITERATIONS],
        distanceEvaluations: floats[FLOATS.DISTANCES],
        searches: floats[FLOATS.SEARCHES],
      };
    },
  };
}

// The helper's side: the same restart, on the loan's copies.
registerHandler('restart', (_kernel, { memory, layout: L }, ints, floats) => {
  const { buffer } = memory;
  const { n, d, k } = L;
  const points = new Float64Array(buffer, L.points, n * d);
  const weights = new Float64Array(buffer, L.weights, n);
  const morton = { order: new Int32Array(buffer, L.order, n), codes: new Uint32Array(buffer, L.codes, n) };
  const index = new PointIndex(points, n, d, weights, morton);
  const settings = { k, maxIter: ints[INTS.MAX_ITER], tolAbs: floats[FLOATS.TOL], reference: ints[INTS.REFERENCE] === 1 };
  const result = runRestart(index, settings, ints[INTS.RANDOM] === 1 ? 'random' : 'kmeans++', floats[FLOATS.SEED]);
  new Float64Array(buffer, L.centres, result.centres.length).set(result.centres);
  new Uint16Array(buffer, L.labels, n).set(result.labels);
  ints[INTS.CENTRES] = result.centres.length / d;
  ints[INTS.ITERATIONS] = result.iterations;
  floats[FLOATS.INERTIA] = result.inertia;
  floats[FLOATS.DISTANCES] = result.distanceEvaluations;
  floats[FLOATS.SEARCHES] = result.searches;
});
