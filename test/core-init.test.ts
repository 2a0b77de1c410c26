// Seeded draws: k-means++ and random first centres, and the weighted sampler behind --sample.
// Distributions are checked with chi-square tests over many fixed seeds (deterministic, so a
// pass or a failure is the same on every run); thresholds are the 0.1% critical values.
import { describe, expect, it } from 'vitest';
import { initKMeansPlusPlus, initRandom, Seeding } from '../src/core/init.js';
import { FlatSeeding } from '../src/core/seeding-flat.js';
import { mortonOrder, zOrder } from '../src/core/morton.js';
import { makeRng } from '../src/core/rng.js';
import { drawByWeight } from '../src/core/sample.js';

/** Chi-square statistic of observed counts against expected counts (cells with expected 0 must be empty). */
function chiSquare(observed: ArrayLike<number>, expected: ArrayLike<number>): number {
  let chi2 = 0;
  for (let j = 0; j < observed.length; j++) {
    if (expected[j] === 0) {
      expect(observed[j]).toBe(0);
      continue;
    }
    chi2 += (observed[j] - expected[j]) ** 2 / expected[j];
  }
  return chi2;
}

// 0.1% critical values of chi-square by degrees of freedom.
const CRITICAL = { 6: 22.46, 10: 29.59 } as const;

/** A small weighted set: 8 distinct 3-D points (one with weight 0). */
const POINTS = Float64Array.from([0, 0, 0, 10, 0, 0, 0, 10, 0, 0, 0, 10, 10, 10, 0, 30, 30, 30, 5, 5, 5, 60, 0, 60]);
const WEIGHTS = Float64Array.from([1, 2, 3, 4, 0, 6, 9, 5]);

function rowOf(points: Float64Array, d: number, centre: Float64Array, j: number): number {
  const n = points.length / d;
  for (let i = 0; i < n; i++) {
    let same = true;
    for (let t = 0; t < d; t++) if (points[i * d + t] !== centre[j * d + t]) same = false;
    if (same) return i;
  }
  return -1;
}

function dist2(points: Float64Array, d: number, i: number, j: number): number {
  let s = 0;
  for (let t = 0; t < d; t++) s += (points[i * d + t] - points[j * d + t]) ** 2;
  return s;
}

