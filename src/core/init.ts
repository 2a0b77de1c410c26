// First centres: greedy k-means++ (as scikit-learn) and weighted random choice.
//
// Both stop early when every point already sits on a centre: K larger than the number of distinct
// points gives that many centres, not duplicates.
import { dist2 } from './geometry.js';
import type { Rng } from './rng.js';

/** Picks an index with probability proportional to `mass[i]`; `total` is their sum. */
function pickWeighted(mass: Float64Array, n: number, total: number, rng: Rng): number {
  const target = rng() * total;
  let acc = 0;
  let last = -1;
  for (let i = 0; i < n; i++) {
    if (mass[i] <= 0) continue;
    acc += mass[i];
    last = i;
    if (target < acc) return i;
  }
  return last;
}

/**
 * Greedy k-means++: each new centre is the best (lowest potential) of 2 + ⌊ln K⌋ candidates drawn
 * with probability proportional to weight × squared distance to the nearest centre so far.
 *
 * Exact, but pruned: points are kept in per-centre member lists, and a candidate y can only take a
 * point x from its centre c when d(x, c) > d(c, y) / 2 (else d(x, y) ≥ d(c, y) − d(x, c) ≥ d(x, c)).
 * Whole clusters whose farthest member is within d(c, y) / 2 are skipped without a look.
 * The cost falls from K·trials·n distances to a small fraction of it at large K.
 */
export function initKMeansPlusPlus(
  points: Float64Array,
  n: number,
  d: number,
  weights: Float64Array,
  k: number,
  rng: Rng,
  trials = 2 + Math.floor(Math.log(k)),
): Float64Array {
  const centres = new Float64Array(k * d);
  const closest = new Float64Array(n);
  const members: Int32Array[] = [];
  const memberCount = new Int32Array(k);
  const clusterPot = new Float64Array(k);
  const clusterMax2 = new Float64Array(k); // largest squared distance within a cluster
  const centreDist = new Float64Array(k); // d(c_j, y) for the candidate being weighed

  const first = pickWeighted(weights, n, sum(weights, n), rng);
  copyRow(points, first, centres, 0, d);
  const all = new Int32Array(n);
  let pot0 = 0;
  let max0 = 0;
  for (let i = 0; i < n; i++) {
    all[i] = i;
    const c = dist2(points, i, centres, 0, d);
    closest[i] = c;
    pot0 += weights[i] * c;
    if (c > max0) max0 = c;
  }
  members.push(all);
  memberCount[0] = n;
  clusterPot[0] = pot0;
  clusterMax2[0] = max0;

  const candidates = new Int32Array(trials);
  let chosen = 1;
  for (; chosen < k; chosen++) {
    let total = 0;
    for (let j = 0; j < chosen; j++) total += clusterPot[j];
    if (!(total > 0)) break; // every point is on a centre: no more distinct points

    for (let t = 0; t < trials; t++) candidates[t] = sampleByPotential(total, rng);

    let bestCandidate = candidates[0];
    let bestGain = -1;
    for (let t = 0; t < trials; t++) {
      const y = candidates[t];
      measureCentres(y);
      let gain = 0;
      for (let j = 0; j < chosen; j++) {
        const half2 = centreDist[j] * centreDist[j] * 0.25;
        if (clusterMax2[j] <= half2) continue;
        const list = members[j];
        for (let m = 0, count = memberCount[j]; m < count; m++) {
          const x = list[m];
          const cx = closest[x];
          if (cx <= half2) continue;
          const dy = dist2(points, x, points, y, d);
          if (dy < cx) gain += weights[x] * (cx - dy);
        }
      }
      if (gain > bestGain) {
        bestGain = gain;
        bestCandidate = y;
      }
    }

    // Add the winner as centre `chosen` and move the points it takes.
    const y = bestCandidate;
    copyRow(points, y, centres, chosen, d);
    measureCentres(y);
    let newList: Int32Array = new Int32Array(16);
    let newCount = 0;
    let newPot = 0;
    let newMax = 0;
    for (let j = 0; j < chosen; j++) {
      const half2 = centreDist[j] * centreDist[j] * 0.25;
      if (clusterMax2[j] <= half2) continue;
      const list = members[j];
      let keep = 0;
      let pot = 0;
      let max = 0;
      for (let m = 0, count = memberCount[j]; m < count; m++) {
        const x = list[m];
        const cx = closest[x];
        const dy = cx <= half2 ? Infinity : dist2(points, x, points, y, d);
        if (dy < cx) {
          closest[x] = dy;
          if (newCount === newList.length) newList = grow(newList);
          newList[newCount++] = x;
          newPot += weights[x] * dy;
          if (dy > newMax) newMax = dy;
        } else {
          list[keep++] = x;
          pot += weights[x] * cx;
          if (cx > max) max = cx;
        }
      }
      memberCount[j] = keep;
      clusterPot[j] = pot;
      clusterMax2[j] = max;
    }
    members.push(newList);
    memberCount[chosen] = newCount;
    clusterPot[chosen] = newPot;
    clusterMax2[chosen] = newMax;
  }
  return chosen === k ? centres : centres.slice(0, chosen * d);

  function measureCentres(y: number): void {
    for (let j = 0; j < chosen; j++) centreDist[j] = Math.sqrt(dist2(centres, j, points, y, d));
  }

  /** Draws a point with probability weight × closest, by cluster first, then within it. */
  function sampleByPotential(total: number, random: Rng): number {
    let target = random() * total;
    let cluster = -1;
    for (let j = 0; j < chosen; j++) {
      if (clusterPot[j] <= 0) continue;
      cluster = j;
      if (target < clusterPot[j]) break;
      target -= clusterPot[j];
    }
    const list = members[cluster];
    let acc = 0;
    let last = list[0];
    for (let m = 0, count = memberCount[cluster]; m < count; m++) {
      const x = list[m];
      const mass = weights[x] * closest[x];
      if (mass <= 0) continue;
      acc += mass;
      last = x;
      if (target < acc) return x;
    }
    return last;
  }
}

/**
 * Random initialisation: K distinct points drawn without replacement, with probability
 * proportional to their weights (Efraimidis–Spirakis keys), skipping points equal to one chosen.
 */
export function initRandom(
  points: Float64Array,
  n: number,
  d: number,
  weights: Float64Array,
  k: number,
  rng: Rng,
): Float64Array {
  const keys = new Float64Array(n);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    order[i] = i;
    // log(u) / w sorts like u^(1/w): larger first; zero weights last.
    keys[i] = weights[i] > 0 ? Math.log(1 - rng()) / weights[i] : -Infinity;
  }
  order.sort((a, b) => keys[b] - keys[a] || a - b);
  const centres = new Float64Array(k * d);
  const seen = new Set<string>();
  let chosen = 0;
  for (let t = 0; t < n && chosen < k; t++) {
    const i = order[t];
    if (!(weights[i] > 0)) break;
    const key = Array.prototype.join.call(points.subarray(i * d, i * d + d), ',');
    if (seen.has(key)) continue;
    seen.add(key);
    copyRow(points, i, centres, chosen++, d);
  }
  return chosen === k ? centres : centres.slice(0, chosen * d);
}

function sum(values: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += values[i];
  return s;
}

function copyRow(from: Float64Array, i: number, to: Float64Array, j: number, d: number): void {
  for (let t = 0; t < d; t++) to[j * d + t] = from[i * d + t];
}

function grow(list: Int32Array): Int32Array {
  const bigger = new Int32Array(list.length * 2);
  bigger.set(list);
  return bigger;
}
