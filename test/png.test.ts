// The indexed PNG encoder: what it writes decodes to exactly the palette and indices it was given.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { bitDepthFor, encodeIndexedPng, encodeQuantizedTruecolourPng } from '../src/io/png.js';
import { makeRng } from '../src/core/rng.js';
import { libdeflateZlib } from '../src/io/libdeflate.js';
import { filterRows, packRows } from '../src/io/png-rows.js';
import { adjacencyChainOrder, colourChainOrder, luminanceOrder, reorderPalette } from '../src/io/palette-order.js';
import { deflateSync, inflateSync } from 'node:zlib';

function randomIndexed(colours: number, width: number, height: number, alpha: boolean) {
  const rng = makeRng(colours);
  const palette = new Uint8Array(colours * 4);
  for (let i = 0; i < palette.length; i++) palette[i] = Math.floor(rng() * 256);
  for (let j = 0; j < colours; j++) palette[j * 4 + 3] = alpha && j % 3 === 0 ? Math.floor(rng() * 255) : 255;
  const indices = new Uint8Array(width * height);
  for (let p = 0; p < indices.length; p++) indices[p] = Math.floor(rng() * colours);
  return { width, height, palette, indices };
}

/** A smooth image: a shuffled palette of `colours` greys-to-blues and indices following a 2-D gradient with noise, so ordered palettes and filters win. */
function gradientIndexed(colours: number, width: number, height: number, alpha: boolean) {
  const rng = makeRng(colours + 1000);
  const shuffle = Array.from({ length: colours }, (_, i) => i);
  for (let i = colours - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [shuffle[i], shuffle[j]] = [shuffle[j], shuffle[i]];
  }
  const palette = new Uint8Array(colours * 4);
  for (let level = 0; level < colours; level++) {
    const slot = shuffle[level] * 4;
    const v = Math.round((level * 255) / Math.max(1, colours - 1));
    palette.set([v, v, 255 - (v >> 1), alpha && level % 5 === 0 ? 128 : 255], slot);
  }
  const indices = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const t = (x + y) / (width + height - 2) + (rng() - 0.5) * 0.05;
      const level = Math.min(colours - 1, Math.max(0, Math.round(t * (colours - 1))));
      indices[y * width + x] = shuffle[level];
    }
  }
  return { width, height, palette, indices };
}

async function expectSamePixels(png: Buffer, image: { width: number; height: number; palette: Uint8Array; indices: Uint8Array }) {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  expect([info.width, info.height]).toEqual([image.width, image.height]);
  const expected = Buffer.alloc(image.indices.length * 4);
  for (let p = 0; p < image.indices.length; p++) expected.set(image.palette.subarray(image.indices[p] * 4, image.indices[p] * 4 + 4), p * 4);
  expect(Buffer.compare(data, expected)).toBe(0);
}


function isPermutation(order: Uint8Array, n: number): boolean {
  return order.length === n && new Set(order).size === n && Math.max(...order) === n - 1;
}

describe('palette orders', () => {
  const image = gradientIndexed(40, 50, 30, false);
  const n = image.palette.length / 4;
  it.each([
    ['luminance', () => luminanceOrder(image.palette)],
    ['colour chain', () => colourChainOrder(image.palette)],
    ['adjacency chain', () => adjacencyChainOrder(image.palette, image.indices, image.width)],
  ])('%s is a permutation, and reordering keeps every pixel', (_name, make) => {
    const order = make();
    expect(isPermutation(order, n)).toBe(true);
    const palette = reorderPalette(image.palette, order);
    for (let p = 0; p < image.indices.length; p++) {
      const index = order[image.indices[p]];
      expect(Array.from(palette.subarray(index * 4, index * 4 + 4))).toEqual(
        Array.from(image.palette.subarray(image.indices[p] * 4, image.indices[p] * 4 + 4)),
      );
    }
  });

  it('luminance puts the darkest colour first; the chains join the gradient neighbours', () => {
    const lum = luminanceOrder(image.palette);
    const darkest = Array.from({ length: n }, (_, i) => i).find((i) => lum[i] === 0)!;
    expect(image.palette[darkest * 4]).toBe(0);
    // On a 1-D gradient, colours that touch in the image are adjacent levels: a good chain puts
    // them a few indices apart, where the shuffled palette puts them far apart on average.
    const spread = (order: Uint8Array) => {
      let total = 0;
      let count = 0;
      for (let p = 1; p < image.indices.length; p++) {
        if (p % image.width === 0 || image.indices[p] === image.indices[p - 1]) continue;
        total += Math.abs(order[image.indices[p]] - order[image.indices[p - 1]]);
        count++;
      }
      return total / count;
    };
    const identity = Uint8Array.from({ length: n }, (_, i) => i);
    expect(spread(adjacencyChainOrder(image.palette, image.indices, image.width))).toBeLessThan(spread(identity) / 4);
    expect(spread(colourChainOrder(image.palette))).toBeLessThan(spread(identity) / 4);
  });
});

