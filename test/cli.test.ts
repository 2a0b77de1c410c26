// The CLI as a person or a script runs it: a subprocess of bin/kquant.js.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, lstatSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, CHINA, FLOWER, decode, distinctColours, listFiles, runCli, tempDir, threeColourPng } from './helpers.js';

describe('kquant CLI', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
  });

  it('prints its version, the one in package.json', () => {
    const run = runCli(['--version']);
    expect(run.status).toBe(0);
    const { version } = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version: string };
    expect(run.stdout.toString().trim()).toBe(version);
  });

  it('writes one indexed PNG and prints one line', async () => {
    const out = join(dir, 'one.png');
    const run = runCli([FLOWER, '--colors', '16', '-o', out]);
    expect(run.stderr.toString()).toBe('');
    expect(run.status).toBe(0);
    const lines = run.stdout.toString().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/K=16: 16 colours, .* dB, \d+ iterations, \d+ ms → /);
    const meta = await sharp(out).metadata();
    expect(meta.format).toBe('png');
    expect(meta.isPalette).toBe(true);
    expect([4, 8]).toContain(meta.bitsPerSample);
    const { data, channels } = await decode(out);
    expect(distinctColours(data, channels).size).toBe(16);
  });

  it('sweeps K with a CSV whose sizes are the files on disk', () => {
    const outDir = join(dir, 'sweep');
    const csv = join(outDir, 'sizes.csv');
    const run = runCli([FLOWER, '--colors', '2..32', '--out-dir', outDir, '--csv', csv]);
    expect(run.status).toBe(0);
    expect(listFiles(outDir)).toEqual(['flower-k16.png', 'flower-k2.png', 'flower-k32.png', 'flower-k4.png', 'flower-k8.png', 'sizes.csv']);
    const [header, ...rows] = readFileSync(csv, 'utf8').trim().split('\n');
    const columns = header.split(',');
    expect(rows).toHaveLength(5);
    for (const line of rows) {
      const cells = line.split(',');
      const field = (name: string) => cells[columns.indexOf(name)];
      expect(Number(field('outputBytes'))).toBe(statSync(field('output')).size);
      expect(Number(field('coloursUsed'))).toBeLessThanOrEqual(Number(field('k')));
      expect(Number(field('inputBytes'))).toBe(statSync(FLOWER).size);
    }
    expect(rows.map((line) => Number(line.split(',')[columns.indexOf('k')]))).toEqual([2, 4, 8, 16, 32]);
  });

  it('takes a list of K and several inputs, one JSON object a result', () => {
    const outDir = join(dir, 'json');
    const run = runCli([CHINA, FLOWER, '--colors', '3,5', '--out-dir', outDir, '--json']);
    expect(run.status).toBe(0);
    const objects = run.stdout.toString().trim().split('\n').map((line) => JSON.parse(line));
    expect(objects.map((o) => `${o.input.split('/').pop()}:${o.k}`)).toEqual(['china.jpg:3', 'china.jpg:5', 'flower.jpg:3', 'flower.jpg:5']);
    for (const o of objects) {
      expect(o.outputBytes).toBe(statSync(o.output).size);
      expect(o.psnrDb).toBeGreaterThan(10);
      expect(o.seed).toBe(0);
      for (const key of ['width', 'height', 'mse', 'inertia', 'iterations', 'fitMs', 'originalPngBytes', 'paletteStorageBytes', 'pctOfInput', 'pctOfOriginalPng']) {
        expect(o).toHaveProperty(key);
      }
    }
  });

  it('measures the original as PNG whether the baseline waits for a two-thread fit or not', () => {
    // -j 2 on one image at K = 256: the fit borrows the helper thread and the baseline PNG is
    // encoded after it; at K = 8, or with -j 1, it is encoded while the fit runs.
    const baseline = (args: string[]) => {
      const run = runCli([CHINA, '--json', '-o', join(dir, 'baseline.png'), '--force', ...args]);
      expect(run.status).toBe(0);
      return JSON.parse(run.stdout.toString()).originalPngBytes as number;
    };
    const bytes = baseline(['--colors', '8', '-j', '1']);
    expect(bytes).toBeGreaterThan(100_000);
    expect(baseline(['--colors', '256', '-j', '2'])).toBe(bytes);
    expect(baseline(['--colors', '8', '-j', '2'])).toBe(bytes);
  });

  it('gives identical bytes for the same seed', () => {
    const a = join(dir, 'seed-a.png');
    const b = join(dir, 'seed-b.png');
    expect(runCli([CHINA, '--colors', '32', '-o', a, '--seed', '7', '-q']).status).toBe(0);
    expect(runCli([CHINA, '--colors', '32', '-o', b, '--seed', '7', '-q']).status).toBe(0);
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
  });

  it('writes exactly the image it reports: palette PNG round trip and PSNR', async () => {
    const out = join(dir, 'roundtrip.png');
    const run = runCli([CHINA, '--colors', '64', '-o', out, '--json']);
    expect(run.status).toBe(0);
    const reported = JSON.parse(run.stdout.toString());
    const written = await decode(out);
    const original = await decode(CHINA);
    expect(distinctColours(written.data, written.channels).size).toBe(reported.coloursUsed);
    let sse = 0;
    for (let i = 0; i < original.data.length; i++) sse += (original.data[i] - written.data[i]) ** 2;
    expect(sse / original.data.length).toBeCloseTo(reported.mse, 9);
  });

  it('keeps an exact image exact when K is at least its colour count', async () => {
    const input = join(dir, 'three.png');
    await threeColourPng(input);
    const out = join(dir, 'three-out.png');
    const run = runCli([input, '--colors', '8', '-o', out, '--json']);
    expect(run.status).toBe(0);
    const row = JSON.parse(run.stdout.toString());
    expect(row.coloursUsed).toBe(3);
    expect(row.mse).toBe(0);
    expect(row.psnrDb).toBeNull();
    expect((await decode(out)).data.equals((await decode(input)).data)).toBe(true);
  });

  it('says "1 colour" and "1 iteration" in the line of a one-colour image', async () => {
    const input = join(dir, 'flat.png');
    await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 10, g: 20, b: 30 } } }).png().toFile(input);
    const run = runCli([input, '--colors', '4', '-o', join(dir, 'flat-out.png')]);
    expect(run.status).toBe(0);
    expect(run.stdout.toString()).toMatch(/K=4: 1 colour, .*, exact, 1 iteration, \d+ ms → /);
  });

  it('reads standard input and writes standard output', async () => {
    const run = runCli(['-', '--colors', '8', '-o', '-'], { input: readFileSync(FLOWER) });
    expect(run.status).toBe(0);
    const meta = await sharp(run.stdout).metadata();
    expect(meta.format).toBe('png');
    expect(meta.width).toBe(640);
    expect(run.stderr.toString()).toMatch(/^- K=8: 8 colours/);
  });

  it('does not overwrite an existing output without --force', () => {
    const out = join(dir, 'exists.png');
    writeFileSync(out, 'keep me');
    const run = runCli([FLOWER, '--colors', '4', '-o', out]);
    expect(run.status).toBe(1);
    expect(run.stderr.toString()).toMatch(/already exists; use --force/);
    expect(readFileSync(out, 'utf8')).toBe('keep me');
    expect(runCli([FLOWER, '--colors', '4', '-o', out, '--force']).status).toBe(0);
    expect(readFileSync(out).subarray(1, 4).toString()).toBe('PNG');
  });

  it('refuses bad usage with exit code 2 and one line', () => {
    for (const args of [
      [FLOWER, '--colors', '0'],
      [FLOWER, '--colors', '1'],
      [FLOWER, '--colors', 'lots'],
      [FLOWER, '--colors', '16..4'],
      [FLOWER, '--bogus'],
      [FLOWER, CHINA, '--colors', '4', '-o', join(dir, 'x.png')],
      [FLOWER, '--colors', '4,8', '-o', join(dir, 'x.png')],
    ]) {
      const run = runCli(args);
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stderr.toString()).toMatch(/error|kquant:/);
      expect(run.stderr.toString()).not.toMatch(/\n\s+at /);
    }
    expect(existsSync(join(dir, 'x.png'))).toBe(false);
  });

  it('shows examples in --help', () => {
    const run = runCli(['--help']);
    expect(run.status).toBe(0);
    expect(run.stdout.toString()).toMatch(/Examples:[\s\S]*--colors 2\.\.1024/);
  });
});

