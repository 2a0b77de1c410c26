// PNG scanlines: packing relabels and packs exactly, and every filter mode undoes to the packed rows.
import { describe, expect, it } from 'vitest';
import { adjacencyCounts, filterRows, packRows, type FilterMode } from '../src/io/png-rows.js';
import { makeRng } from '../src/core/rng.js';

/** PNG's reconstruction (one byte a pixel or less): the scanlines back to the packed rows. */
function unfilter(raw: Uint8Array, rowBytes: number, height: number): Uint8Array {
  const rows = new Uint8Array(rowBytes * (height + 1));
  for (let y = 0; y < height; y++) {
    const type = raw[y * (rowBytes + 1)];
    const prev = y * rowBytes;
    const cur = prev + rowBytes;
    for (let i = 0; i < rowBytes; i++) {
      const x = raw[y * (rowBytes + 1) + 1 + i];
      const a = i > 0 ? rows[cur + i - 1] : 0;
      const b = rows[prev + i];
      const c = i > 0 ? rows[prev + i - 1] : 0;
      const p = a + b - c;
      const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
      const predictor = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][type];
      rows[cur + i] = x + predictor;
    }
  }
  return rows;
}

describe('packRows and filterRows', () => {
  const width = 13;
  const height = 9;
  it.each([1, 2, 4, 8])('depth %i: relabelled, packed high bits first, and every filter undoes', (depth) => {
    const rng = makeRng(depth);
    const colours = 1 << depth;
    const indices = Uint8Array.from({ length: width * height }, () => Math.floor(rng() * colours));
    const order = Uint8Array.from({ length: colours }, (_, i) => colours - 1 - i);
    const packed = packRows(indices, width, height, depth, order);
    expect(packed.rowBytes).toBe(Math.ceil((width * depth) / 8));
    expect(Array.from(packed.rows.subarray(0, packed.rowBytes))).toEqual(new Array(packed.rowBytes).fill(0));
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const byte = packed.rows[(y + 1) * packed.rowBytes + Math.floor((x * depth) / 8)];
        const shift = 8 - depth - ((x * depth) % 8);
        expect((byte >> shift) & (colours - 1)).toBe(order[indices[y * width + x]]);
      }
    }
    for (const mode of [0, 1, 2, 3, 4, 'adaptive'] as FilterMode[]) {
      const raw = filterRows(packed, mode);
      expect(raw.length).toBe((packed.rowBytes + 1) * height);
      if (mode !== 'adaptive') for (let y = 0; y < height; y++) expect(raw[y * (packed.rowBytes + 1)]).toBe(mode);
      expect(Buffer.compare(Buffer.from(unfilter(raw, packed.rowBytes, height)), Buffer.from(packed.rows))).toBe(0);
    }
  });

  it('adaptive picks the filter with the smallest sum of magnitudes: Sub on a ramp, Up under a copied row', () => {
    const ramp = Uint8Array.from({ length: 64 * 2 }, (_, p) => (p % 64) * 3);
    const raw = filterRows(packRows(ramp, 64, 2, 8), 'adaptive');
    expect(raw[0]).toBe(1); // the first row: Sub leaves 3s, the others the ramp itself
    expect(raw[65]).toBe(2); // the second repeats the first: Up leaves zeros
  });
});

describe('packRows and filterRows in WebAssembly against their TypeScript loops', () => {
  it.each([
    [1, 1, 1],
    [1, 13, 9],
    [2, 7, 5],
    [4, 31, 6],
    [8, 1, 3],
    [8, 97, 41],
  ])('depth %i, %i×%i: the same rows and scanlines in every filter mode', (depth, width, height) => {
    const rng = makeRng(`${depth}:${width}`);
    const colours = 1 << depth;
    for (const smooth of [false, true]) {
      // Noise, and a gradient (where the predictors land near zero, and the adaptive choice varies).
      const indices = Uint8Array.from({ length: width * height }, (_, p) =>
        smooth ? Math.min(colours - 1, ((p % width) + Math.floor(p / width)) % colours) : Math.floor(rng() * colours),
      );
      const order = Uint8Array.from({ length: 256 }, () => Math.floor(rng() * colours));
      for (const o of [undefined, order]) {
        const viaWasm = packRows(indices, width, height, depth, o, 'wasm');
        const viaTypeScript = packRows(indices, width, height, depth, o, 'js');
        expect(viaWasm.rowBytes).toBe(viaTypeScript.rowBytes);
        expect(Buffer.compare(Buffer.from(viaWasm.rows), Buffer.from(viaTypeScript.rows))).toBe(0);
        for (const mode of [0, 1, 2, 3, 4, 'adaptive'] as FilterMode[]) {
          expect(Buffer.compare(filterRows(viaWasm, mode, 'wasm'), filterRows(viaWasm, mode, 'js'))).toBe(0);
        }
      }
    }
  });
});

describe('adjacencyCounts', () => {
  it('counts each left and upper neighbour and each index, in WebAssembly as in TypeScript', () => {
    // 3×2: row 0 = 0 1 1, row 1 = 2 1 0.
    const small = adjacencyCounts(Uint8Array.from([0, 1, 1, 2, 1, 0]), 3, 3);
    expect(Array.from(small.frequency)).toEqual([2, 3, 1]);
    // counts[a·3 + b]: a with b to its left or above it.
    expect(Array.from(small.counts)).toEqual([
      0, 2, 0, // the last 0: 1 to its left and 1 above it
      1, 2, 1, // the 1s: 0 and 1 to their left, 1 above the lower one, 2 to its left
      1, 0, 0, // the 2: 0 above it
    ]);
    const rng = makeRng(3);
    for (const [width, height, n] of [[1, 50, 4], [37, 23, 17], [640, 40, 256]]) {
      const indices = Uint8Array.from({ length: width * height }, () => Math.floor(rng() * n));
      const wasm = adjacencyCounts(indices, width, n, 'wasm');
      const js = adjacencyCounts(indices, width, n, 'js');
      expect(wasm.counts).toEqual(js.counts);
      expect(wasm.frequency).toEqual(js.frequency);
    }
  });
});
