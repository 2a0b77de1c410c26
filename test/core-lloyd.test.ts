// Lloyd's iterations: the accelerated path against a plain Lloyd written here, and the properties
// every k-means result must have.
import { describe, expect, it } from 'vitest';
import { kmeans, meanVariance } from '../src/core/kmeans.js';
import { lloydAccelerated, lloydReference, type LloydResult } from '../src/core/lloyd.js';
import { initKMeansPlusPlus } from '../src/core/init.js';
import { wasmKernelAvailable } from '../src/core/lloyd-memory.js';
import { makeRng } from '../src/core/rng.js';

/** Random points, n·d, uniform in [0, scale), from a fixed seed. */
function randomPoints(n: number, d: number, seed: number, scale = 255): Float64Array {
  const rng = makeRng(seed);
  const x = new Float64Array(n * d);
  for (let i = 0; i < x.length; i++) x[i] = rng() * scale;
  return x;
}

/** Points in a few tight blobs, integer-valued, with many exact duplicates. */
function blobs(n: number, d: number, blobsCount: number, seed: number): Float64Array {
  const rng = makeRng(seed);
  const centres = randomPoints(blobsCount, d, seed + 1000, 200);
  const x = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const b = Math.floor(rng() * blobsCount);
    for (let t = 0; t < d; t++) x[i * d + t] = Math.round(centres[b * d + t] + (rng() - 0.5) * 12);
  }
  return x;
}

/**
 * 60 points of seed in 3-D, integer coordinates below `span`, weights 0, 1 or 2 over `divisor`,
 * and the generator, to draw on from.
 */
function tinySet(seed: number, span: number, divisor = 1) {
  const rng = makeRng(seed);
  const n = 60;
  const d = 3;
  const x = new Float64Array(n * d);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < d; t++) x[i * d + t] = Math.floor(rng() * span);
    w[i] = Math.floor(rng() * 3) / divisor;
  }
  return { rng, x, w, n, d };
}

function ones(n: number): Float64Array {
  return new Float64Array(n).fill(1);
}

function randomWeights(n: number, seed: number): Float64Array {
  const rng = makeRng(seed);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = 1 + Math.floor(rng() * 20);
  return w;
}

/** k rows of x, picked by a seeded shuffle: initial centres on data points. */
function pickRows(x: Float64Array, d: number, k: number, seed: number): Float64Array {
  const n = x.length / d;
  const rng = makeRng(seed);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const c = new Float64Array(k * d);
  for (let j = 0; j < k; j++) for (let t = 0; t < d; t++) c[j * d + t] = x[order[j % n] * d + t];
  return c;
}

/**
 * Plain Lloyd, written to be obviously right rather than fast: nearest centre by a full scan
 * (first index on ties), centres as weighted means, an empty cluster re-seeded with the point
 * that costs most among those not alone in their cluster, stop when labels are stable or the
 * squared centre shifts sum to at most tolAbs.
 */
function plainLloyd(x: Float64Array, d: number, w: Float64Array, init: Float64Array, maxIter: number, tolAbs: number) {
  const n = x.length / d;
  const k = init.length / d;
  const c = Array.from(init);
  const dist2 = (i: number, j: number) => {
    let s = 0;
    for (let t = 0; t < d; t++) s += (x[i * d + t] - c[j * d + t]) ** 2;
    return s;
  };
  const assign = () =>
    Array.from({ length: n }, (_, i) => {
      let best = 0;
      for (let j = 1; j < k; j++) if (dist2(i, j) < dist2(i, best)) best = j;
      return best;
    });
  let labels = new Array<number>(n).fill(0);
  let iterations = 0;
  let assigned = false;
  for (let it = 0; it < maxIter; it++) {
    const next = assign();
    const changed = next.some((l, i) => l !== labels[i]);
    labels = next;
    assigned = true;
    if (it > 0 && !changed) break;
    iterations++;
    const sums = new Array<number>(k * d).fill(0);
    const mass = new Array<number>(k).fill(0);
    for (let i = 0; i < n; i++) {
      mass[labels[i]] += w[i];
      for (let t = 0; t < d; t++) sums[labels[i] * d + t] += w[i] * x[i * d + t];
    }
    for (let j = 0; j < k; j++) {
      if (mass[j] > 0) continue;
      let worst = -1;
      let worstCost = 0;
      for (let i = 0; i < n; i++) {
        const cost = w[i] * dist2(i, labels[i]);
        if (cost > worstCost && mass[labels[i]] > w[i]) {
          worstCost = cost;
          worst = i;
        }
      }
      if (worst < 0) continue;
      const from = labels[worst];
      mass[from] -= w[worst];
      for (let t = 0; t < d; t++) sums[from * d + t] -= w[worst] * x[worst * d + t];
      labels[worst] = j;
      mass[j] = w[worst];
      for (let t = 0; t < d; t++) sums[j * d + t] = w[worst] * x[worst * d + t];
    }
    let moved = 0;
    for (let j = 0; j < k; j++) {
      if (!(mass[j] > 0)) continue;
      let s = 0;
      for (let t = 0; t < d; t++) {
        const v = sums[j * d + t] / mass[j];
        s += (v - c[j * d + t]) ** 2;
        c[j * d + t] = v;
      }
      moved += s;
    }
    assigned = false;
    if (moved <= tolAbs) break;
  }
  if (!assigned) labels = assign();
  let inertia = 0;
  for (let i = 0; i < n; i++) inertia += w[i] * dist2(i, labels[i]);
  return { centres: Float64Array.from(c), labels: Uint16Array.from(labels), iterations, inertia };
}

