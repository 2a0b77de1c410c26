// The pipeline's bookkeeping: the error reported is the error over every pixel, exactly.
import { describe, expect, it } from 'vitest';
import { helperUse, prepareImage, quantizeImage, RESTART_HELPER_MAX_POINTS } from '../src/pipeline/quantize.js';
import type { DecodedImage } from '../src/types.js';

function image(width: number, height: number, channels: 3 | 4, alpha: (p: number) => number): DecodedImage {
  const data = new Uint8Array(width * height * channels);
  let s = 12345;
  for (let p = 0; p < width * height; p++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[p * channels] = (p * 7) & 255;
    data[p * channels + 1] = s >>> 24;
    data[p * channels + 2] = (p >> 5) & 255;
    if (channels === 4) data[p * channels + 3] = alpha(p);
  }
  return { data, width, height, channels, format: 'raw', inputBytes: data.length, notes: [] };
}

describe('quantizeImage', () => {
  it.each([
    ['RGB', image(120, 90, 3, () => 255), 3],
    ['opaque RGBA', image(120, 90, 4, () => 255), 3],
    ['translucent RGBA', image(120, 90, 4, (p) => (p % 3 === 0 ? 0 : p % 3 === 1 ? 255 : p & 255)), 4],
  ] as const)('%s: mse is the mean over every pixel and channel compared, to the bit', (_, decoded, compared) => {
    const prepared = prepareImage(decoded);
    for (const k of [2, 7, 40]) {
      const q = quantizeImage(prepared, { k, seed: 3 });
      const { channels } = decoded;
      let sse = 0;
      for (let p = 0; p < decoded.width * decoded.height; p++) {
        for (let t = 0; t < compared; t++) {
          const e = prepared.pixels[p * channels + t] - q.palette[q.indices[p] * 4 + t];
          sse += e * e;
        }
      }
      expect(q.mse).toBe(sse / (decoded.width * decoded.height * compared));
    }
  });
});

describe('how a fit uses the helper thread', () => {
  it('runs a restart there when restarts have the work, lends its steps from HELPER_FROM_WORK, and neither below', () => {
    const china = 96_615;
    expect(helperUse(china, 16, 3)).toBe('restart'); // 1.5 M
    expect(helperUse(china, 32, 3)).toBe('restart'); // 3.1 M, below HELPER_FROM_WORK
    expect(helperUse(china, 8, 3)).toBeUndefined(); // 0.8 M
    expect(helperUse(china, 16, 1)).toBeUndefined(); // one run: nothing to run there
    expect(helperUse(china, 256, 1)).toBe('steps');
    expect(helperUse(china, 64, 1)).toBeUndefined();
    // Above HELPER_FROM_WORK, restarts beyond the filtering Lloyd's K lend their steps instead.
    expect(helperUse(500_000, 32, 3)).toBe('steps');
    expect(helperUse(500_000, 24, 3)).toBe('restart');
    // Above the cap on colours, the restarts stay on one thread (and lend steps where those pay).
    expect(helperUse(RESTART_HELPER_MAX_POINTS + 1, 16, 3)).toBe('steps');
    expect(helperUse(RESTART_HELPER_MAX_POINTS, 16, 3)).toBe('restart');
  });
});