describe('k-means++', () => {
  it('draws the first centre in proportion to weight', () => {
    const runs = 6000;
    const observed = new Array<number>(8).fill(0);
    for (let s = 0; s < runs; s++) observed[rowOf(POINTS, 3, initKMeansPlusPlus(POINTS, 8, 3, WEIGHTS, 1, makeRng(s)), 0)]++;
    const total = WEIGHTS.reduce((a, b) => a + b, 0);
    const expected = Array.from(WEIGHTS, (w) => (runs * w) / total);
    expect(observed[4]).toBe(0);
    expect(chiSquare(observed, expected)).toBeLessThan(CRITICAL[6]);
  });

  it.each([2, 70])('draws the next centre in proportion to weight × squared distance (one candidate, K=%i)', (k) => {
    // With one candidate a step, greedy k-means++ is plain k-means++: given the first centre f,
    // the second is point i with probability w_i d(x_i, f)² / Σ w d². K = 70 takes the sorted,
    // Z-ordered path, on the points below plus 62 far away with zero weight.
    const d = 3;
    const extra = 62 * (k > 8 ? 1 : 0);
    const points = new Float64Array((8 + extra) * d);
    points.set(POINTS);
    for (let i = 0; i < extra; i++) points.set([1000 + i, 2000, 3000 - i], (8 + i) * d);
    const weights = new Float64Array(8 + extra);
    weights.set(WEIGHTS);
    const n = 8 + extra;
    const runs = 6000;
    const observed = new Array<number>(n).fill(0);
    const expected = new Array<number>(n).fill(0);
    for (let s = 0; s < runs; s++) {
      const centres = initKMeansPlusPlus(points, n, d, weights, k, makeRng(s), 1);
      const first = rowOf(points, d, centres, 0);
      const second = rowOf(points, d, centres, 1);
      observed[second]++;
      let total = 0;
      for (let i = 0; i < n; i++) total += weights[i] * dist2(points, d, i, first);
      for (let i = 0; i < n; i++) expected[i] += (weights[i] * dist2(points, d, i, first)) / total;
    }
    expect(observed.slice(8).every((c) => c === 0)).toBe(true);
    expect(chiSquare(observed.slice(0, 8), expected.slice(0, 8))).toBeLessThan(CRITICAL[6]);
  });

  it('keeps the candidate that lowers the potential most', () => {
    // Two tight pairs far apart, and one lone point: with enough candidates, the second centre
    // is almost never in the same pair as the first.
    const d = 2;
    const points = Float64Array.from([0, 0, 1, 0, 100, 0, 101, 0, 50, 80]);
    const weights = Float64Array.from([10, 10, 10, 10, 1]);
    let samePair = 0;
    for (let s = 0; s < 500; s++) {
      const c = initKMeansPlusPlus(points, 5, d, weights, 2, makeRng(s), 8);
      const a = rowOf(points, d, c, 0);
      const b = rowOf(points, d, c, 1);
      if (a < 4 && b < 4 && Math.floor(a / 2) === Math.floor(b / 2)) samePair++;
    }
    expect(samePair).toBe(0);
  });

  it('with more candidates a step, ends with a lower potential (the best candidate is kept)', () => {
    const d = 3;
    const rng = makeRng('blobs');
    const n = 600;
    const points = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      const blob = i % 12;
      for (let t = 0; t < d; t++) points[i * d + t] = ((blob * 37 * (t + 1)) % 255) + rng() * 8;
    }
    const weights = new Float64Array(n).fill(1);
    const potential = (c: Float64Array) => {
      let sum = 0;
      for (let i = 0; i < n; i++) {
        let best = Infinity;
        for (let j = 0; j < c.length / d; j++) {
          let s2 = 0;
          for (let t = 0; t < d; t++) s2 += (points[i * d + t] - c[j * d + t]) ** 2;
          best = Math.min(best, s2);
        }
        sum += best;
      }
      return sum;
    };
    let one = 0;
    let many = 0;
    for (let s = 0; s < 200; s++) {
      one += potential(initKMeansPlusPlus(points, n, d, weights, 12, makeRng(s), 1));
      many += potential(initKMeansPlusPlus(points, n, d, weights, 12, makeRng(s), 6));
    }
    expect(many).toBeLessThan(0.7 * one);
  });

  it.each([false, true])('weighs each candidate exactly, pruned scans and all (sorted lists: %s)', (sorted) => {
    // The gain of a candidate y is Σ w·max(0, closest − d(x, y)²); the pruned scans must find it.
    const d = 3;
    const rng = makeRng('gains');
    const n = 3000;
    const points = new Float64Array(n * d);
    for (let i = 0; i < points.length; i++) points[i] = Math.floor(rng() * 64) * 4;
    const weights = new Float64Array(n);
    for (let i = 0; i < n; i++) weights[i] = 1 + Math.floor(rng() * 5);
    const seeding = new Seeding(points, n, d, weights, 100, sorted);
    seeding.start(0);
    const closest = new Float64Array(n);
    const centres: number[] = [0];
    const refresh = () => {
      for (let i = 0; i < n; i++) closest[i] = Math.min(...centres.map((c) => dist2(points, d, i, c)));
    };
    refresh();
    for (let step = 0; step < 60; step++) {
      let potential = 0;
      for (let i = 0; i < n; i++) potential += weights[i] * closest[i];
      expect(seeding.potential()).toBeCloseTo(potential, 3);
      for (let probe = 0; probe < 5; probe++) {
        const y = Math.floor(rng() * n);
        let gain = 0;
        for (let i = 0; i < n; i++) gain += weights[i] * Math.max(0, closest[i] - dist2(points, d, i, y));
        expect(seeding.gainOf(y)).toBe(gain);
        expect(seeding.gainOfReference(y)).toBe(gain);
      }
      const next = seeding.sample(rng() * seeding.potential());
      seeding.add(next);
      centres.push(next);
      refresh();
    }
  });

  it.each([3, 4])('gives the same centres and labels with the WebAssembly gain as with the TypeScript one (d = %i)', (d) => {
    const rng = makeRng(`kernels ${d}`);
    const n = 4000;
    const points = new Float64Array(n * d).map(() => rng() * 255);
    const weights = new Float64Array(n).map(() => 1 + Math.floor(rng() * 9));
    for (const k of [5, 31, 32, 200]) {
      const labelsWasm = new Uint16Array(n);
      const labelsTs = new Uint16Array(n);
      const wasm = initKMeansPlusPlus(points, n, d, weights, k, makeRng(k), undefined, labelsWasm, 'wasm');
      const ts = initKMeansPlusPlus(points, n, d, weights, k, makeRng(k), undefined, labelsTs, 'js');
      expect(wasm.every((v, i) => Object.is(v, ts[i]))).toBe(true);
      expect(labelsWasm).toEqual(labelsTs);
    }
  });

  it.each([
    ['wasm', 'integer'],
    ['js', 'integer'],
    ['wasm', 'fractional'],
    ['js', 'fractional'],
  ] as const)('by blocks of points (%s, %s coordinates): gains, potential and labels as defined', (kernel, kind) => {
    // FlatSeeding weighs a candidate y as Σ w·max(0, closest − d(x, y)²), skipping blocks out of
    // y's reach, in two interleaved sums (even and odd points): it matches the plain sum over every
    // point to rounding, and each label is the nearest centre.
    const d = 3;
    const rng = makeRng(`flat ${kernel} ${kind}`);
    const n = 2999; // odd: a padding point of weight 0 makes it even
    const points = new Float64Array(n * d);
    for (let i = 0; i < points.length; i++) points[i] = kind === 'integer' ? Math.floor(rng() * 64) * 4 : rng() * 255;
    const weights = new Float64Array(n);
    for (let i = 0; i < n; i++) weights[i] = i % 17 === 0 ? 0 : 1 + Math.floor(rng() * 5);
    const order = zOrder(points, n, d);
    const seeding = new FlatSeeding(points, n, weights, 120, order, kernel);
    const closest = new Float64Array(n).fill(Infinity);
    const nearest = new Int32Array(n);
    let next = 5; // a working point: point order[next]
    for (let step = 0; step < 120; step++) {
      seeding.add(next);
      const c = order[next];
      expect(Array.from(seeding.centres.subarray(3 * step, 3 * step + 3))).toEqual(Array.from(points.subarray(3 * c, 3 * c + 3)));
      for (let i = 0; i < n; i++) {
        const e = dist2(points, d, i, c);
        if (e < closest[i]) {
          closest[i] = e;
          nearest[i] = step;
        }
      }
      let potential = 0;
      for (let i = 0; i < n; i++) potential += weights[i] * closest[i];
      expect(Math.abs(seeding.potential() - potential)).toBeLessThanOrEqual(1e-12 * potential);
      for (let probe = 0; probe < 4; probe++) {
        const y = Math.floor(rng() * n);
        let gain = 0;
        for (let i = 0; i < n; i++) gain += weights[i] * Math.max(0, closest[i] - dist2(points, d, i, order[y]));
        expect(Math.abs(seeding.gainOf(y) - gain)).toBeLessThanOrEqual(1e-12 * Math.max(1, gain));
      }
      const labels = new Uint16Array(n);
      seeding.writeLabels(labels);
      expect(Array.from(labels)).toEqual(Array.from(nearest));
      next = seeding.sample(rng() * seeding.potential());
      expect(weights[order[next]] * closest[order[next]]).toBeGreaterThan(0);
    }
  });

  it('gives the same centres and labels with the WebAssembly passes as with the TypeScript ones (odd n, zero weights)', () => {
    const rng = makeRng('flat kernels');
    const n = 5001;
    const points = new Float64Array(n * 3).map(() => Math.floor(rng() * 256));
    const weights = new Float64Array(n).map((_, i) => (i % 7 === 0 ? 0 : 1 + Math.floor(rng() * 9)));
    for (const k of [1, 2, 7, 16, 64, 300]) {
      const labelsWasm = new Uint16Array(n);
      const labelsTs = new Uint16Array(n);
      const wasm = initKMeansPlusPlus(points, n, 3, weights, k, makeRng(k), undefined, labelsWasm, 'wasm');
      const ts = initKMeansPlusPlus(points, n, 3, weights, k, makeRng(k), undefined, labelsTs, 'js');
      expect(wasm.length).toBe(3 * k);
      expect(wasm.every((v, i) => Object.is(v, ts[i]))).toBe(true);
      expect(labelsWasm).toEqual(labelsTs);
    }
  });

  it('stops at the distinct points, never repeating one', () => {
    const points = Float64Array.from([1, 1, 1, 2, 2, 2, 1, 1, 1, 3, 3, 3, 2, 2, 2]);
    const c = initKMeansPlusPlus(points, 5, 3, new Float64Array(5).fill(1), 10, makeRng(1));
    expect(c.length).toBe(9);
    const rows = new Set(Array.from({ length: 3 }, (_, j) => Array.from(c.subarray(3 * j, 3 * j + 3)).join(',')));
    expect(rows.size).toBe(3);
  });

  it('ignores points of weight 0', () => {
    const points = Float64Array.from([0, 0, 0, 50, 50, 50, 100, 100, 100]);
    const weights = Float64Array.from([1, 0, 1]);
    for (let s = 0; s < 50; s++) {
      const c = initKMeansPlusPlus(points, 3, 3, weights, 3, makeRng(s));
      expect(c.length).toBe(6);
      expect(rowOf(points, 3, c, 0)).not.toBe(1);
      expect(rowOf(points, 3, c, 1)).not.toBe(1);
    }
  });
});

