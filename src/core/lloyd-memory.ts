// The pruned Lloyd's state, laid out in the memory of its WebAssembly kernels (wasm/assign.wat)
// when they run here, so that they read it in place; in a plain buffer otherwise. The
// TypeScript methods in lloyd.ts are the reference the kernels are tested against.
import { CONTROL_BYTES, controlViews, lendArena, type Helper, type HelperLoan } from './helper-thread.js';
import { rowLength, type RowsKernel, type RowsStorage } from './rows.js';
import { Arena, kernelAvailable, type Kernel } from './wasm.js';
import { WASM_BASE64 } from './wasm/assign.generated.js';

export interface LloydMemory {
  /** Working copies of the points (n·d) and their weights. */
  points: Float64Array;
  weights: Float64Array;
  /** Centres, k·d, and the clusters' weighted sums (k·d) and masses. */
  centres: Float64Array;
  sums: Float64Array;
  mass: Float64Array;
  labels: Uint16Array;
  /** The second and third nearest centres of point i, at 2i and 2i + 1. */
  others: Uint16Array;
  /** Stored bounds of point i at 4i: upper (label), lower (second), lower (third), lower (rest). */
  bounds: Float32Array;
  crossers: Int32Array;
  travelled: Float64Array;
  restTravelled: Float64Array;
  half: Float64Array;
  reach: Float64Array;
  /** How far each centre moved in the last update step, each cluster's rest drop, and the movers' order. */
  shift: Float64Array;
  restShift: Float64Array;
  movers: Int32Array;
  /**
   * The update step's loops over the centres compiled (see wasm/assign.wat): `moveCentres` as
   * lloyd-update.ts's (returns Σ shift²), `centresMoved` as PrunedLloyd's but for the relocated points.
   */
  moveCentres: (() => number) | undefined;
  centresMoved: ((eps: number) => void) | undefined;
  /** The helper's reach, masses and sums (when exact) merged into this thread's, compiled (see PrunedLloyd.assignInTwo). */
  mergeHelper: ((exact: boolean) => void) | undefined;
  /** half[a] = 0.5 × rows.nearestBound(a) for every centre, compiled (see PrunedLloyd.index). */
  halves: (() => void) | undefined;
  /** Storage of the rows of nearest centres (see CentreRows); the kernel reads ids, suffixMin and beyond. */
  rows: RowsStorage;
  /** The rows' loops compiled, over `rows` and `centres` (finding the rows too up to WASM_ROWS_MAX_K). */
  rowsKernel: RowsKernel | undefined;
  /**
   * The compiled screen of points from..to − 1 (see PrunedLloyd.screen), listing the crossers from
   * crossers[at] on (default 0): how many crossed, and the distances it computed.
   */
  screen: ((from: number, to: number, eps: number, at?: number) => { crossed: number; distances: number }) | undefined;
  /**
   * The compiled settle for d = 3 (see PrunedLloyd.settle) over the first `count` crossers:
   * labels changed, distances, searches, and how many points it left (now the first crossers)
   * for the TypeScript settle, whose walk ran off its row (none up to SCAN_ALL_MAX_K centres).
   */
  settle:
    | ((count: number, eps: number, exact: boolean, at?: number) => { changed: number; distances: number; searches: number; left: number })
    | undefined;
  /**
   * The compiled loops over every point that run once a fit (see wasm/assign.wat), in place:
   * `accumulate` adds the points to their clusters' sums and masses, `inertia` is Σ w·d² to the
   * labels' centres, `scan` finds the largest |coordinate|, the total weight and whether all are
   * finite integers, and `startLabels` clamps the labels below k and copies each into both others.
   */
  accumulate: (() => void) | undefined;
  inertia: (() => number) | undefined;
  scan: (() => { maxAbs: number; totalWeight: number; integral: boolean }) | undefined;
  startLabels: (() => void) | undefined;
  /** Points left to the TypeScript settle by each chunk of an assign step shared with a helper (see PrunedLloyd.assignInTwo). */
  chunkLeft: Int32Array;
  /** A helper thread's own reach, sums and masses (see helper-thread.ts). */
  helperReach: Float64Array;
  helperSums: Float64Array;
  helperMass: Float64Array;
  /** What a helper thread needs to run the kernel on this memory (undefined without the kernel). */
  loan: HelperLoan | undefined;
  /** Offers a helper thread the loan (see lendArena); true if it took it. */
  lend: (helper: Helper) => boolean;
  /** Hands the memory on to the next arena (see Arena.release). */
  release: () => void;
  /** The control block's slots (see helper-thread.ts). */
  controlInts: Int32Array;
  controlFloats: Float64Array;
}

/**
 * Most centres the compiled settle scans for a point whose walk ran off its row (about 3% of the
 * points in the first assign step on china.jpg at K = 256, few later): at more, it leaves such
 * points to the TypeScript settle and its k-d tree, as it does all of them where WebAssembly is
 * missing.
 */
const SCAN_ALL_MAX_K = 256;