/** Bit-for-bit equality of two results (labels, centres, iterations). */
function expectSame(a: { centres: Float64Array; labels: Uint16Array; iterations: number }, b: typeof a): void {
  expect(a.iterations).toBe(b.iterations);
  expect(a.centres.length).toBe(b.centres.length);
  let centreMismatches = 0;
  for (let i = 0; i < a.centres.length; i++) if (!Object.is(a.centres[i], b.centres[i])) centreMismatches++;
  expect(centreMismatches).toBe(0);
  let labelMismatches = 0;
  for (let i = 0; i < a.labels.length; i++) if (a.labels[i] !== b.labels[i]) labelMismatches++;
  expect(labelMismatches).toBe(0);
}

/**
 * The accelerated path with each screening kernel (WebAssembly and TypeScript), which must agree
 * in everything down to the distances they computed, and the reference.
 */
function both(x: Float64Array, d: number, w: Float64Array, init: Float64Array, maxIter = 300, tol = 1e-4): [LloydResult, LloydResult] {
  const n = x.length / d;
  const options = { maxIter, tolAbs: tol * meanVariance(x, n, d, w) };
  const viaWasm = lloydAccelerated(x, n, d, w, init, { ...options, kernel: 'wasm' });
  const viaTypeScript = lloydAccelerated(x, n, d, w, init, { ...options, kernel: 'js' });
  expectSame(viaWasm, viaTypeScript);
  expect(viaWasm.inertia).toBe(viaTypeScript.inertia);
  expect(viaWasm.distanceEvaluations).toBe(viaTypeScript.distanceEvaluations);
  expect(viaWasm.searches).toBe(viaTypeScript.searches);
  return [viaWasm, lloydReference(x, n, d, w, init, options)];
}

describe('Lloyd against a plain Lloyd written in the test', () => {
  it.each([
    [3, 2, 1],
    [3, 7, 2],
    [3, 30, 3],
    [4, 16, 4],
    [4, 40, 5],
  ])('d=%i K=%i: same labels, centres and iterations from the same initial centres (seed %i)', (d, k, seed) => {
    const x = randomPoints(800, d, seed);
    const w = randomWeights(800, seed);
    const init = pickRows(x, d, k, seed);
    const tolAbs = 1e-4 * meanVariance(x, 800, d, w);
    const plain = plainLloyd(x, d, w, init, 300, tolAbs);
    const [fast, reference] = both(x, d, w, init);
    expectSame(fast, plain);
    expectSame(reference, plain);
    expect(fast.inertia).toBeCloseTo(plain.inertia, 6);
  });

  it('also when clusters empty and are re-seeded', () => {
    // Every initial centre far from the data but one: all clusters but one start empty.
    const d = 3;
    const x = blobs(500, d, 6, 9);
    const init = new Float64Array(8 * d);
    for (let j = 0; j < 8; j++) for (let t = 0; t < d; t++) init[j * d + t] = j === 0 ? 100 : 10_000 + j * 1000 + t;
    const w = randomWeights(500, 9);
    const plain = plainLloyd(x, d, w, init, 300, 0);
    const [fast, reference] = both(x, d, w, init, 300, 0);
    expectSame(fast, plain);
    expectSame(reference, plain);
  });
});

