// The helper thread of a fit's assign step: serves each fit it is lent (see assign-thread.ts).
import { parentPort } from 'node:worker_threads';
import { serveAssign, type AssignLayout } from '../core/assign-helper.js';

parentPort?.on('message', ({ module, memory, layout }: { module: WebAssembly.Module; memory: WebAssembly.Memory; layout: AssignLayout }) => {
  serveAssign(module, memory, layout);
});
