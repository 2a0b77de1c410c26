// PNG scanlines of an indexed image: indices relabelled by a palette order, packed at a bit depth,
// and filtered; and the filtered rows of a truecolour image (the baseline PNG). Pure and
// synchronous; the encoder (png.ts) decides which of these to try.
//
// Packing and the filters that predict run in WebAssembly (wasm/png-rows.wat; `kernel` 'wasm', the
// default), the same bytes as the TypeScript loops here ('js'), which stay as the reference and
// the fallback. They run a few times an image, mostly before V8 has optimised the loops: packing
// and four filtered candidates of china.jpg at K = 256 took about 20 ms in TypeScript in a fresh
// process.
import { Arena, type Kernel } from '../core/wasm.js';
import { WASM_BASE64 } from './wasm/png-rows.generated.js';

/** Packed rows: `height` rows of `rowBytes` each, after one row of zeros (the "previous row" of the first). */
export interface PackedRows {
  rows: Uint8Array;
  rowBytes: number;
  height: number;
  /** Bytes a pixel, how far back the filters' left byte is: 1 for indexed rows (the default), 3 or 4 for RGB(A). */
  bytesPerPixel?: number;
}

/**
 * Relabels `indices` through `order` (order[old index] = new index; none: as they are) and packs
 * them into scanlines of `depth` bits a pixel, the first pixel in the high bits of a byte.
 */
export function packRows(
  indices: Uint8Array,
  width: number,
  height: number,
  depth: number,
  order?: Uint8Array,
  kernel: Kernel = 'wasm',
): PackedRows {
  const perByte = 8 / depth;
  const rowBytes = Math.ceil(width / perByte);
  const map = order ?? Uint8Array.from({ length: 256 }, (_, i) => i);
  const pixels = width * height;
  const arena = new Arena(Arena.size(pixels, 256, rowBytes * (height + 1)), WASM_BASE64, kernel);
  const pack = arena.exports?.pack;
  if (pack) {
    const indicesIn = arena.u8(pixels);
    indicesIn.set(indices.subarray(0, pixels));
    const mapIn = arena.u8(256);
    mapIn.set(map.subarray(0, 256));
    const rowsOut = arena.u8(rowBytes * (height + 1));
    pack(indicesIn.byteOffset, width, height, depth, mapIn.byteOffset, rowsOut.byteOffset, rowBytes);
    // A copy, so that the arena's memory can go to the next arena.
    const packed = { rows: rowsOut.slice(), rowBytes, height };
    arena.release();
    return packed;
  }
  const rows = new Uint8Array(rowBytes * (height + 1));
  for (let y = 0; y < height; y++) {
    let src = y * width;
    let dst = (y + 1) * rowBytes;
    if (depth === 8) {
      for (const end = src + width; src < end; src++, dst++) rows[dst] = map[indices[src]];
      continue;
    }
    for (let x = 0; x < width; x += perByte, dst++) {
      let byte = 0;
      for (let j = 0; j < perByte; j++) byte = (byte << depth) | (x + j < width ? map[indices[src + j]] : 0);
      rows[dst] = byte;
      src += perByte;
    }
  }
  return { rows, rowBytes, height };
}

/**
 * Adler-32 of `data` (RFC 1950), the checksum of a zlib stream. The TypeScript loop reduces every
 * 2048 bytes: the sums then stay int32 (b below 65521 + 2048 · (65521 + 2048 · 255) < 2^31),
 * which V8 keeps in registers. (It runs once an image, before V8 has optimised it: 3 ms on
 * china.jpg's 8-bit rows in a fresh process, against 0.3 in WebAssembly.)
 */