describe('accelerated Lloyd equals the reference bit for bit', () => {
  it('runs its WebAssembly kernel here (so the kernels are really compared)', () => {
    expect(wasmKernelAvailable()).toBe(true);
  });

  it('with integer data whose sums are too large to be exact (summed in order then)', () => {
    // total weight × largest coordinate ≥ 2^53: the pass sums every point in order, as the reference.
    const x = blobs(2000, 3, 8, 21);
    const w = randomWeights(2000, 22).map((v) => v * 2 ** 44);
    for (const k of [5, 40]) {
      const [fast, reference] = both(x, 3, w, pickRows(x, 3, k, k));
      expectSame(fast, reference);
    }
  });

  it.each([
    ['random, d=3', randomPoints(3000, 3, 11), 3],
    ['random, d=4', randomPoints(3000, 4, 12), 4],
    ['blobs with duplicates, d=3', blobs(3000, 3, 12, 13), 3],
    ['blobs with duplicates, d=4', blobs(3000, 4, 12, 14), 4],
    ['tiny coordinates', randomPoints(2000, 3, 15, 1e-6), 3],
    ['huge coordinates', randomPoints(2000, 3, 16, 1e7), 3],
  ] as const)('%s, K = 2..8, 11..13, 24..27, 64, 200', (_name, x, d) => {
    const n = x.length / d;
    const w = randomWeights(n, 3);
    for (const k of [2, 3, 4, 5, 6, 7, 8, 11, 12, 13, 24, 25, 26, 27, 64, 200]) {
      const init = pickRows(x, d, k, k);
      const [fast, reference] = both(x, d, w, init);
      expectSame(fast, reference);
    }
  });

  it('in higher dimensions (d = 8) and with repeated initial centres', () => {
    const d = 8;
    const x = randomPoints(1500, d, 17);
    const w = randomWeights(1500, 18);
    for (const k of [3, 30, 90]) {
      const init = pickRows(x, d, k, k);
      const [fast, reference] = both(x, d, w, init);
      expectSame(fast, reference);
    }
    // Every centre given twice: half the clusters start empty and are re-seeded.
    const init = pickRows(x, d, 40, 19);
    const doubled = new Float64Array(80 * d);
    doubled.set(init);
    doubled.set(init, 40 * d);
    const [fast, reference] = both(x, d, w, doubled);
    expectSame(fast, reference);
  });

  it('on a small integer grid where many points tie between centres', () => {
    // Points on a 7×7×7 grid, centres on grid points: exact ties everywhere; the label must be the
    // lowest index among the tied centres, as a plain scan gives it.
    const d = 3;
    const x = new Float64Array(7 * 7 * 7 * d);
    let i = 0;
    for (let a = 0; a < 7; a++) for (let b = 0; b < 7; b++) for (let c = 0; c < 7; c++) x.set([a, b, c], 3 * i++);
    const w = ones(x.length / d);
    for (const k of [2, 5, 8, 16, 27, 40]) {
      const init = pickRows(x, d, k, 100 + k);
      const tolAbs = 0;
      const plain = plainLloyd(x, d, w, init, 300, tolAbs);
      const [fast, reference] = both(x, d, w, init, 300, 0);
      expectSame(fast, plain);
      expectSame(reference, plain);
    }
  });

  it('on thousands of tiny integer data sets, where centres meet points at exact ties', () => {
    // Integer points, integer first centres and zero weights (points that pull no centre) make
    // exact ties common at every step, including between a label and a tracked centre.
    let mismatches = 0;
    for (let seed = 0; seed < 3000; seed++) {
      const { rng, x, w, n, d } = tinySet(seed, 6);
      const k = 2 + Math.floor(rng() * 6);
      const init = new Float64Array(k * d);
      for (let i = 0; i < k * d; i++) init[i] = Math.floor(rng() * 6);
      const options = { maxIter: 50, tolAbs: 0 };
      const fast = lloydAccelerated(x, n, d, w, init, options);
      const reference = lloydReference(x, n, d, w, init, options);
      if (fast.iterations !== reference.iterations || fast.labels.some((l, i) => l !== reference.labels[i])) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it('with K near the number of distinct points', () => {
    const d = 3;
    const distinct = blobs(60, d, 60, 21);
    // Each distinct point three times over: duplicates, and K up to the distinct count.
    const x = new Float64Array(distinct.length * 3);
    for (let r = 0; r < 3; r++) x.set(distinct, r * distinct.length);
    const w = randomWeights(x.length / d, 22);
    for (const k of [40, 50, 55, 58, 59, 60]) {
      const init = pickRows(distinct, d, k, k);
      const [fast, reference] = both(x, d, w, init, 300, 0);
      expectSame(fast, reference);
    }
  });

  it('stopping on maxIter, on tolerance, or on stable labels', () => {
    const d = 3;
    const x = blobs(4000, d, 40, 31);
    const w = randomWeights(4000, 32);
    const init = pickRows(x, d, 100, 33);
    for (const [maxIter, tol] of [
      [1, 0],
      [2, 0],
      [5, 1e-4],
      [300, 1e-2],
      [300, 1e-4],
      [300, 0],
    ]) {
      const [fast, reference] = both(x, d, w, init, maxIter, tol);
      expectSame(fast, reference);
    }
  });
});

/** Each point's nearest of k centres by a plain scan: the lowest index at the smallest squared distance. */
function nearestByScan(x: Float64Array, n: number, d: number, c: Float64Array, k: number): Uint16Array {
  const labels = new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    let best = Infinity;
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let t = 0; t < d; t++) s += (x[i * d + t] - c[j * d + t]) ** 2;
      if (s < best) {
        best = s;
        labels[i] = j;
      }
    }
  }
  return labels;
}

