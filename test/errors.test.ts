// Bad input, bad options and unwritable outputs, as a user meets them: the real CLI in a subprocess.
// Each case checks the exit code, the one line on stderr (`kquant: <file>: <problem>`, no stack)
// and what is left on disk (no output for a failure, no temporary file, the input untouched).
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, FLOWER, ROOT, decode, gradientPng, listFiles, runCli, tempDir, threeColourPng } from './helpers.js';
import { crc32 } from 'node:zlib';

/** The single line of stderr, checked for kquant's shape and for the absence of a stack trace. */
function errorLine(run: SpawnSyncReturns<Buffer>): string {
  const stderr = run.stderr.toString();
  expect(stderr).not.toMatch(/\n\s+at /);
  const lines = stderr.trimEnd().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^kquant: /);
  return lines[0];
}

/** Every `.kquant-tmp-` file under `dir`, however deep. */
function temporaries(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) => name.split('/').pop()!.startsWith('.kquant-tmp-'));
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A valid-looking PNG of a few kB whose header declares width × height RGB pixels: a pixel bomb. */
function pixelBombPng(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits a sample
  header[9] = 2; // RGB
  const rows = deflateSync(Buffer.alloc(16 * (1 + width * 3))); // a few rows of zeros; the rest is missing
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', rows),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('inputs that are not images, or broken', () => {
  let dir: string;
  let out: string;
  beforeAll(async () => {
    dir = tempDir();
    out = join(dir, 'out');
    mkdirSync(out);
    writeFileSync(join(dir, 'empty.png'), '');
    // Seeded bytes that start like nothing sharp knows.
    const random = Buffer.alloc(4096);
    for (let i = 0, x = 12345; i < random.length; i++) random[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
    random[0] = 0x42;
    writeFileSync(join(dir, 'random.png'), random);
    writeFileSync(join(dir, 'text.jpg'), 'this is not a JPEG, only text with its extension\n');
    const jpeg = readFileSync(FLOWER);
    writeFileSync(join(dir, 'half.jpg'), jpeg.subarray(0, jpeg.length >> 1));
    const png = await sharp(FLOWER).png().toBuffer();
    writeFileSync(join(dir, 'half.png'), png.subarray(0, png.length >> 1));
    // Cut just before the end: the last row of pixels and the IEND chunk are gone.
    writeFileSync(join(dir, 'tail.png'), png.subarray(0, png.length - 40));
    writeFileSync(join(dir, 'tail.jpg'), jpeg.subarray(0, jpeg.length - 200));
    mkdirSync(join(dir, 'folder.png'));
  });

  const cases: [file: string, problem: RegExp][] = [
    ['empty.png', /: the file is empty$/],
    ['random.png', /: not an image kquant can read \(.*unsupported image format\)$/],
    ['text.jpg', /: not an image kquant can read \(.*\)$/],
    ['half.jpg', /: cannot decode the image \(.*\)$/],
    ['half.png', /: cannot decode the image \(.*\)$/],
    ['tail.jpg', /: cannot decode the image \(.*\)$/],
    ['tail.png', /: cannot decode the image \(.*\)$/],
    ['folder.png', /: is a directory, not an image$/],
    ['missing.png', /: cannot read \(no such file\)$/],
  ];
  for (const [file, problem] of cases) {
    it(`refuses ${file} with one line, exit 1 and no output`, () => {
      const input = join(dir, file);
      const run = runCli([input, '--colors', '4', '--out-dir', out]);
      expect(run.status).toBe(1);
      const line = errorLine(run);
      expect(line.startsWith(`kquant: ${input}: `)).toBe(true);
      expect(line).toMatch(problem);
      expect(run.stdout.toString()).toBe('');
      expect(listFiles(out)).toEqual([]);
    });
  }

  it('refuses a device, which would never end, at once', () => {
    if (!existsSync('/dev/zero')) return; // not on this system
    const run = spawnSync(process.execPath, [BIN, '/dev/zero', '--colors', '4', '--out-dir', out], { timeout: 20_000 });
    expect(run.signal).toBeNull();
    expect(run.status).toBe(1);
    expect(errorLine(run)).toBe('kquant: /dev/zero: not a regular file');
    expect(listFiles(out)).toEqual([]);
  });

  it('refuses empty standard input', () => {
    const run = runCli(['-', '--colors', '4', '-o', join(out, 'stdin.png')], { input: Buffer.alloc(0) });
    expect(run.status).toBe(1);
    expect(errorLine(run)).toBe('kquant: standard input: nothing came in');
    expect(listFiles(out)).toEqual([]);
  });

  it('refuses a file it may not read', async () => {
    const input = join(dir, 'secret.png');
    await gradientPng(input);
    chmodSync(input, 0o000);
    let run: SpawnSyncReturns<Buffer>;
    if (process.getuid?.() === 0) {
      // Root reads a mode-000 file anyway: run kquant as the unprivileged user "nobody" instead.
      chmodSync(dir, 0o777);
      chmodSync(out, 0o777);
      run = spawnSync(process.execPath, [BIN, input, '--colors', '4', '--out-dir', out], { cwd: ROOT, uid: 65534, gid: 65534 });
    } else {
      run = runCli([input, '--colors', '4', '--out-dir', out]);
    }
    expect(run.status).toBe(1);
    expect(errorLine(run)).toBe(`kquant: ${input}: cannot read (permission denied)`);
    expect(listFiles(out)).toEqual([]);
  });

  it('refuses a pixel bomb at once, from its header, and says how to raise the limit', () => {
    const input = join(dir, 'bomb.png');
    writeFileSync(input, pixelBombPng(30000, 30000));
    // Start-up (Node, commander, sharp) measured apart, so a loaded machine does not fail the test.
    let started = performance.now();
    expect(runCli(['--help']).status).toBe(0);
    const startUpMs = performance.now() - started;
    started = performance.now();
    const run = runCli([input, '--colors', '4', '--out-dir', out]);
    const elapsedMs = performance.now() - started - startUpMs;
    expect(run.status).toBe(1);
    expect(errorLine(run)).toBe(
      `kquant: ${input}: 30000×30000 is 900,000,000 pixels, over the limit of 268,402,689; raise it with --max-pixels`,
    );
    // Decoding 900 megapixels would take 2.7 GB and many seconds; refusing reads a header.
    expect(elapsedMs).toBeLessThan(2000);
    expect(listFiles(out)).toEqual([]);
  });

  it('applies --max-pixels to ordinary images too', async () => {
    const input = join(dir, 'small.png');
    await gradientPng(input, 64, 48);
    const refused = runCli([input, '--colors', '4', '--out-dir', out, '--max-pixels', '3000']);
    expect(refused.status).toBe(1);
    expect(errorLine(refused)).toMatch(/64×48 is 3,072 pixels, over the limit of 3,000; raise it with --max-pixels$/);
    expect(listFiles(out)).toEqual([]);
    expect(runCli([input, '--colors', '4', '--out-dir', out, '--max-pixels', '3072', '-q']).status).toBe(0);
    expect(listFiles(out)).toEqual(['small-k4.png']);
  });
});