describe('palette chains in WebAssembly against their TypeScript loops', () => {
  it.each([
    [30, 40, 50, false],
    [256, 64, 48, true],
    [17, 9, 3, false],
    [5, 5, 1, false],
  ] as const)('%i colours on %i×%i (alpha %s): the same orders', (colours, width, height, alpha) => {
    const image = gradientIndexed(colours, width, height, alpha);
    expect(colourChainOrder(image.palette, 'wasm')).toEqual(colourChainOrder(image.palette, 'js'));
    expect(adjacencyChainOrder(image.palette, image.indices, image.width, 'wasm')).toEqual(
      adjacencyChainOrder(image.palette, image.indices, image.width, 'js'),
    );
  });

  it('with ties everywhere (a palette of one grey, an image of one colour): the lowest index first', () => {
    const palette = new Uint8Array(4 * 20).fill(128);
    const indices = new Uint8Array(30 * 10);
    for (const kernel of ['wasm', 'js'] as const) {
      expect(Array.from(colourChainOrder(palette, kernel))).toEqual(Array.from({ length: 20 }, (_, i) => i));
      expect(Array.from(adjacencyChainOrder(palette, indices, 30, kernel))).toEqual(Array.from({ length: 20 }, (_, i) => i));
    }
  });
});

/** The IDAT data of a PNG, joined. */
function idatOf(png: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    if (png.toString('latin1', at + 4, at + 8) === 'IDAT') parts.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  return Buffer.concat(parts);
}

/** The filter type byte of each scanline of an indexed PNG (`lineBytes` = 1 + packed row bytes). */
function filterTypes(png: Buffer, lineBytes: number): Set<number> {
  const raw = inflateSync(idatOf(png));
  const types = new Set<number>();
  for (let at = 0; at < raw.length; at += lineBytes) types.add(raw[at]);
  return types;
}

