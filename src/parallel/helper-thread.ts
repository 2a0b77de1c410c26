// The second thread of a single fit (core/helper-thread.ts): a worker started before the fit (it
// costs 35–45 ms to start) that serves whichever fit borrows it. Only for a job of one task: with
// several, every core already runs a task of its own.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { HelperThread, type Helper } from '../core/helper-thread.js';

const WORKER_FILE = fileURLToPath(new URL('./helper-worker.js', import.meta.url));

export interface HelperHandle {
  helper: Helper;
  /** Starts the thread, if not yet (the first loan starts it too). */
  start(): void;
  /** Stops the thread (idempotent). */
  close(): Promise<void>;
}

/**
 * The thread, not started yet, or undefined where it cannot run (from TypeScript sources, as in
 * tests). Start it once the image is read: started before, on china.jpg at K = 256, its start-up
 * took a core from decoding and from loading kquant's modules, and the run ended about 10 ms later.
 */
export function helperThread(): HelperHandle | undefined {
  if (!existsSync(WORKER_FILE)) return undefined;
  let worker: Worker | undefined;
  let closed = false;
  const start = (): Worker => {
    if (!worker) {
      worker = new Worker(WORKER_FILE);
      // It only ever waits for a fit: never let it keep the process alive.
      worker.unref();
      worker.on('error', () => {
        // A failed helper takes no more loans: fits then run on one thread (attach times out).
      });
    }
    return worker;
  };
  return {
    helper: new HelperThread((loan) => start().postMessage(loan)),
    start: () => {
      if (!closed) start();
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await worker?.terminate();
    },
  };
}