describe('bad options: exit 2, one line, nothing done', () => {
  let dir: string;
  let input: string;
  beforeAll(async () => {
    dir = tempDir();
    input = join(dir, 'three.png');
    await threeColourPng(input);
  });

  const cases: [args: string[], problem: RegExp][] = [
    [['--colors', '0'], /argument '0' is invalid\. expected an integer from 2 to 4096, got 0/],
    [['--colors', '1'], /argument '1' is invalid/],
    [['--colors', '-4'], /argument '-4' is invalid/],
    [['--colors', '2.5'], /argument '2\.5' is invalid/],
    [['--colors', '5000'], /expected an integer from 2 to 4096, got 5000/],
    [['--colors', '64..8'], /range 64\.\.8 goes down/],
    [['--colors', '2..'], /argument '2\.\.' is invalid/],
    [['--colors', 'x..8'], /argument 'x\.\.8' is invalid/],
    [['--colors', ''], /argument '' is invalid/],
    [['--bogus'], /unknown option '--bogus'/],
    [['--seed', '-1'], /'--seed <n>' argument '-1' is invalid/],
    [['--n-init', 'x'], /'--n-init <n>' argument 'x' is invalid\. expected auto or a whole number from 1 to 100, got "x"/],
    [['--max-pixels', '0'], /'--max-pixels <n>' argument '0' is invalid/],
    [['--format', 'bmp'], /'--format <format>' argument 'bmp' is invalid/],
    [['--colors', '4', '-o', 'x.bmp'], /x\.bmp: unknown output format/],
    [['--colors', '4,8', '-o', 'x.png'], /-o\/--output takes one K/],
    [['--colors', '4', '-o', 'x.png', '--out-dir', 'out'], /-o\/--output and --out-dir cannot be used together/],
  ];
  for (const [args, problem] of cases) {
    it(`refuses ${args.join(' ') || '(nothing)'}`, () => {
      const run = runCli([input, ...args], { cwd: dir });
      expect(run.status).toBe(2);
      expect(errorLine(run)).toMatch(problem);
      expect(listFiles(dir)).toEqual(['three.png']);
    });
  }

  it('refuses -o with several inputs', async () => {
    const other = join(dir, 'other.png');
    await threeColourPng(other, 10, 10);
    const run = runCli([input, other, '--colors', '4', '-o', 'x.png'], { cwd: dir });
    expect(run.status).toBe(2);
    expect(errorLine(run)).toBe('kquant: -o/--output takes one input; use --out-dir for several');
    expect(listFiles(dir)).toEqual(['other.png', 'three.png']);
  });

  it('refuses no input at all', () => {
    const run = runCli(['--colors', '4'], { cwd: dir });
    expect(run.status).toBe(2);
    expect(errorLine(run)).toMatch(/missing required argument 'inputs'/);
  });
});

