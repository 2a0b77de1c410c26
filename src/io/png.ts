// Indexed PNG encoder: writes exactly the colours it is given, at the bit depth, palette order, row
// filters and deflate settings that make the file smallest among a few cheap trials.
//
// sharp's palette output re-quantizes with libimagequant and picks its own palette order; writing
// the chunks here keeps the k-means palette bit for bit and lets us choose what makes the file small,
// measured against pngquant (see encodeIndexedPng).
import { promisify } from 'node:util';
import { crc32, deflate, constants } from 'node:zlib';
import { adjacencyChainOrder, colourChainOrder, luminanceOrder, reorderPalette } from './palette-order.js';
import { filterRows, packRows, type FilterMode } from './png-rows.js';

const deflateAsync = promisify(deflate);

export interface IndexedImage {
  width: number;
  height: number;
  /** Palette, RGBA, 4 bytes a colour, at most 256 colours. */
  palette: Uint8Array;
  /** Palette index of each pixel, row-major. */
  indices: Uint8Array;
}

const SIGNATURE = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** Smallest PNG bit depth that holds `colours` palette entries. */
export function bitDepthFor(colours: number): 1 | 2 | 4 | 8 {
  if (colours <= 2) return 1;
  if (colours <= 4) return 2;
  if (colours <= 16) return 4;
  return 8;
}

// zlib's level 9 follows long match chains: on big, repetitive index data it is 6× slower than
// level 6 for 6% fewer bytes (24 MP: 7.0 s against 1.1 s), while below a few megabytes it costs
// little. Above this many raw bytes, one trial at level 6.
const EXHAUSTIVE_BELOW_BYTES = 4 << 20;

interface Candidate {
  palette: Uint8Array;
  depth: number;
  raw: Buffer;
}

// Filters worth a trial on an ordered palette, by bit depth (measured: on packed rows Up wins and
// Sub/Paeth never did; on 8-bit rows Up never won).
const FILTERS: Record<number, FilterMode[]> = { 1: [2], 2: [2], 4: [2], 8: [1, 4, 'adaptive'] };

/**
 * Encodes an indexed PNG with PLTE (and tRNS when any colour is not opaque): the same RGBA pixels,
 * as small as a few cheap trials make them (measured on china.jpg and flower.jpg at K = 2..256,
 * 1.7% fewer bytes in all than one palette order with filter None, and faster):
 * - Filter None at the packed depth and at 8 bits, palette darkest first: with None the order
 *   hardly matters to deflate (relabelling keeps every repeat), but at 1 bit the common colour's
 *   zero bytes then join each row's filter byte 0 (china K=2: 1.8% smaller). Packing is not always
 *   smaller (deflate matches whole bytes), hence both depths.
 * - Filter Up (packed) or Sub, Paeth and per-row adaptive (8 bits) at the packed depth, the palette
 *   ordered so that colours that touch get close indices (a chain by adjacency in the image, and
 *   one through colour space): 2-5% smaller at K ≥ 64 and on flower.jpg at K = 8, 16.
 * - Every candidate is ranked by a level-1 deflate (a few ms); the first gets level 8 with the
 *   default and the filtered strategies, and every candidate gets the RLE strategy (1-3 ms, and it
 *   sometimes wins on filtered rows). Level 9 would save 0.2-0.5% more at twice the time (flower.jpg
 *   at K = 256: 0.36 s instead of 0.19 s of CPU), which the speed targets cannot spare. All run on zlib's threads; the smallest wins, ties by the
 *   fixed trial order, so the bytes never depend on thread timing.
 */
const FINAL_LEVEL = 8;

export async function encodeIndexedPng(image: IndexedImage): Promise<Buffer> {
  const colours = image.palette.length / 4;
  if (colours < 1 || colours > 256) throw new RangeError(`an indexed PNG holds 1 to 256 colours, not ${colours}`);
  const { width, height } = image;
  const packed = bitDepthFor(colours);
  if (width * height > EXHAUSTIVE_BELOW_BYTES) {
    const raw = filterRows(packRows(image.indices, width, height, packed), 0);
    const idat = await deflateAsync(raw, { level: 6, memLevel: 9 });
    return assemble(width, height, packed, image.palette, idat);
  }
  const depths = [...new Set([packed, 8])];
  const candidate = (order: Uint8Array, depth: number, filter: FilterMode): Candidate => {
    const rows = packRows(image.indices, width, height, depth, order);
    return { palette: reorderPalette(image.palette, order), depth, raw: filterRows(rows, filter) };
  };
  const darkFirst = luminanceOrder(image.palette);
  const candidates = depths.map((depth) => candidate(darkFirst, depth, 0));
  if (colours > 2) {
    const orders = [adjacencyChainOrder(image.palette, image.indices, width), colourChainOrder(image.palette)];
    for (const order of orders) for (const filter of FILTERS[packed]) candidates.push(candidate(order, packed, filter));
  }
  const quick = await Promise.all(candidates.map((c) => deflateAsync(c.raw, { level: 1, memLevel: 9 })));
  let front = 0;
  for (let i = 1; i < quick.length; i++) if (quick[i].length < quick[front].length) front = i;
  const trials = [
    ...[constants.Z_DEFAULT_STRATEGY, constants.Z_FILTERED].map((strategy) => ({ c: candidates[front], strategy })),
    ...candidates.map((c) => ({ c, strategy: constants.Z_RLE })),
  ];
  const idats = await Promise.all(
    trials.map((t) => deflateAsync(t.c.raw, { level: t.strategy === constants.Z_RLE ? 9 : FINAL_LEVEL, memLevel: 9, strategy: t.strategy })),
  );
  let best = 0;
  for (let i = 1; i < idats.length; i++) if (idats[i].length < idats[best].length) best = i;
  const { c } = trials[best];
  return assemble(width, height, c.depth, c.palette, idats[best]);
}

function assemble(width: number, height: number, depth: number, palette: Uint8Array, idat: Buffer): Buffer {
  const colours = palette.length / 4;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = depth;
  ihdr[9] = 3; // colour type: palette
  ihdr[10] = 0;
  ihdr[11] = 0;
  ihdr[12] = 0;
  const plte = Buffer.alloc(colours * 3);
  let lastTranslucent = -1;
  for (let i = 0; i < colours; i++) {
    plte[i * 3] = palette[i * 4];
    plte[i * 3 + 1] = palette[i * 4 + 1];
    plte[i * 3 + 2] = palette[i * 4 + 2];
    if (palette[i * 4 + 3] !== 255) lastTranslucent = i;
  }
  const parts = [SIGNATURE, chunk('IHDR', ihdr), chunk('PLTE', plte)];
  if (lastTranslucent >= 0) {
    const trns = Buffer.alloc(lastTranslucent + 1);
    for (let i = 0; i <= lastTranslucent; i++) trns[i] = palette[i * 4 + 3];
    parts.push(chunk('tRNS', trns));
  }
  parts.push(chunk('IDAT', idat), chunk('IEND', new Uint8Array(0)));
  return Buffer.concat(parts);
}
