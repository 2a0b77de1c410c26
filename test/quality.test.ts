// Quality on the classic image, against scikit-learn's KMeans (k-means++, n_init=1, centres
// rounded to 8 bits): MSE 118.19 at K=16, 37.67 at K=64. We must be within 1% of it.
import { describe, expect, it } from 'vitest';
import { quantize } from '../src/index.js';
import { CHINA, decode } from './helpers.js';

const SKLEARN_MSE: Record<number, number> = { 16: 118.19, 64: 37.67 };

describe('quality on china.jpg', () => {
  for (const k of [16, 64]) {
    it(`K=${k}: the written image's MSE is at most 1% above scikit-learn's`, async () => {
      const { row, bytes } = await quantize(CHINA, { colors: k });
      const written = await decode(bytes);
      const original = await decode(CHINA);
      let sse = 0;
      for (let i = 0; i < original.data.length; i++) sse += (original.data[i] - written.data[i]) ** 2;
      const mse = sse / original.data.length;
      expect(mse).toBeCloseTo(row.mse, 9);
      expect(mse).toBeLessThanOrEqual(SKLEARN_MSE[k] * 1.01);
    });
  }
});