describe('outputs', () => {
  let dir: string;
  let input: string;
  let inputBytes: Buffer;
  beforeAll(async () => {
    dir = tempDir();
    input = join(dir, 'in.png');
    await gradientPng(input);
    inputBytes = readFileSync(input);
  });

  it('never writes over its input, even with --force or by another spelling of the path', () => {
    for (const output of [input, `${dir}/./sub/../in.png`]) {
      for (const force of [[], ['--force']]) {
        const run = runCli([input, '--colors', '4', '-o', output, ...force]);
        expect(run.status).toBe(2);
        expect(errorLine(run)).toBe(`kquant: ${output}: the output would overwrite its input`);
      }
    }
    expect(readFileSync(input).equals(inputBytes)).toBe(true);
    expect(listFiles(dir)).toEqual(['in.png']);
  });

  it('never writes a CSV, report or palette over its input either, even with --force', async () => {
    const plain = join(dir, 'other.png');
    const other = join(dir, 'other-original.png');
    await gradientPng(plain, 8, 8);
    await gradientPng(other, 8, 8);
    const otherBytes = readFileSync(other);
    const out = join(dir, 'side');
    const cases: [args: string[], path: string][] = [
      [[input, other, '--csv', input], `${input}: the CSV would overwrite the input ${input}`],
      [[input, other, '--report', input], `${input}: the report would overwrite the input ${input}`],
      [[input, '--palette', input], `${input}: the output would overwrite its input`],
      // The report writes each input's original beside it, as <stem>-original.png.
      [[plain, other, '--report', join(dir, 'report.html')], `${other}: the report's original of ${plain} would overwrite the input ${other}`],
    ];
    for (const [args, line] of cases) {
      const run = runCli([...args, '--colors', '4', '--out-dir', out, '--force']);
      expect(run.status, args.join(' ')).toBe(2);
      expect(errorLine(run)).toBe(`kquant: ${line}`);
    }
    expect(readFileSync(input).equals(inputBytes)).toBe(true);
    expect(readFileSync(other).equals(otherBytes)).toBe(true);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(dir, 'report.html'))).toBe(false);
    rmSync(plain);
    rmSync(other);
  });

  it('never writes over an input reached through a link, a linked folder or another input, even with --force', async () => {
    const sub = join(dir, 'links');
    mkdirSync(join(sub, 'd'), { recursive: true });
    symlinkSync(input, join(sub, 'soft.png'));
    linkSync(input, join(sub, 'hard.png'));
    symlinkSync('..', join(sub, 'd', 'up')); // links/d/up is links
    const other = join(sub, 'soft-k4.png');
    await gradientPng(other, 8, 8);
    const otherBytes = readFileSync(other);
    const cases: [args: string[], line: string][] = [
      [[join(sub, 'soft.png'), '-o', input], `${input}: the output would overwrite its input ${join(sub, 'soft.png')}`],
      [[join(sub, 'hard.png'), '-o', input], `${input}: the output would overwrite its input ${join(sub, 'hard.png')}`],
      [[input, '-o', join(sub, 'hard.png')], `${join(sub, 'hard.png')}: the output would overwrite its input ${input}`],
      [[join(sub, 'hard.png'), '-o', join(sub, 'd', 'up', 'hard.png')], `${join(sub, 'd', 'up', 'hard.png')}: the output would overwrite its input ${join(sub, 'hard.png')}`],
      // The first input's output is the second input (a re-run on a folder's files).
      [[join(sub, 'soft.png'), other], `${other}: the image of ${join(sub, 'soft.png')} at K=4 would overwrite the input ${other}`],
    ];
    for (const [args, line] of cases) {
      const run = runCli([...args, '--colors', '4', '--force']);
      expect(run.status, args.join(' ')).toBe(2);
      expect(errorLine(run)).toBe(`kquant: ${line}`);
    }
    expect(readFileSync(input).equals(inputBytes)).toBe(true);
    expect(readFileSync(other).equals(otherBytes)).toBe(true);
    rmSync(sub, { recursive: true });
  });

  it('refuses, before any work, two outputs on one file, an input given twice and a GIF over 256 colours', () => {
    const out = join(dir, 'clash');
    const image = join(out, 'w.png');
    const cases: [args: string[], line: string][] = [
      [[input, '-o', image, '--csv', image], `${image}: both the image of ${input} at K=4 and the CSV would be written there`],
      [[input, '-o', image, '--palette', image], `${image}: both the image of ${input} at K=4 and the palette of ${input} at K=4 would be written there`],
      [[input, '-o', image, '--report', join(out, 'in-original.png')], `${join(out, 'in-original.png')}: both the report and the report's original of ${input} would be written there`],
      [[input, '--out-dir', out, '--csv', join(out, 'in-k4.png')], `${join(out, 'in-k4.png')}: both the image of ${input} at K=4 and the CSV would be written there`],
      [[input, input, '--out-dir', out], `${input}: given twice`],
      [[input, '--colors', '2..512', '--format', 'gif', '--out-dir', out], 'GIF holds at most 256 colours, not 512; use --colors 256 or fewer, or .png or .webp'],
    ];
    for (const [args, line] of cases) {
      for (const force of [[], ['--force']]) {
        const run = runCli(['--colors', '4', ...args, ...force]);
        expect(run.status, args.join(' ')).toBe(2);
        expect(errorLine(run)).toBe(`kquant: ${line}`);
      }
    }
    expect(existsSync(out)).toBe(false);
  });

  it('stops before any work when the CSV, the report, an original beside it or a palette exists', () => {
    const out = join(dir, 'side-taken');
    mkdirSync(out);
    const taken = [join(out, 'sizes.csv'), join(out, 'report.html'), join(out, 'in-original.png'), join(out, 'pal-k4.txt')];
    const args = [input, '--colors', '4,8', '--out-dir', out, '--csv', taken[0], '--report', taken[1], '--palette', join(out, 'pal.txt')];
    for (const path of taken) {
      writeFileSync(path, 'keep me');
      const run = runCli(args);
      expect(run.status, path).toBe(1);
      expect(errorLine(run)).toBe(`kquant: ${path}: already exists; use --force to replace it`);
      expect(listFiles(out)).toEqual([basename(path)]);
      rmSync(path);
    }
  });

  it('writes into a pipe or device at the output path, leaving it one (a rename would replace it with a file)', async () => {
    const fifo = join(dir, 'pipe.png');
    const received = join(dir, 'received.bin');
    spawnSync('mkfifo', [fifo]);
    for (const force of [[], ['--force']]) {
      const reader = spawn('sh', ['-c', `cat "${fifo}" > "${received}"`]);
      const ended = new Promise((resolve) => reader.on('exit', resolve));
      const run = runCli([input, '--colors', '4', '-o', fifo, '-q', ...force]);
      expect(run.status, run.stderr.toString()).toBe(0);
      await ended;
      expect(statSync(fifo).isFIFO()).toBe(true);
      expect((await sharp(readFileSync(received)).metadata()).format).toBe('png');
    }
    rmSync(fifo);
    rmSync(received);
  });

  it('leaves an existing output alone without --force, and replaces it with --force', async () => {
    const output = join(dir, 'taken.png');
    writeFileSync(output, 'keep me');
    const run = runCli([input, '--colors', '4', '-o', output]);
    expect(run.status).toBe(1);
    expect(errorLine(run)).toBe(`kquant: ${output}: already exists; use --force to replace it`);
    expect(readFileSync(output, 'utf8')).toBe('keep me');
    expect(temporaries(dir)).toEqual([]);
    expect(runCli([input, '--colors', '4', '-o', output, '--force', '-q']).status).toBe(0);
    expect((await sharp(output).metadata()).format).toBe('png');
  });

  it('stops before any work when outputs of a sweep exist, naming the first and counting the rest', () => {
    const outDir = join(dir, 'swept');
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'in-k4.png'), 'keep me');
    writeFileSync(join(outDir, 'in-k16.png'), 'keep me too');
    const run = runCli([input, '--colors', '2,4,8,16', '--out-dir', outDir]);
    expect(run.status).toBe(1);
    expect(errorLine(run)).toBe(`kquant: ${join(outDir, 'in-k4.png')}: already exists (and 1 more outputs); use --force to replace it`);
    // Nothing was made: not even the K whose output was free.
    expect(listFiles(outDir)).toEqual(['in-k16.png', 'in-k4.png']);
    expect(readFileSync(join(outDir, 'in-k4.png'), 'utf8')).toBe('keep me');
  });

  it('creates missing output folders', async () => {
    const output = join(dir, 'new', 'deeper', 'still', 'out.png');
    const outDir = join(dir, 'fresh', 'dir');
    expect(runCli([input, '--colors', '4', '-o', output, '-q']).status).toBe(0);
    expect(runCli([input, '--colors', '4,8', '--out-dir', outDir, '-q']).status).toBe(0);
    expect((await decode(output)).width).toBe(64);
    expect(listFiles(outDir)).toEqual(['in-k4.png', 'in-k8.png']);
  });

  it('says clearly when the output folder cannot be made or written', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'not a folder');
    const cases: [args: string[], line: string][] = [
      [['-o', join(file, 'out.png')], `kquant: ${join(file, 'out.png')}: cannot create the folder ${file} (a file is in the way of a folder on the path)`],
      [['--out-dir', join(file, 'sub')], `kquant: ${join(file, 'sub', 'in-k4.png')}: cannot create the folder ${join(file, 'sub')} (a file is in the way of a folder on the path)`],
    ];
    if (existsSync('/proc/self')) {
      // /proc takes no new files, not even from root; Node's own recursive mkdir loops for ever on it.
      cases.push([['-o', '/proc/kquant-out.png'], 'kquant: /proc/kquant-out.png: cannot write (/proc takes no new files)']);
      cases.push([['--out-dir', '/proc/kquant/out'], 'kquant: /proc/kquant/out/in-k4.png: cannot create the folder /proc/kquant/out (/proc takes no new files)']);
    }
    for (const [args, line] of cases) {
      const run = spawnSync(process.execPath, [BIN, input, '--colors', '4', ...args], { timeout: 20_000 });
      expect(run.signal, args.join(' ')).toBeNull();
      expect(run.status, args.join(' ')).toBe(1);
      expect(errorLine(run)).toBe(line);
    }
    expect(statSync(file).isFile()).toBe(true);
    expect(temporaries(dir)).toEqual([]);
  });

  it('says "not writable" for a folder it may not write', () => {
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o555);
    chmodSync(dir, 0o755);
    const args = [BIN, input, '--colors', '4', '-o', join(locked, 'out.png')];
    // Root writes anywhere: run as "nobody" then.
    const run = process.getuid?.() === 0 ? spawnSync(process.execPath, args, { uid: 65534, gid: 65534 }) : spawnSync(process.execPath, args);
    expect(run.status).toBe(1);
    expect(errorLine(run)).toBe(`kquant: ${join(locked, 'out.png')}: cannot write (not writable)`);
    expect(listFiles(locked)).toEqual([]);
  });
});

