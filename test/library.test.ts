// The library API as a build script uses it: import { quantize, sweep, kmeans } from 'kquant'.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { kmeans, quantize, sweep, KquantError, type ResultRow } from '../src/index.js';
import { FLOWER, decode, distinctColours, tempDir } from './helpers.js';

describe('library API', () => {
  it('quantize returns the row, the palette image and the bytes, writing only when asked', async () => {
    const dir = tempDir();
    const output = join(dir, 'flower-8.png');
    const { row, image, bytes } = await quantize(FLOWER, { colors: 8, output, seed: 3 });
    expectTypeOf(row).toEqualTypeOf<ResultRow>();
    expect(row.k).toBe(8);
    expect(row.seed).toBe(3);
    expect(row.outputBytes).toBe(statSync(output).size);
    expect(readFileSync(output).equals(bytes)).toBe(true);
    expect(image.palette.length).toBe(4 * row.coloursUsed);
    expect(image.indices.length).toBe(row.width * row.height);
    const { data, channels } = await decode(bytes);
    expect(distinctColours(data, channels).size).toBe(row.coloursUsed);

    const unwritten = await quantize(FLOWER, { colors: 8, seed: 3 });
    expect(unwritten.row.output).toBe('');
    expect(unwritten.bytes.equals(bytes)).toBe(true);
  });

  it('sweep writes one file a K', async () => {
    const dir = tempDir();
    const rows = await sweep(FLOWER, { colors: [2, 4], outDir: dir });
    expect(rows.map((r) => r.k)).toEqual([2, 4]);
    for (const row of rows) expect(statSync(row.output).size).toBe(row.outputBytes);
  });

  it('rejects unknown option names instead of ignoring them', async () => {
    await expect(quantize(FLOWER, { colors: 8, itertions: 5 } as never)).rejects.toThrow(/Unknown option "itertions"/);
    expect(() => kmeans(new Float32Array([1, 2, 3]), 3, { k: 1, itertions: 5 } as never)).toThrow(KquantError);
  });

  it('reports an unreadable input as a KquantError', async () => {
    await expect(quantize(join(tempDir(), 'missing.jpg'), { colors: 8 })).rejects.toThrow(/no such file/);
  });
});
