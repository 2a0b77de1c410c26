// sharp, loaded through require. sharp ships a CommonJS build and an ES module build of the same
// code; the CommonJS one loads in about half the time (about 45 ms less at every start here, which
// is a sixth of a small run), so every module of kquant takes sharp from here.
import { createRequire } from 'node:module';
import type sharpModule from 'sharp';

export const sharp: typeof sharpModule = createRequire(import.meta.url)('sharp');