describe('kquant CLI on threads', () => {
  it('writes the same bytes and rows with -j 2 as with -j 1', () => {
    const dir = tempDir();
    const one = join(dir, 'one');
    const two = join(dir, 'two');
    const args = [CHINA, FLOWER, '--colors', '2,8,32', '--json'];
    const serial = runCli([...args, '--out-dir', one, '-j', '1']);
    const parallel = runCli([...args, '--out-dir', two, '-j', '2']);
    expect(serial.status).toBe(0);
    expect(parallel.status).toBe(0);
    const strip = (text: string) => text.trim().split('\n').map((line) => {
      const { fitMs: _fitMs, output: _output, ...rest } = JSON.parse(line);
      return rest;
    });
    expect(strip(parallel.stdout.toString())).toEqual(strip(serial.stdout.toString()));
    expect(listFiles(two)).toEqual(listFiles(one));
    for (const name of listFiles(one)) expect(readFileSync(join(two, name)).equals(readFileSync(join(one, name)))).toBe(true);
  });
});

describe('kquant sweep of one input on threads (the threads share its histogram)', () => {
  const strip = (text: string) =>
    text
      .trim()
      .split('\n')
      .map((line) => {
        const { fitMs: _fitMs, output, ...rest } = JSON.parse(line);
        return { ...rest, output: output ? basename(output) : output };
      });

  /** RGBA with opaque, translucent and fully transparent pixels: two fit groups and a transparent entry. */
  async function translucentPng(path: string): Promise<void> {
    const width = 80;
    const height = 60;
    const data = Buffer.alloc(width * height * 4);
    for (let p = 0; p < width * height; p++) {
      const x = p % width;
      const y = Math.floor(p / width);
      data.set([(x * 3) & 255, (y * 4) & 255, (x * y) & 255, x < 10 ? 0 : x < 40 ? 60 + y : 255], p * 4);
    }
    await sharp(data, { raw: { width, height, channels: 4 } }).png().toFile(path);
  }

  it.each([
    ['flower.jpg, K up to 300 (16-bit indices), sampled', FLOWER, ['--colors', '2,5,16,300', '--sample', '20000']],
    ['a translucent PNG', 'translucent', ['--colors', '2,3,9,40']],
  ])('%s: the same bytes and rows with -j 1, 2 and 3', async (_, source, options) => {
    const dir = tempDir();
    let input = source;
    if (source === 'translucent') {
      input = join(dir, 'translucent.png');
      await translucentPng(input);
    }
    const runs = ['1', '2', '3'].map((jobs) => {
      const out = join(dir, `j${jobs}`);
      const run = runCli([input, ...options, '--json', '--out-dir', out, '-j', jobs]);
      expect(run.stderr.toString()).not.toMatch(/error/);
      expect(run.status).toBe(0);
      return { out, rows: strip(run.stdout.toString()) };
    });
    const [serial, ...parallel] = runs;
    expect(serial.rows.map((row) => row.k)).toEqual(options[1].split(',').map(Number));
    for (const other of parallel) {
      expect(other.rows).toEqual(serial.rows);
      expect(listFiles(other.out)).toEqual(listFiles(serial.out));
      for (const name of listFiles(serial.out)) {
        expect(readFileSync(join(other.out, name)).equals(readFileSync(join(serial.out, name))), name).toBe(true);
      }
    }
  });

  it('a K whose output cannot be written fails alone, in its row, as with one thread', () => {
    const dir = tempDir();
    const rowsOf = (jobs: string) => {
      const out = join(dir, `j${jobs}`);
      mkdirSync(join(out, 'flower-k4.png'), { recursive: true }); // a folder where K=4 would go
      const run = runCli([FLOWER, '--colors', '2,4,8', '--json', '--out-dir', out, '-j', jobs]);
      expect(run.status).toBe(1);
      expect(run.stderr.toString()).toContain('flower-k4.png');
      expect(run.stderr.toString()).not.toMatch(/\n\s+at /);
      expect(listFiles(out)).toEqual(['flower-k2.png', 'flower-k4.png', 'flower-k8.png']);
      return strip(run.stdout.toString()).map((row) => ({ ...row, error: row.error?.replace(out, '<out>') }));
    };
    const serial = rowsOf('1');
    expect(serial.map((row) => [row.k, Boolean(row.error)])).toEqual([
      [2, false],
      [4, true],
      [8, false],
    ]);
    expect(rowsOf('2')).toEqual(serial);
  });
});

