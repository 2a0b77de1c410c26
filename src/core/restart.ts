// One restart of k-means: seed the centres, then run Lloyd from them. kmeans.ts runs its restarts
// one after another; given a helper thread that its restarts would otherwise leave idle, it offers
// the helper the last one (offerRestart) while this thread runs the others. The helper runs the
// same code on copies of the same inputs, so the result is the same bit for bit whichever thread
// runs it, and the best restart is chosen as one thread would choose it.
import { CONTROL_BYTES, controlViews, registerHandler, type Helper, type HelperOffer } from './helper-thread.js';
import { initKMeansPlusPlus, initRandom } from './init.js';
import { FILTER_MAX_K } from './lloyd-filter.js';
import { lloydAccelerated, lloydReference, type LloydOptions, type LloydResult } from './lloyd.js';
import { PointIndex } from './point-index.js';
import { PointTree } from './point-tree.js';
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

// The control block's slots of a restart request (ints, floats; see helper-thread.ts); n, d and k
// are in its layout, with each array's offset and length.
const INTS = { MAX_ITER: 1, RANDOM: 2, REFERENCE: 3, ITERATIONS: 4, CENTRES: 5, NODES: 6, DEPTH: 7 } as const;
const FLOATS = { TOL: 0, SEED: 1, INERTIA: 2, DISTANCES: 3, SEARCHES: 4 } as const;

type Typed = Float64Array | Int32Array | Uint32Array | Uint16Array;
type TypedConstructor = Float64ArrayConstructor | Int32ArrayConstructor | Uint32ArrayConstructor | Uint16ArrayConstructor;

/** The arrays of a request and their types; an array the request does not need is empty. */
const ARRAYS = {
  points: Float64Array,
  weights: Float64Array,
  order: Int32Array,
  codes: Uint32Array,
  treeOrder: Int32Array,
  treePoints: Float64Array,
  treeWeights: Float64Array,
  start: Int32Array,
  end: Int32Array,
  left: Int32Array,
  right: Int32Array,
  box: Float64Array,
  sum: Float64Array,
  mass: Float64Array,
  centres: Float64Array,
  labels: Uint16Array,
} satisfies Record<string, TypedConstructor>;
type ArrayName = keyof typeof ARRAYS;

/** Views of a request's arrays in `buffer`, at the offsets and lengths of `layout`. */
function viewsOf(buffer: ArrayBuffer, layout: Record<string, number>): Record<ArrayName, Typed> {
  const views = {} as Record<ArrayName, Typed>;
  for (const name of Object.keys(ARRAYS) as ArrayName[]) views[name] = new ARRAYS[name](buffer, layout[name], layout[`${name}Length`]);
  return views;
}

/**
 * Offers the helper restart `seed` on copies of the index's points, weights, Morton order and
 * (for the filtering Lloyd) k-d tree, in memory both threads share, and returns at once. If the
 * helper has not taken it by the time it is collected, this thread runs it (on the index itself).
 * Undefined when the memory for the copies cannot be had: then nothing is offered.
 */