export function adler32(data: Uint8Array, kernel: Kernel = 'wasm'): number {
  const arena = new Arena(Arena.size(data.length), WASM_BASE64, kernel);
  const compiled = arena.exports?.adler32;
  if (compiled) {
    const dataIn = arena.u8(data.length);
    dataIn.set(data);
    const sum = compiled(dataIn.byteOffset, data.length) >>> 0;
    arena.release();
    return sum;
  }
  let a = 1;
  let b = 0;
  const RUN = 2048;
  for (let start = 0; start < data.length; start += RUN) {
    const end = Math.min(start + RUN, data.length);
    for (let i = start; i < end; i++) {
      a = (a + data[i]) | 0;
      b = (b + a) | 0;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/**
 * How often each pair of the `n` indices touches in the image (`counts[a·n + b]`: a pixel a with
 * b to its left, and again for b above it) and how often each occurs (`frequency`).
 */
export function adjacencyCounts(indices: Uint8Array, width: number, n: number, kernel: Kernel = 'wasm'): { counts: Uint32Array; frequency: Uint32Array } {
  const pixels = indices.length;
  const arena = new Arena(Arena.size(pixels, 4 * n * n, 4 * n), WASM_BASE64, kernel);
  const compiled = arena.exports?.adjacency;
  if (compiled) {
    const indicesIn = arena.u8(pixels);
    indicesIn.set(indices);
    const counts = arena.u32(n * n);
    const frequency = arena.u32(n);
    compiled(indicesIn.byteOffset, width, pixels, n, counts.byteOffset, frequency.byteOffset);
    // Copies, so that the arena's memory can go to the next arena.
    const result = { counts: counts.slice(), frequency: frequency.slice() };
    arena.release();
    return result;
  }
  const counts = new Uint32Array(n * n);
  const frequency = new Uint32Array(n);
  for (let row = 0; row < pixels; row += width) {
    for (let p = row; p < row + width; p++) {
      const a = indices[p];
      frequency[a]++;
      if (p > row) counts[a * n + indices[p - 1]]++;
      if (p >= width) counts[a * n + indices[p - width]]++;
    }
  }
  return { counts, frequency };
}

/**
 * The greedy chain of palette-order.ts in the kernel, or undefined where it does not run: through
 * all n colours from `first`, each next colour the unused one of least cost from the last (the
 * lowest index on ties), the cost the squared RGBA distance of the `palette`'s colours or, with
 * `counts` (adjacencyCounts'), minus how often the two touch either way round. Returns the chain.
 */
export function compiledChain(
  n: number,
  first: number,
  costs: { palette: Uint8Array } | { counts: Uint32Array },
  kernel: Kernel = 'wasm',
): Uint8Array | undefined {
  const inputBytes = 'palette' in costs ? 4 * n : 4 * n * n;
  const arena = new Arena(Arena.size(inputBytes, 4 * n * n, n, n), WASM_BASE64, kernel);
  const exports = arena.exports;
  if (!exports) return undefined;
  const matrix = arena.u8(inputBytes);
  const costMatrix = arena.i32(n * n);
  if ('palette' in costs) {
    matrix.set(costs.palette.subarray(0, 4 * n));
    exports.colourCosts(n, matrix.byteOffset, costMatrix.byteOffset);
  } else {
    matrix.set(new Uint8Array(costs.counts.buffer, costs.counts.byteOffset, 4 * n * n));
    exports.touchCosts(n, matrix.byteOffset, costMatrix.byteOffset);
  }
  const used = arena.u8(n);
  const chain = arena.u8(n);
  exports.chain(n, costMatrix.byteOffset, first, used.byteOffset, chain.byteOffset);
  const result = chain.slice();
  arena.release();
  return result;
}

/** Row filter choice: one PNG filter type for every row, or per row by libpng's minimum-sum heuristic. */
export type FilterMode = 0 | 1 | 2 | 3 | 4 | 'adaptive';

/** The Paeth predictor of the byte with `a` to its left, `b` above and `c` above-left. */
export function paeth(a: number, b: number, c: number): number {
  const pa = Math.abs(b - c);
  const pb = Math.abs(a - c);
  const pc = Math.abs(a + b - 2 * c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** A filtered byte as a signed magnitude, libpng's measure of how well a filter predicts (a table: no branch to mispredict). */
const MAGNITUDE = Uint8Array.from({ length: 256 }, (_, v) => (v < 128 ? v : 256 - v));

/**
 * The filter type whose output has the smallest sum of magnitudes on the row at `cur` (the row
 * above at `prev`), the lowest type on ties: all five sums in one pass, nothing written. The
 * byte to the left is the previous pixel's (`bpp` bytes back), zero in the first pixel.
 */
function bestFilter(rows: Uint8Array, cur: number, prev: number, n: number, bpp: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  let a = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const x = rows[cur + i];
    const b = rows[prev + i];
    if (i >= bpp) {
      a = rows[cur + i - bpp];
      c = rows[prev + i - bpp];
    }
    s0 += MAGNITUDE[x];
    s1 += MAGNITUDE[(x - a) & 255];
    s2 += MAGNITUDE[(x - b) & 255];
    s3 += MAGNITUDE[(x - ((a + b) >> 1)) & 255];
    s4 += MAGNITUDE[(x - paeth(a, b, c)) & 255];
  }
  const sums = [s0, s1, s2, s3, s4];
  let best = 0;
  for (let type = 1; type < 5; type++) if (sums[type] < sums[best]) best = type;
  return best;
}

/** Writes the row at `cur` filtered with `type` to `out` at `at` (see bestFilter for the neighbours). */
function filterRow(type: number, rows: Uint8Array, cur: number, prev: number, n: number, bpp: number, out: Uint8Array, at: number): void {
  const first = Math.min(bpp, n);
  switch (type) {
    case 0:
      out.set(rows.subarray(cur, cur + n), at);
      break;
    case 1:
      for (let i = 0; i < first; i++) out[at + i] = rows[cur + i];
      for (let i = bpp; i < n; i++) out[at + i] = rows[cur + i] - rows[cur + i - bpp];
      break;
    case 2:
      for (let i = 0; i < n; i++) out[at + i] = rows[cur + i] - rows[prev + i];
      break;
    case 3:
      for (let i = 0; i < first; i++) out[at + i] = rows[cur + i] - (rows[prev + i] >> 1);
      for (let i = bpp; i < n; i++) out[at + i] = rows[cur + i] - ((rows[cur + i - bpp] + rows[prev + i]) >> 1);
      break;
    default:
      for (let i = 0; i < first; i++) out[at + i] = rows[cur + i] - rows[prev + i];
      for (let i = bpp; i < n; i++) out[at + i] = rows[cur + i] - paeth(rows[cur + i - bpp], rows[prev + i], rows[prev + i - bpp]);
  }
}

/** PNG scanlines: each row's filter type byte, then the row filtered. */
export function filterRows({ rows, rowBytes, height, bytesPerPixel: bpp = 1 }: PackedRows, mode: FilterMode, kernel: Kernel = 'wasm'): Buffer {
  // Filter None is copies (native already).
  if (mode !== 0) {
    const arena = new Arena(Arena.size(rows.length, (rowBytes + 1) * height), WASM_BASE64, kernel);
    const filter = arena.exports?.filter;
    if (filter) {
      const rowsIn = arena.u8(rows.length);
      rowsIn.set(rows);
      const filtered = arena.u8((rowBytes + 1) * height);
      filter(mode === 'adaptive' ? 5 : mode, rowsIn.byteOffset, rowBytes, height, bpp, filtered.byteOffset);
      const scanlines = Buffer.from(filtered);
      arena.release();
      return scanlines;
    }
  }
  const out = Buffer.allocUnsafe((rowBytes + 1) * height);
  for (let y = 0; y < height; y++) {
    const prev = y * rowBytes;
    const cur = prev + rowBytes;
    const at = y * (rowBytes + 1);
    const type = mode === 'adaptive' ? bestFilter(rows, cur, prev, rowBytes, bpp) : mode;
    out[at] = type;
    filterRow(type, rows, cur, prev, rowBytes, bpp, out, at + 1);
  }
  return out;
}