describe('kquant --max-bytes', () => {
  it('writes the largest K whose PNG fits the budget', () => {
    const dir = tempDir();
    const out = join(dir, 'small.png');
    const run = runCli([CHINA, '--max-bytes', '40k', '-o', out, '--json']);
    expect(run.status).toBe(0);
    const row = JSON.parse(run.stdout.toString());
    expect(statSync(out).size).toBe(row.outputBytes);
    expect(row.outputBytes).toBeLessThanOrEqual(40000);
    // One more colour would not fit.
    const next = join(dir, 'next.png');
    expect(runCli([CHINA, '--colors', String(row.k + 1), '-o', next]).status).toBe(0);
    expect(statSync(next).size).toBeGreaterThan(40000);
  });

  it('fails clearly when even 2 colours do not fit', () => {
    const dir = tempDir();
    const run = runCli([CHINA, '--max-bytes', '2k', '-o', join(dir, 'x.png')]);
    expect(run.status).toBe(1);
    expect(listFiles(dir)).toEqual([]);
    // The message gives the size K = 2 needs.
    expect(runCli([CHINA, '--colors', '2', '-o', join(dir, 'k2.png'), '-q']).status).toBe(0);
    const needed = statSync(join(dir, 'k2.png')).size;
    expect(run.stderr.toString().trim()).toBe(`kquant: ${CHINA}: even 2 colours take ${needed} bytes as png, more than the 2000 allowed`);
  });
});

