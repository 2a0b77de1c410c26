// A zlib stream deflated in parts: any inflater reads back exactly the input, and the parts cost
// next to nothing over one stream.
import { constants, deflateSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { deflateInParts } from '../src/io/deflate-parts.js';
import { adler32 } from '../src/io/png-rows.js';
import { makeRng } from '../src/core/rng.js';

/** Rows of a smooth gradient with noise: repetitive as index data is, so matches cross the cuts. */
function indexLikeData(bytes: number, seed: number): Buffer {
  const rng = makeRng(seed);
  const out = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) out[i] = ((i % 1000) >> 3) + (rng() < 0.1 ? Math.floor(rng() * 4) : 0);
  return out;
}

describe('adler32', () => {
  it.each([0, 1, 2047, 2048, 2049, 5552, 65_535, 65_536, 65_537, 300_000])("equals zlib's checksum, in WebAssembly and TypeScript, on %i bytes of 0xFF (the largest sums) and of noise", (length) => {
    for (const data of [Buffer.alloc(length, 0xff), indexLikeData(length, length)]) {
      const stream = deflateSync(data, { level: 1 });
      const expected = stream.readUInt32BE(stream.length - 4);
      expect(adler32(data)).toBe(expected);
      expect(adler32(data, 'js')).toBe(expected);
    }
  });
});

describe('deflateInParts', () => {
  const raw = indexLikeData(300_000, 7);

  it.each([1000, 40_000, 65_536, 299_999, 300_000, 1 << 20])('inflates back to the input, parts of %i bytes', async (partBytes) => {
    for (const level of [1, 6, 8, 9]) {
      const stream = await deflateInParts(raw, level, partBytes);
      // inflateSync checks the header and the Adler-32 trailer.
      expect(Buffer.compare(inflateSync(stream), raw)).toBe(0);
      expect(Buffer.compare(await deflateInParts(raw, level, partBytes), stream)).toBe(0);
    }
  });

  it('takes a strategy: the filtered one writes what one filtered stream does, within 0.5%', async () => {
    const one = deflateSync(raw, { level: 8, memLevel: 9, strategy: constants.Z_FILTERED });
    const halves = await deflateInParts(raw, 8, raw.length / 2, constants.Z_FILTERED);
    expect(Buffer.compare(inflateSync(halves), raw)).toBe(0);
    expect(halves.length).toBeLessThan(one.length * 1.005);
    expect(halves.length).not.toBe((await deflateInParts(raw, 8, raw.length / 2)).length);
  });

  it('writes the header zlib writes at each level', async () => {
    for (const level of [0, 1, 5, 6, 7, 9]) {
      const ours = await deflateInParts(raw.subarray(0, 5000), level, 1000);
      expect(Array.from(ours.subarray(0, 2))).toEqual(Array.from(deflateSync(raw.subarray(0, 5000), { level }).subarray(0, 2)));
    }
  });

  it('costs under 0.5% over one stream when each part holds many windows', async () => {
    const one = deflateSync(raw, { level: 8, memLevel: 9 }).length;
    const parts = (await deflateInParts(raw, 8, 100_000)).length;
    expect(parts).toBeLessThan(one * 1.005);
  });

  it('an empty input is an empty stream', async () => {
    expect(inflateSync(await deflateInParts(new Uint8Array(0), 8)).length).toBe(0);
  });
});
