// sharp, loaded through require on first use. sharp ships a CommonJS build and an ES module build
// of the same code; the CommonJS one loads in about half the time (about 45 ms less at every start
// here, which is a sixth of a small run), so every module of kquant takes sharp from here. Even so
// it takes about 37 ms (semver alone 12), which a run from a plain PNG to PNG never pays: those are
// read by png-read.ts and written by png.ts.
import { createRequire } from 'node:module';
import type sharpModule from 'sharp';

let loaded: typeof sharpModule | undefined;

/** sharp, required the first time it is asked for. */
export function loadSharp(): typeof sharpModule {
  loaded ??= createRequire(import.meta.url)('sharp') as typeof sharpModule;
  return loaded;
}
