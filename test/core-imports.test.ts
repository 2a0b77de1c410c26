// The core's import rule: typed arrays in, typed arrays out, nothing from Node or the outside
// world (so it runs in a worker, a browser, or a test, the same way).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

const CORE = join(ROOT, 'src', 'core');
const files = readdirSync(CORE).filter((f) => f.endsWith('.ts'));

/** Source without comments and string contents, so only code is checked. */
function code(source: string): string {
  return source
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\/\/.*$/gm, '')
    .replace(/`(?:\\.|[^`\\])*`/g, '``')
    .replace(/'(?:\\.|[^'\\\n])*'/g, (m) => (m.startsWith("'./") || m === "'seedrandom/lib/alea.js'" ? m : "''"));
}

describe('src/core imports', () => {
  it('builds its WebAssembly kernels from text in the repository (no binary is checked in)', () => {
    const wasm = readdirSync(join(CORE, 'wasm'));
    expect(wasm).toEqual(expect.arrayContaining(['assign.wat', 'seeding.wat']));
    expect(wasm.filter((f) => f.endsWith('.wasm'))).toEqual([]);
  });

  it('has the modules it should', () => {
    expect(files).toEqual(expect.arrayContaining(['kmeans.ts', 'lloyd.ts', 'init.ts', 'nearest.ts', 'histogram.ts', 'index.ts']));
  });

  it.each(files)("%s imports only core modules (and seedrandom's Alea, in rng.ts)", (file) => {
    const source = readFileSync(join(CORE, file), 'utf8');
    const specifiers = [...source.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/g)].map((m) => m[1]);
    specifiers.push(...[...source.matchAll(/import\(\s*'([^']+)'\s*\)/g)].map((m) => m[1]));
    specifiers.push(...[...source.matchAll(/require\(\s*'([^']+)'\s*\)/g)].map((m) => m[1]));
    for (const specifier of specifiers) {
      if (file === 'rng.ts' && specifier === 'seedrandom/lib/alea.js') continue;
      // Core modules, or the WebAssembly kernels built from src/core/wasm/*.wat.
      expect(specifier, `${file} imports ${specifier}`).toMatch(/^\.\/([a-z0-9-]+|wasm\/[a-z0-9-]+\.generated)\.js$/);
    }
    expect(source).not.toMatch(/from\s+'(node:|fs|path|sharp|commander|os|child_process|worker_threads)/);
  });

  it.each(files)('%s touches no process, console or globals of Node', (file) => {
    const body = code(readFileSync(join(CORE, file), 'utf8'));
    expect(body).not.toMatch(/\bprocess\s*\./);
    expect(body).not.toMatch(/\bconsole\s*\./);
    expect(body).not.toMatch(/\bBuffer\b/);
    expect(body).not.toMatch(/\brequire\s*\(/);
    expect(body).not.toMatch(/\bglobalThis\b/);
  });

  it('the checks see a violation when there is one', () => {
    expect(code("import { readFileSync } from 'node:fs';\nconsole.log(1); // console.log\n")).toMatch(/\bconsole\s*\./);
    expect(code("const s = 'console.log';")).not.toMatch(/\bconsole\s*\./);
    expect("import sharp from 'sharp';").toMatch(/from\s+'(node:|fs|path|sharp|commander)/);
  });
});