describe('a batch with one bad input', () => {
  it('writes the others, reports the bad one in its line, CSV and JSON rows, and exits 1', async () => {
    const dir = tempDir();
    const good = join(dir, 'good.png');
    const other = join(dir, 'other.png');
    const bad = join(dir, 'bad.png');
    await gradientPng(good);
    await threeColourPng(other);
    writeFileSync(bad, 'garbage');
    const out = join(dir, 'out');
    const csv = join(out, 'sizes.csv');
    for (const jobs of ['1', '2']) {
      const run = runCli([good, bad, other, '--colors', '4,8', '--out-dir', out, '--csv', csv, '--json', '--force', '-j', jobs]);
      expect(run.status).toBe(1);
      expect(run.stderr.toString()).not.toMatch(/\n\s+at /);
      // Piped, progress comes as plain lines `kquant [3/6] <input> K=4`; the rest are the errors.
      const stderr = run.stderr.toString().trimEnd().split('\n').filter((line) => !/^kquant \[\d+\/\d+\] /.test(line));
      // An input that cannot be read fails every K alike: one line, without a K.
      expect(stderr).toEqual([`kquant: ${bad}: not an image kquant can read (Input buffer contains unsupported image format)`]);
      const objects = run.stdout.toString().trim().split('\n').map((line) => JSON.parse(line));
      expect(objects.map((o) => [o.input, o.k, Boolean(o.error)])).toEqual([
        [good, 4, false],
        [good, 8, false],
        [bad, 4, true],
        [bad, 8, true],
        [other, 4, false],
        [other, 8, false],
      ]);
      expect(objects[2].error).toMatch(/not an image kquant can read/);
      expect(listFiles(out)).toEqual(['good-k4.png', 'good-k8.png', 'other-k4.png', 'other-k8.png', 'sizes.csv']);
      const [header, ...rows] = readFileSync(csv, 'utf8').trim().split('\n');
      const errorColumn = header.split(',').indexOf('error');
      expect(errorColumn).toBeGreaterThanOrEqual(0);
      expect(rows).toHaveLength(6);
      expect(rows.filter((row) => /not an image kquant can read/.test(row))).toHaveLength(2);
      expect(rows[2].startsWith(bad)).toBe(true);
      // A failed row keeps input, k, seed and error; its measures are empty, not 0 (nor null in JSON).
      const fields = rows[2].split(',');
      expect(fields.slice(0, 2)).toEqual([bad, '4']);
      expect(fields.slice(2, errorColumn - 1).every((field) => field === '')).toBe(true);
      expect(fields[errorColumn - 1]).toBe('0');
      expect(objects[2]).toMatchObject({ input: bad, k: 4, coloursUsed: null, outputBytes: null, mse: null, psnrDb: null, output: null, seed: 0 });
    }
  });
});
