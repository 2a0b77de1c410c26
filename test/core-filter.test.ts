// The filtering Lloyd (lloyd-filter.ts) and its k-d tree (point-tree.ts): the same labels, centres,
// iterations and inertia as the plain reference Lloyd, bit for bit, while it looks at only a part
// of the points a step.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { buildHistogram } from '../src/core/histogram.js';
import { initKMeansPlusPlus } from '../src/core/init.js';
import { kmeans, meanVariance } from '../src/core/kmeans.js';
import { lloydAccelerated, lloydReference, type LloydResult } from '../src/core/lloyd.js';
import { FILTER_MAX_K, lloydFiltered } from '../src/core/lloyd-filter.js';
import { PointIndex } from '../src/core/point-index.js';
import { PointTree } from '../src/core/point-tree.js';
import { makeRng } from '../src/core/rng.js';
import { CHINA } from './helpers.js';

function expectSame(a: LloydResult, b: LloydResult): void {
  expect(a.iterations).toBe(b.iterations);
  expect(a.centres.every((v, i) => Object.is(v, b.centres[i]))).toBe(true);
  expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
  expect(a.inertia).toBe(b.inertia);
}

/** Integer points in a few blobs (many duplicates), n·d, and integer weights. */
function integerData(n: number, d: number, seed: number, blobs = 6): { x: Float64Array; w: Float64Array } {
  const rng = makeRng(seed);
  const centres = Array.from({ length: blobs * d }, () => 20 + Math.floor(rng() * 200));
  const x = new Float64Array(n * d);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const b = Math.floor(rng() * blobs);
    for (let t = 0; t < d; t++) x[i * d + t] = centres[b * d + t] + Math.floor((rng() - 0.5) * 30);
    w[i] = Math.floor(rng() * 5); // zero weights too: points that pull no centre
  }
  return { x, w };
}

function rows(x: Float64Array, d: number, k: number, seed: number): Float64Array {
  const rng = makeRng(seed);
  const n = x.length / d;
  const out = new Float64Array(k * d);
  for (let j = 0; j < k; j++) {
    const i = Math.floor(rng() * n);
    out.set(x.subarray(i * d, i * d + d), j * d);
  }
  return out;
}

