// Runs a job's tasks on worker threads, one task per thread at a time, and hands the results on in
// the order of inputs and K, whatever order the threads finish in, so output is the same as serial.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { KquantError } from '../core/errors.js';
import type { JobResult, JobSpec, Task } from '../job.js';
import type { WorkerMessage } from './worker.js';

const WORKER_FILE = fileURLToPath(new URL('./worker.js', import.meta.url));

/** Workers run from the built JavaScript; from TypeScript sources (tests) the job runs serially. */
export function workerAvailable(): boolean {
  return existsSync(WORKER_FILE);
}

export async function runInWorkers(
  spec: JobSpec,
  tasks: Task[],
  jobs: number,
  emit: (result: JobResult) => Promise<void>,
  onNote: (message: string) => void,
): Promise<void> {
  const perInput = spec.ks.length;
  const ready = new Map<number, JobResult>();
  let next = 0;
  let chain = Promise.resolve();
  const flush = async () => {
    while (ready.has(next)) {
      const result = ready.get(next)!;
      ready.delete(next++);
      await emit(result);
    }
  };
  const queue = [...tasks];
  await new Promise<void>((resolve, reject) => {
    let running = 0;
    const fail = (error: unknown) => {
      for (const worker of workers) void worker.terminate();
      reject(error);
    };
    const workers: Worker[] = [];
    const feed = (worker: Worker) => {
      const task = queue.shift();
      if (!task) {
        void worker.terminate();
        if (--running === 0) chain.then(resolve, reject);
        return;
      }
      worker.postMessage({ spec, task });
    };
    for (let w = 0; w < jobs; w++) {
      const worker = new Worker(WORKER_FILE);
      workers.push(worker);
      running++;
      worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'result') {
          const { task, position, result } = message;
          ready.set(task.inputIndex * perInput + task.kIndexes[position], result);
          chain = chain.then(flush).catch(fail);
        } else if (message.type === 'note') {
          onNote(message.message);
        } else if (message.type === 'done') {
          feed(worker);
        } else {
          fail(new KquantError(message.code, message.message));
        }
      });
      worker.on('error', (error) => fail(new KquantError('INTERNAL', `worker thread failed: ${error.message}`)));
      feed(worker);
    }
  });
}
