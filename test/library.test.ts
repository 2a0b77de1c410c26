// The library API as a build script uses it: import { quantize, sweep, kmeans } from 'kquant'.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { kmeans, quantize, sweep, KquantError, type ResultRow } from '../src/index.js';
import { FLOWER, ROOT, decode, distinctColours, tempDir } from './helpers.js';

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

  it('checks options as the command checks its flags, before any work, with the code of each failure', async () => {
    const dir = tempDir();
    const codeOf = (promise: Promise<unknown>) =>
      promise.then(
        () => 'resolved',
        (error: unknown) => (error instanceof KquantError ? `${error.code}: ${error.message}` : String(error)),
      );
    const usage: [string, Promise<unknown>][] = [
      ['colors', quantize(FLOWER, { colors: 2.5 })],
      ['colors', quantize(FLOWER, { colors: '16' } as never)],
      ['colors', quantize(FLOWER, { colors: 1 })],
      ['sample', quantize(FLOWER, { colors: 4, sample: 0 })],
      ['seed', quantize(FLOWER, { colors: 4, seed: -1 })],
      ['format', quantize(FLOWER, { colors: 4, format: 'bmp' } as never)],
      ['options', quantize(FLOWER, undefined as never)],
      ['colors', sweep(FLOWER, { colors: 4, outDir: dir } as never)],
      ['colors', sweep(FLOWER, { colors: [4, 1024.5], outDir: dir })],
      ['outDir', sweep(FLOWER, { colors: [4] } as never)],
    ];
    for (const [name, promise] of usage) expect(await codeOf(promise)).toMatch(new RegExp(`^USAGE: .*${name}`));
    expect(await codeOf(quantize(join(dir, 'missing.jpg'), { colors: 4 }))).toMatch(/^INPUT: .*no such file/);
    await quantize(FLOWER, { colors: 4, output: join(dir, 'taken.png') });
    expect(await codeOf(quantize(FLOWER, { colors: 4, output: join(dir, 'taken.png') }))).toMatch(/^OUTPUT: .*already exists/);
    // Nothing was written by the refused calls.
    expect(readdirSync(dir)).toEqual(['taken.png']);
  });

  it('sweep makes a K given twice once, as --colors does', async () => {
    const rows = await sweep(FLOWER, { colors: [4, 2, 4], outDir: tempDir() });
    expect(rows.map((r) => r.k)).toEqual([4, 2]);
  });

  it('kmeans checks given first centres: k of them, finite', () => {
    const points = new Float32Array([0, 0, 0, 1, 1, 1, 9, 9, 9]);
    expect(() => kmeans(points, 3, { k: 2, init: new Float32Array(9) })).toThrow(/Expected k·d = 6 initial coordinates/);
    expect(() => kmeans(points, 3, { k: 2, init: new Float32Array([0, 0, 0, NaN, 1, 1]) })).toThrow(/finite initial centres but centre 1 has NaN/);
    expect(() => kmeans(points, 3, undefined as never)).toThrow(KquantError);
    expect(Array.from(kmeans(points, 3, { k: 2, init: new Float32Array([0, 0, 0, 9, 9, 9]) }).labels)).toEqual([0, 0, 1]);
  });

  it('kquant/core is the core alone, through the package\'s exports', () => {
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', "const core = await import('kquant/core'); const main = await import('kquant'); console.log(core.kmeans === main.kmeans)"], { cwd: ROOT });
    expect(run.stderr.toString()).toBe('');
    expect(run.stdout.toString().trim()).toBe('true');
  });
});