describe('kquant --report and --palette', () => {
  it('writes a report whose images all exist, and one palette file a K', () => {
    const dir = tempDir();
    const run = runCli([FLOWER, '--colors', '4,16', '--out-dir', dir, '--report', join(dir, 'report.html'), '--palette', join(dir, 'pal.json'), '-q']);
    expect(run.status).toBe(0);
    expect(listFiles(dir)).toEqual(['flower-k16.png', 'flower-k4.png', 'flower-original.png', 'pal-k16.json', 'pal-k4.json', 'report.html']);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    const sources = [...html.matchAll(/"(flower-[a-z0-9]+\.png)"/g)].map((m) => m[1]);
    expect(new Set(sources)).toEqual(new Set(['flower-k4.png', 'flower-k16.png', 'flower-original.png']));
    expect(html.replaceAll("http://www.w3.org/2000/svg", "")).not.toMatch(/https?:\/\//);
    const palette = JSON.parse(readFileSync(join(dir, 'pal-k16.json'), 'utf8'));
    expect(palette).toHaveLength(16);
    const shares = palette.map((c: { share: number }) => c.share);
    expect(shares).toEqual([...shares].sort((a, b) => b - a));
    expect(shares.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 4);
  });

  it('gives inputs that share a name their own original and palette files, numbered in order', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'a'));
    mkdirSync(join(dir, 'b'));
    writeFileSync(join(dir, 'a', 'x.jpg'), readFileSync(CHINA));
    writeFileSync(join(dir, 'b', 'x.jpg'), readFileSync(FLOWER));
    const out = join(dir, 'out');
    const run = runCli([join(dir, 'a', 'x.jpg'), join(dir, 'b', 'x.jpg'), '--colors', '4', '--report', join(out, 'r.html'), '--palette', join(out, 'p.txt'), '-q']);
    expect(run.status, run.stderr.toString()).toBe(0);
    expect(listFiles(out)).toEqual(['p-x-2.txt', 'p-x.txt', 'r.html', 'x-2-original.png', 'x-original.png']);
    // Each original holds its own input's pixels: china first, then flower.
    for (const [original, input] of [['x-original.png', CHINA], ['x-2-original.png', FLOWER]]) {
      const expected = await sharp(input).removeAlpha().raw().toBuffer();
      expect((await decode(join(out, original))).data.equals(expected), original).toBe(true);
    }
    const html = readFileSync(join(out, 'r.html'), 'utf8');
    expect(html.indexOf('"x-original.png"')).toBeLessThan(html.indexOf('"x-2-original.png"'));
    expect(readFileSync(join(out, 'p-x.txt'), 'utf8')).not.toBe(readFileSync(join(out, 'p-x-2.txt'), 'utf8'));
  });
});

