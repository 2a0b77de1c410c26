// libdeflate in WebAssembly (src/io/libdeflate.ts): zlib streams that any inflater reads back,
// the same bytes each time, and its near-optimal levels smaller than zlib's best. (On photos'
// rows: png.test.ts.)
import { deflateSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { makeRng } from '../src/core/rng.js';
import { libdeflateZlib } from '../src/io/libdeflate.js';

function samples(): [string, Uint8Array][] {
  const rng = makeRng(7);
  const random = Uint8Array.from({ length: 100_000 }, () => Math.floor(rng() * 256));
  const text = new TextEncoder().encode('the same words again and again, '.repeat(4000));
  // Rows of a smooth gradient with a little noise: long matches and near-repeats.
  const rows = new Uint8Array(300 * 641);
  for (let y = 0; y < 300; y++) for (let x = 0; x < 641; x++) rows[y * 641 + x] = x === 0 ? 0 : ((x + y) >> 2) + (rng() < 0.1 ? 1 : 0);
  return [
    ['empty', new Uint8Array(0)],
    ['one byte', Uint8Array.of(42)],
    ['tiny', Uint8Array.from({ length: 10 }, (_, i) => i)],
    ['random', random],
    ['text', text],
    ['gradient rows', rows],
    ['zeros', new Uint8Array(1 << 20)],
  ];
}

describe('libdeflateZlib', () => {
  it.each(samples())('%s: inflates back, with a valid header and checksum, at levels 1, 6, 10, 11, 12', (_name, data) => {
    for (const level of [1, 6, 10, 11, 12]) {
      const stream = libdeflateZlib(data, level)!;
      expect(stream).toBeDefined();
      // CMF 0x78 (deflate, 32 KiB window); FLG makes the pair a multiple of 31.
      expect(stream[0]).toBe(0x78);
      expect(stream.readUInt16BE(0) % 31).toBe(0);
      // node's inflate checks the Adler-32 trailer.
      expect(Buffer.compare(inflateSync(stream), Buffer.from(data))).toBe(0);
    }
  });

  it('gives the same bytes for the same input, after larger and smaller jobs on the same instance', () => {
    const data = samples()[5][1];
    const first = libdeflateZlib(data, 11)!;
    libdeflateZlib(new Uint8Array(3 << 20).fill(7), 11);
    libdeflateZlib(Uint8Array.of(1, 2, 3), 11);
    expect(Buffer.compare(libdeflateZlib(data, 11)!, first)).toBe(0);
  });

  it('at level 11 is smaller than zlib at level 9 on rows of a noisy gradient', () => {
    const data = samples()[5][1];
    expect(libdeflateZlib(data, 11)!.length).toBeLessThan(deflateSync(data, { level: 9, memLevel: 9 }).length * 0.97);
  });

  it('caps the optimisation passes of levels 10-12: the levels\' own caps give their bytes, others still inflate back', () => {
    const data = samples()[5][1];
    expect(Buffer.compare(libdeflateZlib(data, 10, 2)!, libdeflateZlib(data, 10)!)).toBe(0);
    expect(Buffer.compare(libdeflateZlib(data, 11, 4)!, libdeflateZlib(data, 11)!)).toBe(0);
    expect(Buffer.compare(libdeflateZlib(data, 12, 10)!, libdeflateZlib(data, 12)!)).toBe(0);
    const one = libdeflateZlib(data, 11, 1)!;
    // One pass prices every choice by default costs only: not the same stream as four.
    expect(Buffer.compare(one, libdeflateZlib(data, 11)!)).not.toBe(0);
    for (const passes of [1, 2, 3]) {
      expect(Buffer.compare(inflateSync(libdeflateZlib(data, 11, passes)!), Buffer.from(data))).toBe(0);
    }
  });

  it('refuses passes below level 10 or outside 1-100', () => {
    expect(() => libdeflateZlib(new Uint8Array(10), 9, 2)).toThrow(RangeError);
    expect(() => libdeflateZlib(new Uint8Array(10), 11, 0)).toThrow(RangeError);
    expect(() => libdeflateZlib(new Uint8Array(10), 11, 1.5)).toThrow(RangeError);
  });

  it('refuses a level outside 1-12', () => {
    expect(() => libdeflateZlib(new Uint8Array(10), 0)).toThrow(RangeError);
    expect(() => libdeflateZlib(new Uint8Array(10), 13)).toThrow(RangeError);
    expect(() => libdeflateZlib(new Uint8Array(10), 10.5)).toThrow(RangeError);
  });
});
