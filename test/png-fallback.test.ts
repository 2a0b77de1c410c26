// Where libdeflate cannot run (no WebAssembly, or its memory cannot grow), the PNG encoder falls
// back to node's zlib: the same pixels, in a valid PNG.
import sharp from 'sharp';
import { describe, expect, it, vi } from 'vitest';

vi.mock('../src/io/libdeflate.js', () => ({ libdeflateZlib: () => undefined }));

describe('encodeIndexedPng and encodeQuantizedTruecolourPng without libdeflate', () => {
  it('writes indexed PNGs with zlib, bit-exact at 1, 4 and 8 bits, and leaves truecolour to the caller', async () => {
    const { encodeIndexedPng, encodeQuantizedTruecolourPng } = await import('../src/io/png.js');
    for (const colours of [2, 16, 200]) {
      const width = 61;
      const height = 37;
      const palette = Uint8Array.from({ length: colours * 4 }, (_, i) => (i % 4 === 3 ? 255 : (i * 37) % 256));
      const indices = Uint8Array.from({ length: width * height }, (_, p) => ((p % width) + (p >> 3)) % colours);
      const png = await encodeIndexedPng({ width, height, palette, indices });
      const { data } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      for (let p = 0; p < indices.length; p++) {
        expect(Array.from(data.subarray(p * 4, p * 4 + 4))).toEqual(Array.from(palette.subarray(indices[p] * 4, indices[p] * 4 + 4)));
      }
    }
    expect(encodeQuantizedTruecolourPng(new Uint8Array(12), 2, 2, 3)).toBeUndefined();
  });

  it('has sharp write a truecolour PNG (more than 256 colours)', async () => {
    const { encodeImage } = await import('../src/io/write.js');
    const width = 40;
    const height = 30;
    const palette = Uint8Array.from({ length: 300 * 4 }, (_, i) => (i % 4 === 3 ? 255 : (i * 53) % 256));
    const indices = Uint16Array.from({ length: width * height }, (_, p) => p % 300);
    const png = await encodeImage({ width, height, palette, indices }, 'png');
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(3);
    for (let p = 0; p < indices.length; p++) {
      expect(Array.from(data.subarray(p * 3, p * 3 + 3))).toEqual(Array.from(palette.subarray(indices[p] * 4, indices[p] * 4 + 3)));
    }
  });
});
