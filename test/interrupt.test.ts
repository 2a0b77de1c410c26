// Interrupting a sweep: SIGINT or SIGTERM midway must leave only complete outputs and no
// `.kquant-tmp-` file, and exit 130 or 143. Even SIGKILL, which no handler sees, must leave no
// partial output under a final name (outputs are renamed into place when complete).
import { spawn } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { BIN, CHINA, ROOT, tempDir } from './helpers.js';

interface Interrupted {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Starts the classic sweep into `outDir` and sends `signal` `delayMs` after the first result line
 * appears on stdout (the sweep is then midway: K=2 done, larger K under way).
 */
function sweepAndInterrupt(outDir: string, signal: NodeJS.Signals, delayMs: number, jobs: number): Promise<Interrupted> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, CHINA, '--colors', '2..1024', '--out-dir', outDir, '-j', String(jobs)], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!sent && stdout.includes('\n')) {
        sent = true;
        setTimeout(() => child.kill(signal), delayMs);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code, signalled) => resolve({ code, signal: signalled, stdout, stderr }));
  });
}

/** Every file in `dir` that is not a temporary must decode completely. */
async function expectOnlyCompleteImages(dir: string): Promise<string[]> {
  const names = readdirSync(dir).filter((name) => !name.startsWith('.kquant-tmp-'));
  for (const name of names) {
    expect(name).toMatch(/^china-k\d+\.png$/);
    const { info } = await sharp(join(dir, name), { failOn: 'truncated' }).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height], name).toEqual([640, 427]);
  }
  return names;
}

describe('an interrupted sweep', () => {
  const runs: [signal: NodeJS.Signals, delayMs: number, jobs: number][] = [
    ['SIGINT', 0, 2],
    ['SIGTERM', 0, 2],
    ['SIGINT', 0, 1],
    ['SIGTERM', 150, 1],
    ['SIGINT', 300, 2],
    ['SIGTERM', 600, 2],
  ];
  for (const [signal, delayMs, jobs] of runs) {
    it(`leaves no partial or temporary file after ${signal} (${delayMs} ms after the first result, -j ${jobs})`, async () => {
      const dir = tempDir('kquant-interrupt-');
      const result = await sweepAndInterrupt(dir, signal, delayMs, jobs);
      // Dead of the signal, once clean (a shell reports 130 or 143, and bash stops its loop).
      expect(result.code).toBeNull();
      expect(result.signal).toBe(signal);
      expect(result.stderr).toContain(`kquant: interrupted (${signal}); no partial files left`);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(readdirSync(dir).filter((name) => name.startsWith('.kquant-tmp-'))).toEqual([]);
      const names = await expectOnlyCompleteImages(dir);
      // Midway: some K written, not all ten.
      expect(names.length).toBeGreaterThan(0);
      expect(names.length).toBeLessThan(10);
      // Every result printed names a file that is there.
      for (const line of result.stdout.trim().split('\n')) {
        const output = line.split(' → ').pop()!;
        expect(names).toContain(output.split('/').pop());
      }
      rmSync(dir, { recursive: true });
    });
  }

  it('leaves no partial output even after SIGKILL', async () => {
    const dir = tempDir('kquant-interrupt-');
    const result = await sweepAndInterrupt(dir, 'SIGKILL', 100, 2);
    expect(result.signal).toBe('SIGKILL');
    // No handler runs on SIGKILL: a temporary file may stay, but never a partial file under a final name.
    const names = await expectOnlyCompleteImages(dir);
    expect(names.length).toBeLessThan(10);
    rmSync(dir, { recursive: true });
  });
});

describe('a reader that goes away', () => {
  /** Runs the CLI with `args`, closing its standard output after the first chunk it prints. */
  function closeAfterFirst(args: string[]): Promise<{ code: number | null; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdout.once('data', () => child.stdout.destroy());
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr }));
    });
  }

  it('ends a sweep quietly with 141, as SIGPIPE would, leaving only complete files', async () => {
    const dir = tempDir('kquant-pipe-');
    // --json prints a line as each K is written; the reader leaves after the first.
    const result = await closeAfterFirst([CHINA, '--colors', '2..1024', '--out-dir', dir, '--json', '-j', '1']);
    expect(result.code).toBe(141);
    expect(result.stderr).not.toMatch(/\n\s+at |EPIPE/);
    expect(readdirSync(dir).filter((name) => name.startsWith('.kquant-tmp-'))).toEqual([]);
    const names = await expectOnlyCompleteImages(dir);
    expect(names.length).toBeGreaterThan(0);
    expect(names.length).toBeLessThan(10);
    rmSync(dir, { recursive: true });
  });

  it('ends --help quietly too', async () => {
    const result = await closeAfterFirst(['--help']);
    expect([0, 141]).toContain(result.code); // 0 if the help fitted in the pipe before it closed
    expect(result.stderr).toBe('');
  });
});