describe('snapping the final centres (LloydOptions.snap)', () => {
  /** Centres moved to a grid of step `step`: coarse steps make centres coincide, and points tie. */
  const toGrid = (step: number) => (centres: Float64Array) => centres.map((v) => Math.round(v / step) * step);

  it('gives each point its nearest snapped centre, as a scan does, on every path and kernel', () => {
    const d = 3;
    const x = blobs(3000, d, 30, 41);
    for (const [k, step, weights] of [
      [2, 1, randomWeights(3000, 1)], // the plain path
      [12, 1, randomWeights(3000, 2)], // the filtering path (exact sums)
      [12, 4, randomWeights(3000, 3).map((w) => w / 2)], // the pruned path (inexact sums)
      [40, 1, randomWeights(3000, 4)],
      [40, 8, randomWeights(3000, 5)],
      [300, 2, randomWeights(3000, 6)],
      [300, 16, ones(3000)],
    ] as const) {
      const init = pickRows(x, d, k, k + step);
      for (const kernel of ['wasm', 'js'] as const) {
        const options = { maxIter: 300, tolAbs: 0, snap: toGrid(step), kernel };
        const fast = lloydAccelerated(x, 3000, d, weights, init, options);
        const reference = lloydReference(x, 3000, d, weights, init, options);
        expect(fast.snapped!.centres).toEqual(toGrid(step)(fast.centres));
        expect(fast.snapped!.labels).toEqual(nearestByScan(x, 3000, d, fast.snapped!.centres, k));
        expect(reference.snapped!.labels).toEqual(fast.snapped!.labels);
        // The fit's own labels are still those of its centres.
        expect(fast.labels).toEqual(nearestByScan(x, 3000, d, fast.centres, k));
      }
    }
  });

  it('on thousands of tiny data sets where snapped centres coincide and points tie', () => {
    let mismatches = 0;
    for (let seed = 0; seed < 2000; seed++) {
      // Halves make the sums inexact: the pruned path runs at every K above 2.
      const { rng, x, w, n, d } = tinySet(seed, 8, seed % 2 === 0 ? 1 : 2);
      const k = 2 + Math.floor(rng() * 30);
      const init = new Float64Array(k * d);
      for (let i = 0; i < k * d; i++) init[i] = rng() * 8;
      const snap = toGrid(1 + (seed % 3));
      const fast = lloydAccelerated(x, n, d, w, init, { maxIter: 50, tolAbs: 0, snap });
      if (fast.snapped!.labels.some((l, i) => l !== nearestByScan(x, n, d, fast.snapped!.centres, k)[i])) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it('reaches kmeans: the best restart’s snapped centres and labels', () => {
    const x = blobs(2000, 3, 12, 51);
    const w = randomWeights(2000, 52);
    const snap = toGrid(5);
    const fit = kmeans(x, 3, { k: 30, weights: w, nInit: 3, seed: 3, snap });
    expect(fit.snapped!.centres).toEqual(snap(fit.centres));
    expect(fit.snapped!.labels).toEqual(nearestByScan(x, 2000, 3, fit.snapped!.centres, 30));
    expect(kmeans(x, 3, { k: 30, weights: w, nInit: 3, seed: 3 }).snapped).toBeUndefined();
  });

  it('up to FILTER_MAX_K snaps only the best restart, after the runs: its centres and labels', () => {
    // Integer points and weights, so that the filtering Lloyd runs (its snap is a search after it).
    const x = blobs(3000, 3, 10, 61).map((v) => Math.round(v * 20));
    const w = randomWeights(3000, 62).map((v) => Math.max(1, Math.round(v * 5)));
    const snap = toGrid(7);
    let notFirst = 0;
    for (const k of [5, 16, 24]) {
      for (const seed of [1, 2, 3, 4]) {
        const fit = kmeans(x, 3, { k, weights: w, nInit: 3, seed, snap });
        expect(fit.snapped!.centres).toEqual(snap(fit.centres));
        expect(fit.snapped!.labels).toEqual(nearestByScan(x, 3000, 3, fit.snapped!.centres, k));
        if (kmeans(x, 3, { k, weights: w, nInit: 1, seed, snap }).inertia !== fit.inertia) notFirst++;
      }
    }
    // Some of these fits were won by a later restart than the first.
    expect(notFirst).toBeGreaterThan(0);
  });
});

describe('k-means results', () => {
  it('inertia never rises from one iteration to the next', () => {
    const d = 3;
    const x = blobs(3000, d, 30, 41);
    const n = x.length / d;
    const w = randomWeights(n, 42);
    const init = initKMeansPlusPlus(x, n, d, w, 50, makeRng(43));
    let previous = Infinity;
    let strictDrops = 0;
    for (let maxIter = 1; maxIter <= 25; maxIter++) {
      const fast = lloydAccelerated(x, n, d, w, init, { maxIter, tolAbs: 0 });
      const reference = lloydReference(x, n, d, w, init, { maxIter, tolAbs: 0 });
      expect(fast.inertia).toBe(reference.inertia);
      expect(fast.inertia).toBeLessThanOrEqual(previous * (1 + 1e-12));
      if (fast.inertia < previous) strictDrops++;
      previous = fast.inertia;
    }
    expect(strictDrops).toBeGreaterThan(5);
  });

  it('the same seed gives the same result bit for bit, another seed another', () => {
    const x = Float32Array.from(blobs(3000, 3, 20, 51));
    const w = randomWeights(3000, 52);
    const a = kmeans(x, 3, { k: 24, weights: w, seed: 7 });
    const b = kmeans(x, 3, { k: 24, weights: w, seed: 7 });
    expectSame(a, b);
    expect(a.inertia).toBe(b.inertia);
    const c = kmeans(x, 3, { k: 24, weights: w, seed: 8 });
    expect(Array.from(c.centres)).not.toEqual(Array.from(a.centres));
    for (const init of ['kmeans++', 'random'] as const) {
      const r1 = kmeans(x, 3, { k: 10, weights: w, seed: 3, init, nInit: 3 });
      const r2 = kmeans(x, 3, { k: 10, weights: w, seed: 3, init, nInit: 3 });
      expectSame(r1, r2);
    }
  });

  it('the reference option changes nothing but the speed', () => {
    const x = Float32Array.from(randomPoints(4000, 3, 61));
    for (const k of [1, 5, 30, 90]) {
      const fast = kmeans(x, 3, { k, seed: 1 });
      const reference = kmeans(x, 3, { k, seed: 1, reference: true });
      expectSame(fast, reference);
    }
  });

  it('K = 1 gives the weighted mean', () => {
    const x = Float32Array.from([0, 0, 0, 10, 0, 0, 0, 20, 0]);
    const w = Float64Array.from([1, 3, 1]);
    const r = kmeans(x, 3, { k: 1, weights: w });
    expect(r.k).toBe(1);
    expect(Array.from(r.centres)).toEqual([6, 4, 0]);
    expect(Array.from(r.labels)).toEqual([0, 0, 0]);
    expect(r.inertia).toBeCloseTo(1 * 52 + 3 * 32 + 1 * 292, 9);
  });

  it.each(['kmeans++', 'random'] as const)('K above the distinct points gives that many centres, zero inertia, no NaN (%s)', (init) => {
    // 5 distinct points, 12 rows.
    const distinct = [0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 9, 9];
    const x = Float32Array.from([...distinct, ...distinct.slice(0, 6), ...distinct]);
    const r = kmeans(x, 3, { k: 8, init, seed: 2 });
    expect(r.k).toBe(5);
    expect(r.centres.length).toBe(15);
    expect(r.inertia).toBe(0);
    expect(Array.from(r.centres).every(Number.isFinite)).toBe(true);
    const rows = new Set(Array.from({ length: 5 }, (_, j) => Array.from(r.centres.subarray(3 * j, 3 * j + 3)).join(',')));
    expect(rows).toEqual(new Set(['0,0,0', '255,0,0', '0,255,0', '0,0,255', '9,9,9']));
  });

  it('one point, and more given centres than points', () => {
    const one = kmeans(Float32Array.from([1, 2, 3]), 3, { k: 4 });
    expect(one.k).toBe(1);
    expect(Array.from(one.centres)).toEqual([1, 2, 3]);
    expect(one.inertia).toBe(0);
    const init = Float64Array.from([0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]);
    const r = kmeans(Float32Array.from([0, 0, 0, 4, 4, 4, 9, 9, 9]), 3, { k: 5, init });
    expect(r.inertia).toBe(0);
    expect(Array.from(r.centres).every(Number.isFinite)).toBe(true);
  });

  it('all points identical: one centre on them, zero inertia', () => {
    const x = new Float32Array(50 * 4).fill(7);
    const r = kmeans(x, 4, { k: 3 });
    expect(r.k).toBe(1);
    expect(Array.from(r.centres)).toEqual([7, 7, 7, 7]);
    expect(r.inertia).toBe(0);
    expect(r.labels.every((l) => l === 0)).toBe(true);
  });

  it('a weight of w counts as w copies of the point', () => {
    const d = 3;
    const x = blobs(400, d, 8, 71);
    const w = randomWeights(400, 72);
    const copies: number[] = [];
    const owner: number[] = [];
    for (let i = 0; i < 400; i++) {
      for (let r = 0; r < w[i]; r++) {
        copies.push(x[i * d], x[i * d + 1], x[i * d + 2]);
        owner.push(i);
      }
    }
    const init = pickRows(x, d, 9, 73);
    const weighted = kmeans(Float32Array.from(x), d, { k: 9, weights: w, init, tol: 0 });
    const expanded = kmeans(Float32Array.from(copies), d, { k: 9, init, tol: 0 });
    expect(Array.from(weighted.centres)).toEqual(Array.from(expanded.centres));
    expect(weighted.iterations).toBe(expanded.iterations);
    expect(weighted.inertia).toBeCloseTo(expanded.inertia, 6);
    expect(owner.every((i, row) => expanded.labels[row] === weighted.labels[i])).toBe(true);
  });

  it('rejects unknown options and non-finite points', () => {
    expect(() => kmeans(new Float32Array(6), 3, { k: 1, itertions: 5 } as never)).toThrow(/Unknown k-means option "itertions"/);
    expect(() => kmeans(Float32Array.from([0, 0, NaN]), 3, { k: 1 })).toThrow(/finite/);
  });
});

describe('moments', () => {
  it('gives the checks, total and mean variance of the TypeScript loops, bit for bit', async () => {
    const { moments } = await import('../src/core/moments.js');
    const rng = makeRng('moments');
    for (const [n, d] of [[1, 3], [5000, 3], [3001, 4], [777, 2]] as const) {
      const x = new Float64Array(n * d).map(() => rng() * 510 - 255);
      const w = new Float64Array(n).map(() => Math.floor(rng() * 9));
      w[0] = 1;
      expect(moments(x, n, d, w, 'wasm')).toEqual(moments(x, n, d, w, 'js'));
      expect(moments(x, n, d, w, 'js').meanVariance).toBe(meanVariance(x, n, d, w));
      const bad = x.slice();
      bad[Math.floor(n * d / 2)] = Infinity;
      expect(moments(bad, n, d, w, 'wasm')).toEqual(moments(bad, n, d, w, 'js'));
      expect(moments(bad, n, d, w, 'wasm').badCoordinate).toBe(Math.floor(n * d / 2));
      const heavy = w.slice();
      heavy[n - 1] = -1;
      expect(moments(x, n, d, heavy, 'wasm')).toEqual(moments(x, n, d, heavy, 'js'));
      expect(moments(x, n, d, heavy, 'wasm').badWeight).toBe(n - 1);
    }
  });
});