/**
 * Most centres whose rows the kernel finds by brute force (K² distances a build, each list started
 * from the centre's old row) rather than the TypeScript k-d tree: at K = 256 the tree's code is
 * hardly used before V8 has compiled it, and a fresh process then spends more time on it, and on
 * compiling it, than the kernel on all K² (china.jpg at K = 64, 128, 256 and flower.jpg at 256:
 * 28-36 ms sooner). china.jpg's Lloyd at K = 512: 251 ms against 264 with the tree; at K = 1024
 * the tree is sooner, 295 against 324.
 */
export const WASM_ROWS_MAX_K = 512;

/**
 * Points a chunk of an assign step shared with a helper thread: each side takes the next chunk
 * until none is left, so a side held up (its core taken by other work) leaves the rest to the
 * other. china.jpg: 24 chunks a step.
 */
export const ASSIGN_CHUNK = 4096;

function chunksOf(n: number): number {
  return Math.ceil(n / ASSIGN_CHUNK);
}

/** Whether the kernels run here. */
export function wasmKernelAvailable(): boolean {
  return kernelAvailable(WASM_BASE64);
}

/** Memory for n points and k centres in d dimensions; the kernels' for kernel 'wasm' when they run. */
export function allocateLloyd(n: number, k: number, d: number, kernel: Kernel): LloydMemory {
  const row = rowLength(k);
  // The nearest-rows scratch: each centre's row, itself and the first centre outside it.
  const found = kernel === 'wasm' && k <= WASM_ROWS_MAX_K ? k * (row + 2) : 0;
  const bytes = Arena.size(16, 16, 16, CONTROL_BYTES, 8 * d * n, 8 * n, 8 * d * k, 8 * d * k, 8 * k, 8 * k, 8 * k,
    8 * k, 8 * k, 8 * k * row, 8 * k * row, 8 * k, 8 * k, 8 * d * k, 8 * k, 8 * k, 8 * d * k, 8 * k, 8 * found,
    16 * n, 4 * n, 4 * k * row, 4 * n, 4 * chunksOf(n), 4 * found, found > 0 ? 4 * k : 0, 8 * k * d, 4 * k, 8 * k, 8 * k,
    4 * k, 2 * n);
  const arena = new Arena(bytes, WASM_BASE64, kernel, true);
  const counter = arena.i32(4);
  const helperCounter = arena.i32(4);
  const rowsOut = arena.f64(2);
  const control = arena.i32(CONTROL_BYTES / 4);
  const m: LloydMemory = {
    points: arena.f64(n * d),
    weights: arena.f64(n),
    centres: arena.f64(k * d),
    sums: arena.f64(k * d),
    mass: arena.f64(k),
    travelled: arena.f64(k),
    restTravelled: arena.f64(k),
    half: arena.f64(k),
    reach: arena.f64(k),
    rows: {
      suffixMin: arena.f64(k * row),
      dist: arena.f64(k * row),
      beyond: arena.f64(k),
      beyondAtBuild: arena.f64(k),
      centresAtBuild: arena.f64(k * d),
      moved: arena.f64(k),
      ids: arena.i32(k * row),
    },
    rowsKernel: undefined,
    bounds: arena.f32(4 * n),
    crossers: arena.i32(n),
    others: arena.u16(2 * n),
    chunkLeft: arena.i32(chunksOf(n)),
    helperReach: arena.f64(k),
    helperSums: arena.f64(k * d),
    helperMass: arena.f64(k),
    labels: arena.u16(n),
    shift: arena.f64(k),
    restShift: arena.f64(k),
    movers: arena.i32(k),
    moveCentres: undefined,
    centresMoved: undefined,
    mergeHelper: undefined,
    halves: undefined,
    screen: undefined,
    settle: undefined,
    accumulate: undefined,
    inertia: undefined,
    scan: undefined,
    startLabels: undefined,
    loan: undefined,
    lend: (helper) => lendArena(helper, m.loan, arena),
    release: () => arena.release(),
    ...(({ ints, floats }) => ({ controlInts: ints, controlFloats: floats }))(controlViews(control.buffer, control.byteOffset)),
  };
  const screen = arena.exports?.screen;
  const settle = arena.exports?.settle;
  const exports = arena.exports;
  if (exports) {
    m.accumulate = () =>
      exports.accumulate(n, d, m.points.byteOffset, m.weights.byteOffset, m.labels.byteOffset, m.sums.byteOffset, m.mass.byteOffset);
    m.inertia = () => exports.inertia(n, d, m.points.byteOffset, m.weights.byteOffset, m.labels.byteOffset, m.centres.byteOffset);
    m.scan = () => {
      const out = new Float64Array(arena.buffer, counter.byteOffset, 2);
      const integral = exports.scan(n * d, m.points.byteOffset, n, m.weights.byteOffset, counter.byteOffset) === 1;
      return { maxAbs: out[0], totalWeight: out[1], integral };
    };
    m.startLabels = () => exports.startLabels(n, k, m.labels.byteOffset, m.others.byteOffset);
    const r = m.rows;
    // Where each centre was at the last rowsMoved, and whether it has moved since.
    const last = arena.f64(k * d);
    const changed = arena.i32(k);
    const rowsKernel: RowsKernel = {
      moved: () =>
        exports.rowsMoved(k, d, m.centres.byteOffset, r.centresAtBuild.byteOffset, r.moved.byteOffset, last.byteOffset,
          changed.byteOffset),
      refresh: (maxMoved, all) =>
        exports.rowsRefresh(k, d, row, m.centres.byteOffset, r.ids.byteOffset, r.dist.byteOffset, r.suffixMin.byteOffset,
          r.beyond.byteOffset, r.beyondAtBuild.byteOffset, r.moved.byteOffset, maxMoved, changed.byteOffset, all ? 1 : 0),
    };
    if (found > 0) {
      const dist2 = arena.f64(found);
      const labels = arena.i32(found);
      const marks = arena.i32(k);
      let stamp = 0;
      rowsKernel.build = () => {
        exports.nearestRows(k, d, row + 2, m.centres.byteOffset, labels.byteOffset, dist2.byteOffset, r.ids.byteOffset,
          row, marks.byteOffset, stamp);
        stamp += k;
        exports.rowsBuild(k, row, labels.byteOffset, dist2.byteOffset, r.ids.byteOffset, r.beyondAtBuild.byteOffset, rowsOut.byteOffset);
        return { sum: rowsOut[0], finite: rowsOut[1] };
      };
    }
    m.rowsKernel = rowsKernel;
    m.halves = () => exports.halves(k, row, r.suffixMin.byteOffset, r.beyond.byteOffset, m.half.byteOffset);
    m.mergeHelper = (exact) =>
      exports.mergeHelper(k, d, exact ? 1 : 0, m.reach.byteOffset, m.helperReach.byteOffset, m.mass.byteOffset,
        m.helperMass.byteOffset, m.sums.byteOffset, m.helperSums.byteOffset);
    m.moveCentres = () => exports.moveCentres(k, d, m.centres.byteOffset, m.sums.byteOffset, m.mass.byteOffset, m.shift.byteOffset);
    m.centresMoved = (eps) =>
      exports.centresMoved(k, d, m.centres.byteOffset, m.shift.byteOffset, m.travelled.byteOffset, m.reach.byteOffset,
        r.ids.byteOffset, r.dist.byteOffset, r.beyond.byteOffset, row, m.movers.byteOffset, m.restShift.byteOffset,
        m.restTravelled.byteOffset, eps);
  }
  const scanK = k <= SCAN_ALL_MAX_K ? k : 0;
  if (screen && settle) {
    m.screen = (from, to, eps, at = 0) => {
      counter[0] = 0;
      const crossed = screen(from, to, d, eps, m.labels.byteOffset, m.others.byteOffset, m.bounds.byteOffset,
        m.points.byteOffset, m.centres.byteOffset, m.travelled.byteOffset, m.restTravelled.byteOffset,
        m.half.byteOffset, m.reach.byteOffset, m.crossers.byteOffset + 4 * at, counter.byteOffset);
      return { crossed, distances: counter[0] };
    };
    if (d === 3) {
      m.settle = (count, eps, exact, at = 0) => {
        counter.fill(0);
        const changed = settle(count, eps, exact ? 1 : 0, m.labels.byteOffset, m.others.byteOffset,
          m.bounds.byteOffset, m.points.byteOffset, m.centres.byteOffset, m.travelled.byteOffset,
          m.restTravelled.byteOffset, m.reach.byteOffset, m.crossers.byteOffset + 4 * at, m.weights.byteOffset,
          m.sums.byteOffset, m.mass.byteOffset, m.rows.ids.byteOffset, m.rows.suffixMin.byteOffset,
          m.rows.beyond.byteOffset, row, scanK, counter.byteOffset);
        return { changed, distances: counter[0], searches: counter[1], left: counter[2] };
      };
      m.loan = {
        kind: 'assign',
        module: arena.module!,
        memory: arena.memory!,
        layout: {
          n, k, d, row, scanK,
          labels: m.labels.byteOffset,
          others: m.others.byteOffset,
          bounds: m.bounds.byteOffset,
          points: m.points.byteOffset,
          centres: m.centres.byteOffset,
          travelled: m.travelled.byteOffset,
          restTravelled: m.restTravelled.byteOffset,
          half: m.half.byteOffset,
          crossers: m.crossers.byteOffset,
          chunkLeft: m.chunkLeft.byteOffset,
          chunks: chunksOf(n),
          weights: m.weights.byteOffset,
          rowIds: m.rows.ids.byteOffset,
          rowSuffixMin: m.rows.suffixMin.byteOffset,
          rowBeyond: m.rows.beyond.byteOffset,
          reach: m.helperReach.byteOffset,
          sums: m.helperSums.byteOffset,
          mass: m.helperMass.byteOffset,
          counter: helperCounter.byteOffset,
          control: control.byteOffset,
        },
      };
    }
  }
  return m;
}
