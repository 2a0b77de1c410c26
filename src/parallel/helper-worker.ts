// The helper thread of a single fit: serves each kernel it is lent (see helper-thread.ts).
import { parentPort } from 'node:worker_threads';
import { serveHelper, type HelperLoan } from '../core/helper-thread.js';

parentPort?.on('message', (loan: HelperLoan) => serveHelper(loan));
