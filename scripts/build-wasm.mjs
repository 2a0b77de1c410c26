// Compiles the WebAssembly text of the core and of the PNG encoder (src/core/wasm/*.wat,
// src/io/wasm/*.wat) into TypeScript modules that hold the binary as base64 (*.generated.ts beside
// them, git-ignored), so that they load it without any file I/O. A committed binary there
// (src/io/wasm/libdeflate.wasm, made by scripts/build-libdeflate.sh) is wrapped the same way. Runs
// before tsc in `npm run build`; needs only the wabt dev dependency.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import initWabt from 'wabt';

/** Writes `<name>.generated.ts` holding `binary` as base64, unless it already holds it. */
function writeModule(dir, file, binary) {
  const out = join(dir, `${file.replace(/\.(wat|wasm)$/, '')}.generated.ts`);
  const text =
    `// Generated from ${file} by scripts/build-wasm.mjs: do not edit.\n` +
    `export const WASM_BASE64 =\n  '${Buffer.from(binary).toString('base64')}';\n`;
  let old = '';
  try {
    old = readFileSync(out, 'utf8');
  } catch {
    // first build
  }
  if (old !== text) writeFileSync(out, text);
}

const wabt = await initWabt();
for (const folder of ['../src/core/wasm/', '../src/io/wasm/']) {
  const dir = new URL(folder, import.meta.url).pathname;
  const files = readdirSync(dir).sort();
  for (const file of files.filter((f) => f.endsWith('.wasm'))) writeModule(dir, file, readFileSync(join(dir, file)));
  for (const file of files.filter((f) => f.endsWith('.wat'))) {
    const source = readFileSync(join(dir, file), 'utf8');
    const module = wabt.parseWat(file, source, { threads: true, simd: true, bulk_memory: true });
    module.validate({ threads: true, simd: true, bulk_memory: true });
    const { buffer } = module.toBinary({});
    module.destroy();
    writeModule(dir, file, buffer);
  }
}
