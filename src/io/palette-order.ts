// Palette orders for the PNG encoder. An order is a permutation: order[old index] = new index.
//
// With PNG filter None the order barely matters to deflate (relabelling symbols keeps every repeat),
// but the Sub/Up/Paeth filters predict a byte from its neighbours' bytes, so they pay only when the
// indices of colours that sit next to each other in the image are numerically close. Each order
// here is deterministic: ties break by the lower original index.
import type { Kernel } from '../core/wasm.js';
import { adjacencyCounts, compiledChain } from './png-rows.js';

function rank(chain: ArrayLike<number>): Uint8Array {
  const order = new Uint8Array(chain.length);
  for (let position = 0; position < chain.length; position++) order[chain[position]] = position;
  return order;
}

/**
 * A chain through all n colours from `first`: each next colour is the unused one that costs least
 * from the last (the lowest index on ties). Returns it as an order.
 */
function greedyChain(n: number, first: number, cost: (from: number, to: number) => number): Uint8Array {
  const used = new Uint8Array(n);
  const chain = [first];
  used[first] = 1;
  let current = first;
  while (chain.length < n) {
    let best = -1;
    let bestCost = Infinity;
    for (let j = 0; j < n; j++) {
      if (used[j]) continue;
      const c = cost(current, j);
      if (c < bestCost) {
        bestCost = c;
        best = j;
      }
    }
    chain.push(best);
    used[best] = 1;
    current = best;
  }
  return rank(chain);
}

function luminance(palette: Uint8Array, i: number): number {
  return 0.299 * palette[i * 4] + 0.587 * palette[i * 4 + 1] + 0.114 * palette[i * 4 + 2];
}

/** Colours from darkest to lightest (alpha-weighted luminance would not change a fully opaque image). */
export function luminanceOrder(palette: Uint8Array): Uint8Array {
  const n = palette.length / 4;
  const keys = Array.from({ length: n }, (_, i) => i);
  keys.sort((a, b) => luminance(palette, a) - luminance(palette, b) || palette[a * 4 + 3] - palette[b * 4 + 3] || a - b);
  return rank(keys);
}

/**
 * A nearest-neighbour chain through RGBA space from the darkest colour: similar colours get close
 * indices. (The chain is made in WebAssembly where it runs, `kernel` 'wasm', the default: a loop
 * over every pair that runs once an image, 4–7 ms on 256 colours before V8 has optimised it.)
 */
export function colourChainOrder(palette: Uint8Array, kernel: Kernel = 'wasm'): Uint8Array {
  const n = palette.length / 4;
  let current = 0;
  for (let i = 1; i < n; i++) {
    const li = luminance(palette, i);
    const lc = luminance(palette, current);
    if (li < lc) current = i;
  }
  const compiled = compiledChain(n, current, { palette }, kernel);
  if (compiled) return rank(compiled);
  return greedyChain(n, current, (from, to) => {
    let d = 0;
    for (let c = 0; c < 4; c++) d += (palette[from * 4 + c] - palette[to * 4 + c]) ** 2;
    return d;
  });
}

/**
 * A greedy chain through the image's adjacency: from the most frequent colour, each next colour is
 * the unused one that most often touches the last (left/right and up/down neighbours), so the
 * indices that meet in the image are one apart and a filter's differences are small and repeat.
 */
export function adjacencyChainOrder(palette: Uint8Array, indices: Uint8Array, width: number, kernel: Kernel = 'wasm'): Uint8Array {
  const n = palette.length / 4;
  const { counts, frequency } = adjacencyCounts(indices, width, n, kernel);
  let current = 0;
  for (let i = 1; i < n; i++) if (frequency[i] > frequency[current]) current = i;
  const compiled = compiledChain(n, current, { counts }, kernel);
  if (compiled) return rank(compiled);
  // Touching either way round; a colour touching itself is no step of the chain.
  const touching = new Uint32Array(n * n);
  for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) if (a !== b) touching[a * n + b] = counts[a * n + b] + counts[b * n + a];
  // The most touching first: the lowest cost is the highest count.
  return greedyChain(n, current, (from, to) => -touching[from * n + to]);
}

/** The palette relabelled by `order` (order[old index] = new index): colour i moves to order[i]. */
export function reorderPalette(palette: Uint8Array, order: Uint8Array): Uint8Array {
  const out = new Uint8Array(palette.length);
  for (let old = 0; old < order.length; old++) out.set(palette.subarray(old * 4, old * 4 + 4), order[old] * 4);
  return out;
}
