// The second thread of a single fit's assign step (core/assign-helper.ts): a worker started early
// (it costs 35–45 ms to start, which overlaps decoding) that serves whichever fit borrows it.
// Only for a job of one task: with several, every core already runs a task of its own.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AssignThread, type AssignHelper } from '../core/assign-helper.js';

const WORKER_FILE = fileURLToPath(new URL('./assign-worker.js', import.meta.url));

export interface AssignThreadHandle {
  helper: AssignHelper;
  /** Stops the thread (idempotent). */
  close(): Promise<void>;
}

/** Starts the thread, or undefined where it cannot run (from TypeScript sources, as in tests). */
export function startAssignThread(): AssignThreadHandle | undefined {
  if (!existsSync(WORKER_FILE)) return undefined;
  const worker = new Worker(WORKER_FILE);
  // It only ever waits for a fit: never let it keep the process alive.
  worker.unref();
  worker.on('error', () => {
    // A failed helper is not used again: fits then run on one thread (attach times out).
  });
  let closed = false;
  return {
    helper: new AssignThread((message) => worker.postMessage(message)),
    close: async () => {
      if (closed) return;
      closed = true;
      await worker.terminate();
    },
  };
}
