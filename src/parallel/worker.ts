// A worker thread: runs the tasks the pool sends (one input at some K) and posts each result back.
import { parentPort } from 'node:worker_threads';
import { KquantError, type KquantErrorCode } from '../core/errors.js';
import { processInput, type JobResult, type JobSpec, type Task } from '../job.js';

export type WorkerMessage =
  | { type: 'result'; task: Task; position: number; result: JobResult }
  | { type: 'note'; message: string }
  | { type: 'done' }
  | { type: 'error'; code: KquantErrorCode; message: string };

const port = parentPort;
if (port) {
  port.on('message', async ({ spec, task }: { spec: JobSpec; task: Task }) => {
    let position = 0;
    try {
      await processInput(
        spec,
        task,
        false,
        async (result) => {
          // Pixels cross threads only with an input's first K, where the report samples them;
          // each result's indices move without a copy.
          if (result.decoded && task.kIndexes[position] !== 0) result.decoded = { ...result.decoded, data: new Uint8Array(0) };
          const transfer: ArrayBuffer[] = [];
          if (result.quantized) transfer.push(result.quantized.indices.buffer as ArrayBuffer);
          port.postMessage({ type: 'result', task, position: position++, result } satisfies WorkerMessage, transfer);
        },
        (message) => port.postMessage({ type: 'note', message } satisfies WorkerMessage),
      );
      port.postMessage({ type: 'done' } satisfies WorkerMessage);
    } catch (error) {
      const code = error instanceof KquantError ? error.code : 'INTERNAL';
      const message = error instanceof Error ? error.message : String(error);
      port.postMessage({ type: 'error', code, message } satisfies WorkerMessage);
    }
  });
}