describe('encodeIndexedPng', () => {
  it.each([3, 12, 40, 200])('a smooth %i-colour image: same pixels, same bytes twice', async (colours) => {
    for (const alpha of [false, true]) {
      const image = gradientIndexed(colours, 97, 41, alpha);
      const png = await encodeIndexedPng(image);
      await expectSamePixels(png, image);
      expect(Buffer.compare(await encodeIndexedPng(image), png)).toBe(0);
    }
  });

  it('a smooth, noisy image is written with filters, at least 20% smaller than its shuffled palette with filter None', async () => {
    const image = gradientIndexed(200, 300, 200, false);
    const png = await encodeIndexedPng(image);
    // the palette as given, filter None, level 9
    const raw = Buffer.alloc((image.width + 1) * image.height);
    for (let y = 0; y < image.height; y++) raw.set(image.indices.subarray(y * image.width, (y + 1) * image.width), y * (image.width + 1) + 1);
    const plainIdat = deflateSync(raw, { level: 9, memLevel: 9 }).length;
    const overhead = 8 + 25 + 12 + 200 * 3 + 12 + 12;
    expect(png.length - overhead).toBeLessThan(plainIdat * 0.8);
    // The filtered candidate won: some rows are not None.
    expect([...filterTypes(png, image.width + 1)].some((type) => type !== 0)).toBe(true);
  });

  it("a smooth, noisy image whose colours luminance does not order: the adjacency chain's filtered rows win", async () => {
    const image = gradientIndexed(200, 300, 200, false);
    // Random colours: which colours touch follows the gradient, not their luminance.
    const rng = makeRng(5);
    for (let i = 0; i < 200; i++) image.palette.set([Math.floor(rng() * 256), Math.floor(rng() * 256), Math.floor(rng() * 256)], i * 4);
    const png = await encodeIndexedPng(image);
    await expectSamePixels(png, image);
    expect([...filterTypes(png, image.width + 1)].some((type) => type !== 0)).toBe(true);
    // Against the other candidate, filter None on the darkest-first palette (14% smaller here).
    const none = libdeflateZlib(filterRows(packRows(image.indices, image.width, image.height, 8, luminanceOrder(image.palette)), 0), 11)!;
    expect(idatOf(png).length).toBeLessThan(none.length * 0.9);
  });

  it('a photo quantized to 16 and 256 colours is written with filter None at level 11, smaller than zlib at level 9 on the same rows', async () => {
    const { data, info } = await sharp(new URL('../fixtures/china.jpg', import.meta.url).pathname).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    for (const colours of [16, 256]) {
      // A palette of the first colours met, each pixel its nearest by a cheap rule: photo-like rows.
      const palette = new Uint8Array(colours * 4).fill(255);
      for (let i = 0; i < colours; i++) palette.set(data.subarray(i * 997 * 3, i * 997 * 3 + 3), i * 4);
      const indices = new Uint8Array(info.width * info.height);
      for (let p = 0; p < indices.length; p++) {
        let best = 0;
        let bestD = Infinity;
        for (let i = 0; i < colours; i++) {
          const d = (data[p * 3] - palette[i * 4]) ** 2 + (data[p * 3 + 1] - palette[i * 4 + 1]) ** 2 + (data[p * 3 + 2] - palette[i * 4 + 2]) ** 2;
          if (d < bestD) [best, bestD] = [i, d];
        }
        indices[p] = best;
      }
      const image = { width: info.width, height: info.height, palette, indices };
      const png = await encodeIndexedPng(image);
      await expectSamePixels(png, image);
      const depth = bitDepthFor(colours);
      const lineBytes = 1 + Math.ceil((info.width * depth) / 8);
      expect([...filterTypes(png, lineBytes)]).toEqual([0]);
      const zlib9 = deflateSync(inflateSync(idatOf(png)), { level: 9, memLevel: 9 }).length;
      expect(idatOf(png).length).toBeLessThan(zlib9 * 0.98);
      // libdeflate's level 11, with 2 optimisation passes on 8-bit rows and all 4 on packed rows.
      const passes = depth === 8 ? 2 : undefined;
      expect(Buffer.compare(idatOf(png), libdeflateZlib(inflateSync(idatOf(png)), 11, passes)!)).toBe(0);
    }
  });

  it.each([
    [2, 1],
    [3, 2],
    [4, 2],
    [16, 4],
    [17, 8],
    [256, 8],
  ])('%i colours: bit depth %i, decodes bit-exact', async (colours, depth) => {
    expect(bitDepthFor(colours)).toBe(depth);
    for (const alpha of [false, true]) {
      // Odd widths exercise the padding of packed rows.
      const image = randomIndexed(colours, 13, 7, alpha);
      const png = await encodeIndexedPng(image);
      const meta = await sharp(png).metadata();
      expect(meta.isPalette).toBe(true);
      expect([depth, 8]).toContain(meta.bitsPerSample);
      const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      expect(info.width).toBe(13);
      for (let p = 0; p < image.indices.length; p++) {
        const c = image.indices[p] * 4;
        expect(Array.from(data.subarray(p * 4, p * 4 + 4))).toEqual(Array.from(image.palette.subarray(c, c + 4)));
      }
    }
  });

  it('an image above 4 MP (zlib in parts, filter None) decodes bit-exact, the same bytes twice', async () => {
    const image = gradientIndexed(200, 2100, 2001, false);
    const png = await encodeIndexedPng(image);
    await expectSamePixels(png, image);
    expect(Buffer.compare(await encodeIndexedPng(image), png)).toBe(0);
  });

  it("refuses more than 256 colours", async () => {
    await expect(encodeIndexedPng({ width: 1, height: 1, palette: new Uint8Array(257 * 4), indices: new Uint8Array(1) })).rejects.toThrow(/256/);
  });
});

describe('encodeQuantizedTruecolourPng', () => {
  /** china.jpg with its low bits cleared: a photo of up to 2,048 colours, RGB or RGBA. */
  async function fewBitsChina(channels: 3 | 4) {
    const { data, info } = await sharp(new URL('../fixtures/china.jpg', import.meta.url).pathname).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const pixels = Buffer.alloc(info.width * info.height * channels);
    for (let p = 0; p < info.width * info.height; p++) {
      pixels.set([data[p * 3] & 0xf0, data[p * 3 + 1] & 0xf0, data[p * 3 + 2] & 0xe0], p * channels);
      if (channels === 4) pixels[p * 4 + 3] = p % 7 === 0 ? 128 : 255;
    }
    return { pixels, width: info.width, height: info.height };
  }

  it.each([3, 4] as const)('%i channels: decodes bit-exact, the same bytes twice, every row filter None', async (channels) => {
    const { pixels, width, height } = await fewBitsChina(channels);
    const png = encodeQuantizedTruecolourPng(pixels, width, height, channels)!;
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([width, height, channels]);
    expect(Buffer.compare(data, pixels)).toBe(0);
    expect(encodeQuantizedTruecolourPng(pixels, width, height, channels)!.equals(png)).toBe(true);
    expect([...filterTypes(png, 1 + width * channels)]).toEqual([0]);
  });

  it("is smaller than sharp's PNG of the same pixels at zlib level 9 with filter None", async () => {
    const { pixels, width, height } = await fewBitsChina(3);
    const ours = encodeQuantizedTruecolourPng(pixels, width, height, 3)!;
    const sharps = await sharp(pixels, { raw: { width, height, channels: 3 } }).png({ compressionLevel: 9, adaptiveFiltering: false }).toBuffer();
    expect(ours.length).toBeLessThan(sharps.length * 0.97);
  });
});

