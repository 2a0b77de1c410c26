// Compiles the WebAssembly text of the core (src/core/wasm/*.wat) into TypeScript modules that
// hold the binary as base64 (src/core/wasm/*.generated.ts, git-ignored), so that the core loads it
// without any file I/O. Runs before tsc in `npm run build`; needs only the wabt dev dependency.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import initWabt from 'wabt';

const dir = new URL('../src/core/wasm/', import.meta.url).pathname;
const wabt = await initWabt();
for (const file of readdirSync(dir).filter((f) => f.endsWith('.wat')).sort()) {
  const source = readFileSync(join(dir, file), 'utf8');
  const module = wabt.parseWat(file, source, { threads: true, simd: true });
  module.validate({ threads: true, simd: true });
  const { buffer } = module.toBinary({});
  module.destroy();
  const name = file.replace(/\.wat$/, '');
  const out = join(dir, `${name}.generated.ts`);
  const text =
    `// Generated from ${file} by scripts/build-wasm.mjs: do not edit.\n` +
    `export const WASM_BASE64 =\n  '${Buffer.from(buffer).toString('base64')}';\n`;
  let old = '';
  try {
    old = readFileSync(out, 'utf8');
  } catch {
    // first build
  }
  if (old !== text) writeFileSync(out, text);
}