describe('random first centres', () => {
  it('draws K distinct points, the first in proportion to weight', () => {
    const runs = 6000;
    const observed = new Array<number>(8).fill(0);
    for (let s = 0; s < runs; s++) {
      const c = initRandom(POINTS, 8, 3, WEIGHTS, 3, makeRng(s));
      const rows = [0, 1, 2].map((j) => rowOf(POINTS, 3, c, j));
      expect(new Set(rows).size).toBe(3);
      expect(rows).not.toContain(4);
      observed[rows[0]]++;
    }
    const total = WEIGHTS.reduce((a, b) => a + b, 0);
    expect(chiSquare(observed, Array.from(WEIGHTS, (w) => (runs * w) / total))).toBeLessThan(CRITICAL[6]);
  });
});

describe('drawByWeight', () => {
  it('draws in proportion to weight, never a weight of 0', () => {
    const weights = Float64Array.from([0, 1, 2, 3, 10, 0.5, 0, 7.5, 4, 4, 1, 1, 6]);
    const count = 200_000;
    const draws = drawByWeight(weights, count, makeRng('draws'));
    expect(draws.reduce((a, b) => a + b, 0)).toBe(count);
    const total = weights.reduce((a, b) => a + b, 0);
    const expected = Array.from(weights, (w) => (count * w) / total);
    expect(chiSquare(draws, expected)).toBeLessThan(CRITICAL[10]);
  });

  it('is reproducible from its seed', () => {
    const weights = Float64Array.from([3, 1, 4, 1, 5, 9, 2, 6]);
    expect(drawByWeight(weights, 1000, makeRng(9))).toEqual(drawByWeight(weights, 1000, makeRng(9)));
    expect(drawByWeight(weights, 1000, makeRng(9))).not.toEqual(drawByWeight(weights, 1000, makeRng(10)));
  });
});