export function offerRestart(
  helper: Helper & Required<Pick<Helper, 'offer'>>,
  index: PointIndex,
  settings: RestartSettings,
  init: 'kmeans++' | 'random',
  seed: number,
): OfferedRestart | undefined {
  const { points, n, d, weights } = index;
  const { k } = settings;
  const morton = index.mortonOrder();
  // The helper would make the same tree (china.jpg: 35-39 ms there, its first time); a copy is 2-3 ms.
  const tree = settings.reference || k > FILTER_MAX_K ? undefined : index.smallKTree();
  const nodes = tree?.nodes ?? 0;
  const lengths: Record<ArrayName, number> = {
    points: n * d, weights: n, order: n, codes: n,
    treeOrder: tree ? n : 0, treePoints: tree ? n * d : 0, treeWeights: tree ? n : 0,
    start: nodes, end: nodes, left: nodes, right: nodes, box: 2 * d * nodes, sum: d * nodes, mass: nodes,
    centres: k * d, labels: n,
  };
  // The control block, then each array at a multiple of 8 bytes.
  const layout: Record<string, number> & { control: number } = { control: 0, n, d, k };
  let at = CONTROL_BYTES;
  for (const name of Object.keys(ARRAYS) as ArrayName[]) {
    layout[name] = at;
    layout[`${name}Length`] = lengths[name];
    at += Math.ceil((lengths[name] * ARRAYS[name].BYTES_PER_ELEMENT) / 8) * 8;
  }
  const pages = Math.ceil(at / 65536);
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  } catch {
    return undefined; // no memory for the copies (above 4 GiB, or none left): no offer
  }
  const { buffer } = memory;
  const views = viewsOf(buffer, layout);
  views.points.set(points.subarray(0, n * d));
  views.weights.set(weights.subarray(0, n));
  views.order.set(morton.order);
  views.codes.set(morton.codes);
  if (tree) {
    views.treeOrder.set(tree.order);
    views.treePoints.set(tree.points);
    views.treeWeights.set(tree.weights);
    for (const name of ['start', 'end', 'left', 'right', 'box', 'sum', 'mass'] as const) views[name].set(tree[name]);
  }
  const { ints, floats } = controlViews(buffer, layout.control);
  ints[INTS.MAX_ITER] = settings.maxIter;
  ints[INTS.RANDOM] = init === 'random' ? 1 : 0;
  ints[INTS.REFERENCE] = settings.reference ? 1 : 0;
  ints[INTS.NODES] = tree ? nodes : -1;
  ints[INTS.DEPTH] = tree?.depth ?? 0;
  floats[FLOATS.TOL] = settings.tolAbs;
  floats[FLOATS.SEED] = seed;
  const offer: HelperOffer = helper.offer({ kind: 'restart', memory, layout });
  return {
    collect(): LloydResult {
      if (!offer.collect()) return runRestart(index, settings, init, seed);
      return {
        centres: views.centres.slice(0, ints[INTS.CENTRES] * d) as Float64Array,
        labels: views.labels.slice() as Uint16Array,
        inertia: floats[FLOATS.INERTIA],
        iterations: ints[INTS.ITERATIONS],
        distanceEvaluations: floats[FLOATS.DISTANCES],
        searches: floats[FLOATS.SEARCHES],
      };
    },
  };
}

// The helper's side: the same restart, on the request's copies.
registerHandler('restart', (_kernel, { memory, layout }, ints, floats) => {
  const { n, d, k } = layout;
  const v = viewsOf(memory.buffer, layout);
  const points = v.points as Float64Array;
  const weights = v.weights as Float64Array;
  const morton = { order: v.order as Int32Array, codes: v.codes as Uint32Array };
  const tree =
    ints[INTS.NODES] < 0
      ? undefined
      : PointTree.of({
          n, d, nodes: ints[INTS.NODES], depth: ints[INTS.DEPTH],
          order: v.treeOrder as Int32Array, points: v.treePoints as Float64Array, weights: v.treeWeights as Float64Array,
          start: v.start as Int32Array, end: v.end as Int32Array, left: v.left as Int32Array, right: v.right as Int32Array,
          box: v.box as Float64Array, sum: v.sum as Float64Array, mass: v.mass as Float64Array,
        });
  const index = new PointIndex(points, n, d, weights, { morton, tree });
  const settings = { k, maxIter: ints[INTS.MAX_ITER], tolAbs: floats[FLOATS.TOL], reference: ints[INTS.REFERENCE] === 1 };
  const result = runRestart(index, settings, ints[INTS.RANDOM] === 1 ? 'random' : 'kmeans++', floats[FLOATS.SEED]);
  v.centres.set(result.centres);
  v.labels.set(result.labels);
  ints[INTS.CENTRES] = result.centres.length / d;
  ints[INTS.ITERATIONS] = result.iterations;
  floats[FLOATS.INERTIA] = result.inertia;
  floats[FLOATS.DISTANCES] = result.distanceEvaluations;
  floats[FLOATS.SEARCHES] = result.searches;
});