describe('kquant in scripts', () => {
  it('writes the CSV to standard output with --csv -, the result lines then to standard error', () => {
    const dir = tempDir();
    const run = runCli([FLOWER, '--colors', '2,4', '--out-dir', dir, '--csv', '-', '--no-progress']);
    expect(run.status).toBe(0);
    const lines = run.stdout.toString().trim().split('\n');
    expect(lines[0]).toMatch(/^input,k,coloursUsed,/);
    expect(lines.slice(1).map((line) => line.split(',')[1])).toEqual(['2', '4']);
    expect(run.stderr.toString()).toMatch(/flower\.jpg K=2: 2 colours/);
    expect(listFiles(dir)).toEqual(['flower-k2.png', 'flower-k4.png']);
    for (const clash of [['--json'], ['-o', '-']]) {
      const refused = runCli([FLOWER, '--colors', '2', '--csv', '-', ...clash]);
      expect(refused.status).toBe(2);
      expect(refused.stderr.toString()).toBe(`kquant: --csv - and ${clash.join(' ')} cannot both write to standard output\n`);
    }
  });

  it('writes --csv /dev/stdout into standard output redirected to a file, leaving /dev/stdout a link', () => {
    const dir = tempDir();
    const captured = join(dir, 'captured.txt');
    const fd = openSync(captured, 'w');
    const run = spawnSync(process.execPath, [BIN, FLOWER, '--colors', '2', '--out-dir', dir, '--csv', '/dev/stdout', '-q'], { stdio: ['ignore', fd, 'pipe'] });
    closeSync(fd);
    expect(run.stderr.toString()).toBe('');
    expect(run.status).toBe(0);
    expect(readFileSync(captured, 'utf8')).toMatch(/^input,k,coloursUsed,.*\n.*flower\.jpg,2,2,/s);
    expect(lstatSync('/dev/stdout').isSymbolicLink()).toBe(true);
  });

  it('takes an output name as long as the file system allows (the temporary name is cut, not the output)', () => {
    const dir = tempDir();
    const input = join(dir, `${'a'.repeat(230)}.jpg`);
    writeFileSync(input, readFileSync(FLOWER));
    const run = runCli([input, '--colors', '2', '-q']);
    expect(run.stderr.toString()).toBe('');
    expect(run.status).toBe(0);
    expect(listFiles(dir)).toContain(`${'a'.repeat(230)}-k2.png`);
  });

  it('prints no progress with --no-progress, and still the warnings', () => {
    const dir = tempDir();
    const args = [FLOWER, '--colors', '2,4', '--format', 'jpg', '--out-dir', dir, '--force'];
    expect(runCli(args).stderr.toString()).toMatch(/^kquant \[1\/2\] /m);
    const quiet = runCli([...args, '--no-progress']).stderr.toString();
    expect(quiet).not.toMatch(/^kquant \[/m);
    // Once for the input, not once a K.
    expect(quiet.match(/^kquant: warning: .*JPEG is lossy/gm)).toEqual([`kquant: warning: ${FLOWER}: JPEG is lossy`]);
  });

  it('says plainly when the system refuses memory (a low ulimit -v), exit 1, not an internal error', () => {
    const run = spawnSync('sh', ['-c', `ulimit -v 3000000 && exec "${process.execPath}" "${BIN}" "${FLOWER}" --colors 16 -o "${join(tempDir(), 'x.png')}"`]);
    expect(run.stderr.toString()).toMatch(/^kquant: not enough memory or address space \(.*\); free some, or raise ulimit -v\n$/);
    expect(run.status).toBe(1);
  });
});

describe('kquant warnings and formats', () => {
  it('warns when --sample holds fewer distinct colours than K, and not when it holds enough', () => {
    const dir = tempDir();
    const few = runCli([CHINA, '--colors', '16', '--sample', '3', '-o', join(dir, 'few.png'), '--json']);
    expect(few.status).toBe(0);
    const row = JSON.parse(few.stdout.toString());
    expect(row.coloursUsed).toBeLessThan(16);
    expect(row.warnings).toEqual([`only ${row.coloursUsed} of 16 colours: the 3-pixel sample holds too few distinct colours; use a larger --sample`]);
    expect(few.stderr.toString()).toContain(`kquant: warning: ${CHINA}: only ${row.coloursUsed} of 16 colours`);
    const enough = runCli([CHINA, '--colors', '16', '--sample', '5000', '-o', join(dir, 'enough.png'), '--json']);
    expect(JSON.parse(enough.stdout.toString())).not.toHaveProperty('warnings');
  });

  it('takes --format jpeg as jpg, and warns that the file is not the K-colour image measured', () => {
    const dir = tempDir();
    const run = runCli([FLOWER, '--colors', '8', '--format', 'jpeg', '--out-dir', dir, '--json']);
    expect(run.status).toBe(0);
    expect(listFiles(dir)).toEqual(['flower-k8.jpg']);
    expect(JSON.parse(run.stdout.toString()).warnings).toEqual([
      'JPEG is lossy: the file holds more colours than K, and its error is above the MSE and PSNR given (those of the K-colour image)',
    ]);
  });

  it('warns that JPEG drops transparency and GIF keeps it only on or off; PNG needs no warning', async () => {
    const dir = tempDir();
    const input = join(dir, 'half.png');
    const data = Buffer.alloc(20 * 10 * 4);
    for (let p = 0; p < 200; p++) data.set([p % 20 < 10 ? 200 : 30, 90, (p * 7) % 256, p % 20 < 5 ? 0 : p % 20 < 10 ? 128 : 255], p * 4);
    await sharp(data, { raw: { width: 20, height: 10, channels: 4 } }).png().toFile(input);
    const warningsOf = (name: string) => {
      const run = runCli([input, '--colors', '8', '-o', join(dir, name), '--json']);
      expect(run.status, run.stderr.toString()).toBe(0);
      return JSON.parse(run.stdout.toString()).warnings ?? [];
    };
    expect(warningsOf('a.jpg')).toContain('JPEG has no transparency: it was dropped');
    expect(warningsOf('a.gif')).toEqual(['GIF transparency is on or off: translucent pixels were made clear or opaque']);
    expect(warningsOf('a.png')).toEqual([]);
    expect(warningsOf('a.webp')).toEqual([]);
  });

  it('says a folder in the way of an output is a folder, with or without --force', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'taken.png'));
    for (const force of [[], ['--force']]) {
      const run = runCli([FLOWER, '--colors', '4', '-o', join(dir, 'taken.png'), ...force]);
      expect(run.status).toBe(1);
      expect(run.stderr.toString()).toBe(`kquant: ${join(dir, 'taken.png')}: cannot write (it is a folder)\n`);
    }
  });
});
