#!/usr/bin/env node
// The command, bundled by `npm run build` (scripts/bundle.mjs says why).
import { main } from '../dist/bundle/main.js';

await main();
