// Bundles the command (dist/cli/main.js) and its two worker entries into dist/bundle/, which
// bin/kquant.js runs: a run then loads about 16 files instead of about 70 ES modules, each of
// which Node resolves, reads and compiles on its own (china.jpg at K = 16: 20-30 ms sooner, at
// K = 256 about 20 ms; the helper thread's restart loads the core's modules too). The library
// (dist/index.js) and the tests use the modules as tsc wrote them.
//
// The bundle sits one folder below dist, as dist/cli and dist/parallel do, so that the paths the
// code makes from import.meta.url hold: ../../package.json, and the worker entries beside the
// chunk that starts them (helper-worker.js, worker.js). sharp, commander and seedrandom stay
// outside, loaded from node_modules as before (sharp still only on first use).
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}dist/bundle`;

await rm(out, { recursive: true, force: true });
const bundle = await rolldown({
  cwd: root,
  input: {
    main: 'dist/cli/main.js',
    'helper-worker': 'dist/parallel/helper-worker.js',
    worker: 'dist/parallel/worker.js',
  },
  platform: 'node',
  external: [/^node:/, /^(sharp|commander|seedrandom)(\/|$)/],
});
await bundle.write({ dir: out, format: 'esm', entryFileNames: '[name].js', chunkFileNames: 'chunk-[hash].js' });
await bundle.close();