describe('zOrder', () => {
  it('gives the same codes and order with the WebAssembly kernel as with the TypeScript loops (3-D)', () => {
    const rng = makeRng('morton');
    const cases: Float64Array[] = [
      new Float64Array(0),
      Float64Array.from([7, 7, 7]),
      new Float64Array(3 * 4000).map(() => Math.floor(rng() * 256)), // colours, many equal codes
      new Float64Array(3 * 3001).map(() => rng() * 1000 - 500), // fractional, negative
      new Float64Array(3 * 500).map((_, i) => (i % 3 === 1 ? 42 : rng() * 9)), // a constant coordinate
    ];
    for (const points of cases) {
      const n = points.length / 3;
      const wasm = mortonOrder(points, n, 3, 'wasm');
      const ts = mortonOrder(points, n, 3, 'js');
      expect(Array.from(wasm.codes)).toEqual(Array.from(ts.codes));
      expect(Array.from(wasm.order)).toEqual(Array.from(ts.order));
    }
  });

  it('is a permutation that puts near points near each other', () => {
    const rng = makeRng('z');
    const n = 5000;
    const points = new Float64Array(n * 3);
    for (let i = 0; i < points.length; i++) points[i] = Math.floor(rng() * 256);
    const order = zOrder(points, n, 3);
    expect(new Set(order).size).toBe(n);
    expect(Math.min(...order)).toBe(0);
    expect(Math.max(...order)).toBe(n - 1);
    // Consecutive rows in Z-order are far closer on average than consecutive rows as given.
    const step = (a: number, b: number) => dist2(points, 3, a, b);
    let ordered = 0;
    let given = 0;
    for (let t = 1; t < n; t++) {
      ordered += step(order[t - 1], order[t]);
      given += step(t - 1, t);
    }
    expect(ordered * 10).toBeLessThan(given);
  });
});
