// The indexed PNG encoder: what it writes decodes to exactly the palette and indices it was given.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { bitDepthFor, encodeIndexedPng } from '../src/io/png.js';
import { makeRng } from '../src/core/rng.js';

function randomIndexed(colours: number, width: number, height: number, alpha: boolean) {
  const rng = makeRng(colours);
  const palette = new Uint8Array(colours * 4);
  for (let i = 0; i < palette.length; i++) palette[i] = Math.floor(rng() * 256);
  for (let j = 0; j < colours; j++) palette[j * 4 + 3] = alpha && j % 3 === 0 ? Math.floor(rng() * 255) : 255;
  const indices = new Uint8Array(width * height);
  for (let p = 0; p < indices.length; p++) indices[p] = Math.floor(rng() * colours);
  return { width, height, palette, indices };
}

describe('encodeIndexedPng', () => {
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

  it("refuses more than 256 colours", async () => {
    await expect(encodeIndexedPng({ width: 1, height: 1, palette: new Uint8Array(257 * 4), indices: new Uint8Array(1) })).rejects.toThrow(/256/);
  });
});
