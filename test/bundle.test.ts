// The command's bundle (dist/bundle, scripts/bundle.mjs), which bin/kquant.js runs: the paths its
// code makes from import.meta.url lead where the modules tsc wrote lead. A worker file not found
// is not an error (the fit runs on one thread, the same bytes), so only this test would see it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT } from './helpers.js';

const BUNDLE = join(ROOT, 'dist', 'bundle');

/** Every `new URL('…', import.meta.url)` and `createRequire(import.meta.url)('…')` of relative paths in a folder's files. */
function relativeReferences(dir: string): { file: string; target: string }[] {
  const found: { file: string; target: string }[] = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.js'))) {
    const text = readFileSync(join(dir, name), 'utf8');
    for (const m of text.matchAll(/new URL\(["'](\.{1,2}\/[^"']+)["'], import\.meta\.url\)|createRequire\(import\.meta\.url\)\(["'](\.{1,2}\/[^"']+)["']\)/g)) {
      found.push({ file: name, target: m[1] ?? m[2] });
    }
  }
  return found;
}

describe('the bundle bin/kquant.js runs', () => {
  it('is what the bin imports', () => {
    expect(readFileSync(BIN, 'utf8')).toMatch(/from '\.\.\/dist\/bundle\/main\.js'/);
  });

  it('finds the worker entries and package.json where the unbundled modules find them', () => {
    const bundled = relativeReferences(BUNDLE);
    const targets = bundled.map(({ target }) => target).sort();
    // The same references as the modules tsc wrote (dist/cli, dist/parallel): none lost, none added.
    const unbundled = [...relativeReferences(join(ROOT, 'dist', 'cli')), ...relativeReferences(join(ROOT, 'dist', 'parallel'))];
    expect(targets).toEqual(unbundled.map(({ target }) => target).sort());
    expect(targets).toEqual(['../../package.json', './helper-worker.js', './worker.js']);
    for (const { file, target } of bundled) {
      expect(existsSync(resolve(dirname(join(BUNDLE, file)), target)), `${file} → ${target}`).toBe(true);
    }
  });

  it('leaves sharp, commander and seedrandom to node_modules', () => {
    const text = readdirSync(BUNDLE)
      .filter((n) => n.endsWith('.js'))
      .map((n) => readFileSync(join(BUNDLE, n), 'utf8'))
      .join('\n');
    expect(text).toMatch(/createRequire\(import\.meta\.url\)\(["']sharp["']\)/);
    expect(text).toMatch(/createRequire\(import\.meta\.url\)\(["']commander["']\)/);
    expect(text).toMatch(/from ["']seedrandom\/lib\/alea\.js["']/);
  });
});
