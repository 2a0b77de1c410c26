// The helper thread of a single fit: serves each kernel it is lent (see helper-thread.ts). A
// restart of k-means (core/restart.ts, which registers its handler) loads the core's fitting
// modules the first time one is offered: the other loans need none of them.
import { parentPort } from 'node:worker_threads';
import { serveHelper, type HelperLoan } from '../core/helper-thread.js';

let restarts: Promise<unknown> | undefined;

parentPort?.on('message', (loan: HelperLoan) => {
  if (loan.kind !== 'restart') {
    serveHelper(loan);
    return;
  }
  // Offers are served in order, each once its module has loaded; if this takes too long, the
  // caller takes the offer back.
  restarts = (restarts ?? import('../core/restart.js')).then(() => serveHelper(loan)).catch(() => {
    // Not served: the caller takes the offer back.
  });
});