describe('PointTree', () => {
  it('partitions the points into boxes that hold them, with their sums and masses', () => {
    for (const d of [3, 4]) {
      const { x, w } = integerData(3000, d, d);
      const n = 3000;
      const tree = new PointTree(x, n, d, w);
      expect(Array.from(tree.order).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
      // Checked in plain loops, counted, then asserted once (an expect a value is slow here).
      let wrong = 0;
      for (let v = 0; v < tree.nodes; v++) {
        const l = tree.left[v];
        if (l >= 0) {
          const r = tree.right[v];
          // Children split the parent's points in two non-empty runs.
          if (tree.start[l] !== tree.start[v] || tree.end[l] !== tree.start[r] || tree.end[r] !== tree.end[v]) wrong++;
          if (!(tree.end[l] > tree.start[l] && tree.end[r] > tree.start[r])) wrong++;
        }
        let mass = 0;
        const sum = new Float64Array(d);
        for (let p = tree.start[v]; p < tree.end[v]; p++) {
          const i = tree.order[p];
          mass += w[i];
          for (let t = 0; t < d; t++) {
            const value = x[i * d + t];
            if (tree.points[p * d + t] !== value) wrong++;
            if (value < tree.box[2 * d * v + t] || value > tree.box[2 * d * v + d + t]) wrong++;
            sum[t] += w[i] * value;
          }
        }
        if (tree.mass[v] !== mass) wrong++;
        for (let t = 0; t < d; t++) if (tree.sum[v * d + t] !== sum[t]) wrong++;
      }
      expect(wrong).toBe(0);
      expect(tree.nodes).toBeGreaterThan(n / 8);
      expect(tree.depth).toBeLessThanOrEqual(33);
    }
  });

  it('holds one point, and many copies of one point', () => {
    const one = new PointTree(new Float64Array([1, 2, 3]), 1, 3, new Float64Array([2]));
    expect([one.nodes, one.mass[0]]).toEqual([1, 2]);
    const same = new PointTree(new Float64Array(300).fill(7), 100, 3, new Float64Array(100).fill(1));
    expect([same.nodes, same.mass[0]]).toEqual([1, 100]);
  });
});

describe('PointTree in WebAssembly against its TypeScript', () => {
  it('builds the same tree, node for node: blobs, duplicates, one point, one point many times, china.jpg', async () => {
    const { data } = await sharp(CHINA).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const h = buildHistogram(new Uint8Array(data.buffer, data.byteOffset, data.length), 3, 3);
    const cases: [string, Float64Array, Float64Array][] = [
      ['blobs', ...Object.values(integerData(5000, 3, 91)) as [Float64Array, Float64Array]],
      ['one point', new Float64Array([1, 2, 3]), new Float64Array([2])],
      ['one point 100 times', new Float64Array(300).fill(7), new Float64Array(100).fill(1)],
      ['a grid', Float64Array.from({ length: 3 * 1000 }, (_, t) => Math.floor(t / 3 / 10 ** (t % 3)) % 10), new Float64Array(1000).fill(3)],
      ['china.jpg', Float64Array.from(h.points), h.weights],
    ];
    for (const [name, x, w] of cases) {
      const n = w.length;
      const viaWasm = new PointTree(x, n, 3, w, undefined, 'wasm');
      const viaTypeScript = new PointTree(x, n, 3, w, undefined, 'js');
      expect([viaWasm.nodes, viaWasm.depth], name).toEqual([viaTypeScript.nodes, viaTypeScript.depth]);
      for (const key of ['order', 'points', 'weights', 'start', 'end', 'left', 'right', 'box', 'sum', 'mass'] as const) {
        expect(Buffer.compare(Buffer.from(viaWasm[key].buffer, viaWasm[key].byteOffset, viaWasm[key].byteLength),
          Buffer.from(viaTypeScript[key].buffer, viaTypeScript[key].byteOffset, viaTypeScript[key].byteLength)), `${name} ${key}`).toBe(0);
      }
    }
  });
});

describe('filtering Lloyd equals the reference bit for bit', () => {
  it.each([3, 4])('on integer blobs with duplicates and zero weights, d = %i, K = 2..24', (d) => {
    const n = 4000;
    const { x, w } = integerData(n, d, 10 + d);
    const tree = new PointTree(x, n, d, w);
    for (const k of [2, 3, 4, 5, 7, 8, 12, 16, 24]) {
      const init = rows(x, d, k, k);
      const options = { maxIter: 300, tolAbs: 0 };
      expectSame(lloydFiltered(tree, x, w, init, options), lloydReference(x, n, d, w, init, options));
    }
  });

  it('on an integer grid where points tie between centres (the lowest index wins)', () => {
    const x = new Float64Array(9 * 9 * 9 * 3);
    let i = 0;
    for (let a = 0; a < 9; a++) for (let b = 0; b < 9; b++) for (let c = 0; c < 9; c++) x.set([a * 2, b * 2, c * 2], 3 * i++);
    const n = x.length / 3;
    const w = new Float64Array(n).fill(1);
    const tree = new PointTree(x, n, 3, w);
    for (const k of [2, 4, 6, 9, 16, 24]) {
      // Centres on grid points and midway between them: exact ties at every step.
      const init = rows(x, 3, k, 40 + k).map((v, t) => (t % 2 ? v + 1 : v));
      const options = { maxIter: 100, tolAbs: 0 };
      expectSame(lloydFiltered(tree, x, w, init, options), lloydReference(x, n, 3, w, init, options));
    }
  });

  it('when clusters empty and are re-seeded, and with K near the number of distinct points', () => {
    const d = 3;
    const { x: distinct } = integerData(20, d, 50, 20);
    const x = new Float64Array(distinct.length * 3);
    for (let r = 0; r < 3; r++) x.set(distinct, r * distinct.length);
    const n = x.length / d;
    const w = new Float64Array(n).map((_, i) => 1 + (i % 4));
    const tree = new PointTree(x, n, d, w);
    for (const k of [10, 15, 18, 19, 20]) {
      const init = rows(distinct, d, k, k);
      const options = { maxIter: 300, tolAbs: 0 };
      expectSame(lloydFiltered(tree, x, w, init, options), lloydReference(x, n, d, w, init, options));
    }
    // All centres but one far from the data: every other cluster starts empty.
    const far = new Float64Array(6 * d).map((_, t) => (t < d ? 100 : 10_000 + t * 100));
    const options = { maxIter: 300, tolAbs: 0 };
    expectSame(lloydFiltered(tree, x, w, far, options), lloydReference(x, n, d, w, far, options));
  });

  it("on china.jpg's colours, looking at a fraction of them a step", async () => {
    const { data } = await sharp(CHINA).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const h = buildHistogram(new Uint8Array(data.buffer, data.byteOffset, data.length), 3, 3);
    const x = Float64Array.from(h.points);
    const tree = new PointTree(x, h.n, 3, h.weights);
    const tolAbs = 1e-5 * meanVariance(x, h.n, 3, h.weights);
    for (const k of [4, 16]) {
      const init = initKMeansPlusPlus(x, h.n, 3, h.weights, k, makeRng(k));
      const options = { maxIter: 300, tolAbs };
      const filtered = lloydFiltered(tree, x, h.weights, init, options);
      expectSame(filtered, lloydReference(x, h.n, 3, h.weights, init, options));
      // Points looked at one by one: far fewer than every point at every step.
      expect(filtered.searches).toBeLessThan(0.25 * h.n * (filtered.iterations + 1));
    }
  });
});

describe('the filtering walk in WebAssembly against its TypeScript', () => {
  const both = (tree: PointTree, x: Float64Array, w: Float64Array, init: Float64Array, options: { maxIter: number; tolAbs: number }) => {
    const viaWasm = lloydFiltered(tree, x, w, init, { ...options, kernel: 'wasm' });
    const viaTypeScript = lloydFiltered(tree, x, w, init, { ...options, kernel: 'js' });
    expectSame(viaWasm, viaTypeScript);
    // The same walk: the same points looked at one by one, the same distances computed.
    expect([viaWasm.searches, viaWasm.distanceEvaluations]).toEqual([viaTypeScript.searches, viaTypeScript.distanceEvaluations]);
    return viaWasm;
  };

  it('gives the same labels, centres, iterations, inertia and counts: blobs, ties, emptied clusters, china.jpg', async () => {
    const { x, w } = integerData(4000, 3, 77);
    const tree = new PointTree(x, 4000, 3, w);
    for (const k of [2, 3, 5, 8, 13, 24]) both(tree, x, w, rows(x, 3, k, 100 + k), { maxIter: 300, tolAbs: 0 });
    // Exact ties on a grid, and centres far from the data (clusters emptied and re-seeded).
    const grid = new Float64Array(7 * 7 * 7 * 3);
    let i = 0;
    for (let a = 0; a < 7; a++) for (let b = 0; b < 7; b++) for (let c = 0; c < 7; c++) grid.set([a * 2, b * 2, c * 2], 3 * i++);
    const ones = new Float64Array(grid.length / 3).fill(1);
    const gridTree = new PointTree(grid, ones.length, 3, ones);
    for (const k of [4, 9, 16]) both(gridTree, grid, ones, rows(grid, 3, k, 7 + k).map((v, t) => (t % 2 ? v + 1 : v)), { maxIter: 100, tolAbs: 0 });
    const far = new Float64Array(18).map((_, t) => (t < 3 ? 6 : 5_000 + t * 100));
    both(gridTree, grid, ones, far, { maxIter: 100, tolAbs: 0 });
    const { data } = await sharp(CHINA).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const h = buildHistogram(new Uint8Array(data.buffer, data.byteOffset, data.length), 3, 3);
    const points = Float64Array.from(h.points);
    const chinaTree = new PointTree(points, h.n, 3, h.weights);
    const tolAbs = 1e-5 * meanVariance(points, h.n, 3, h.weights);
    for (const k of [3, 16, 24]) {
      const fit = both(chinaTree, points, h.weights, initKMeansPlusPlus(points, h.n, 3, h.weights, k, makeRng(k)), { maxIter: 300, tolAbs });
      expect(fit.iterations).toBeGreaterThan(5);
    }
  });
});

const counts5 = (r: LloydResult) => [r.searches, r.distanceEvaluations];

describe('where the filtering Lloyd runs', () => {
  it('lloydAccelerated and kmeans take it up to FILTER_MAX_K for exact sums, with the same result', () => {
    const d = 3;
    const n = 3000;
    const { x, w } = integerData(n, d, 77);
    const options = { maxIter: 300, tolAbs: 0 };
    const tree = new PointTree(x, n, d, w);
    for (const k of [3, FILTER_MAX_K, FILTER_MAX_K + 1]) {
      const init = rows(x, d, k, k);
      const fast = lloydAccelerated(x, n, d, w, init, options);
      expectSame(fast, lloydReference(x, n, d, w, init, options));
      // The same counts as the filtering Lloyd's up to FILTER_MAX_K (the pruned path counts otherwise).
      const filtered = lloydFiltered(tree, x, w, init, options);
      const counts = (r: LloydResult) => [r.searches, r.distanceEvaluations];
      if (k <= FILTER_MAX_K) expect(counts(fast)).toEqual(counts(filtered));
      else expect(counts(fast)).not.toEqual(counts(filtered));
    }
    // Sums that are not exact (fractional weights): the pruned path, still the reference's result.
    const init = rows(x, d, 5, 5);
    const fractional = w.map((v) => v + 0.25);
    const fast = lloydAccelerated(x, n, d, fractional, init, options);
    expectSame(fast, lloydReference(x, n, d, fractional, init, options));
    expect(counts5(fast)).not.toEqual(counts5(lloydFiltered(new PointTree(x, n, d, fractional), x, fractional, init, options)));
    const a = kmeans(x, d, { k: 8, weights: w, seed: 3, nInit: 2 });
    const b = kmeans(x, d, { k: 8, weights: w, seed: 3, nInit: 2, reference: true });
    expect(a.centres.every((v, i) => Object.is(v, b.centres[i]))).toBe(true);
    expect(a.inertia).toBe(b.inertia);
  });

  it('kmeans with one PointIndex kept across K and restarts gives what it gives without', () => {
    const d = 3;
    const n = 3000;
    const { x, w } = integerData(n, d, 78);
    const index = new PointIndex(x, n, d, w);
    for (const k of [4, 16, 40]) {
      const shared = kmeans(x, d, { k, weights: w, seed: 5, nInit: 2, index });
      const own = kmeans(x, d, { k, weights: w, seed: 5, nInit: 2 });
      expect(shared.centres.every((v, i) => Object.is(v, own.centres[i]))).toBe(true);
      expect(Array.from(shared.labels)).toEqual(Array.from(own.labels));
    }
    expect(() => kmeans(x.subarray(0, 300), d, { k: 4, index })).toThrow(/index over these 100 points/);
  });
});
