// The second thread of a single fit (core/helper-thread.ts): a worker started early (it costs
// 35–45 ms to start, which overlaps decoding) that serves whichever fit borrows it. Only for a job
// of one task: with several, every core already runs a task of its own.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { HelperThread, type Helper } from '../core/helper-thread.js';

const WORKER_FILE = fileURLToPath(new URL('./helper-worker.js', import.meta.url));

export interface HelperHandle {
  helper: Helper;
  /** Stops the thread (idempotent). */
  close(): Promise<void>;
}

/** Starts the thread, or undefined where it cannot run (from TypeScript sources, as in tests). */
export function startHelperThread(): HelperHandle | undefined {
  if (!existsSync(WORKER_FILE)) return undefined;
  const worker = new Worker(WORKER_FILE);
  // It only ever waits for a fit: never let it keep the process alive.
  worker.unref();
  worker.on('error', () => {
    // A failed helper takes no more loans: fits then run on one thread (attach times out).
  });
  let closed = false;
  return {
    helper: new HelperThread((loan) => worker.postMessage(loan)),
    close: async () => {
      if (closed) return;
      closed = true;
      await worker.terminate();
    },
  };
}
